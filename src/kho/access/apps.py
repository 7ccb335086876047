"""Access control: roles, clearances, scopes and one policy per protected model (deny by default)."""

from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    """The access app: registers the policies of the archive's models when Django starts."""

    name = "kho.access"
    label = "access"
    verbose_name = "Phân quyền"

    def ready(self) -> None:
        """Register the default policies (style.md: ``apps.py`` registers policies)."""
        from kho.access.policies import register_defaults

        register_defaults()
        from kho.access import signals  # noqa: F401 - connects the sign-in receivers
