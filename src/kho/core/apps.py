"""Shared kernel: base models, text utilities, exceptions, the CLI error boundary and system checks."""

from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Registers Kho's system checks (style.md rule 20)."""

    name = "kho.core"
    label = "core"
    verbose_name = "Kho"

    def ready(self) -> None:
        """Import the checks module so its ``@register`` calls run."""
        from kho.core import checks, secure_checks  # noqa: F401 - secure_checks: kho doctor --secure
