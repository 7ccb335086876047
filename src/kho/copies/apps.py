"""The copy register: marked copies of classified documents (standards.md §6.3, §6.7)."""

from __future__ import annotations

from django.apps import AppConfig


class CopiesConfig(AppConfig):
    """The copies app: registers the copy register's access policy when Django starts."""

    name = "kho.copies"
    label = "copies"
    verbose_name = "Sổ quản lý sao, chụp"

    def ready(self) -> None:
        """Protect ``CopyEntry`` with its policy (style.md: ``apps.py`` registers policies)."""
        from kho.access.policies import register
        from kho.copies.models import CopyEntry
        from kho.copies.policies import CopyEntryPolicy

        register(CopyEntry, CopyEntryPolicy())
