"""Access control: roles, clearances, scopes and one policy per protected model (deny by default)."""

from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    """The access app."""

    name = "kho.access"
    label = "access"
    verbose_name = "Phân quyền"
