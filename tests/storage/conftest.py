"""Fixtures of the storage tests: transactional tests that append events and fill the search index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import flushable_audit  # noqa: F401 - fixture

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "ocr", "index"]}
}


@pytest.fixture
def indexed_now(settings: Any, flushable_audit: None) -> Iterator[None]:  # noqa: F811 - the fixture
    """Run tasks at once (documents are indexed on commit); empty the index, then the event log, afterwards.

    Django flushes SQLite with ``DELETE``, which leaves the FTS table alone: it is emptied here, and
    ``flushable_audit`` (torn down after this fixture) empties the append-only event log.
    """
    settings.TASKS = IMMEDIATE_TASKS
    yield
    from kho.search.backends import get_backend

    get_backend().clear()  # type: ignore[attr-defined]
