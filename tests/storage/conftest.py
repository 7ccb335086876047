"""Fixtures of the storage tests: transactional tests that append events and fill the search index."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "ocr", "index"]}
}


@pytest.fixture
def indexed_now(settings: Any, transactional_db: Any) -> Iterator[None]:
    """Run tasks at once (documents are indexed on commit); empty the index and the event log afterwards.

    Django flushes SQLite with ``DELETE``, which the append-only triggers refuse and which leaves the FTS
    table alone, so both are emptied here first (as ``tests/web`` and ``tests/search`` do).
    """
    settings.TASKS = IMMEDIATE_TASKS
    yield
    from kho.search.backends import get_backend

    get_backend().clear()  # type: ignore[attr-defined]
    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("kho.audit.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_DROP:
            cursor.execute(statement)
        cursor.execute("DELETE FROM audit_event")
        for statement in triggers.SQLITE:
            cursor.execute(statement)
