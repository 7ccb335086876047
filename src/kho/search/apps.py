"""Full-text search of documents behind one SearchBackend interface (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search app; ``ready()`` connects the after-commit indexing signals."""

    name = "kho.search"
    label = "search"
    verbose_name = "Tìm kiếm"

    def ready(self) -> None:
        """Connect the receivers that enqueue re-indexing after a commit."""
        from kho.search import signals

        signals.connect()
