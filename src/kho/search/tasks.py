"""Background indexing (style.md rule 8: tasks take IDs, never model instances)."""

from __future__ import annotations

from django_tasks import task

from kho.search.backends import get_backend

__all__ = ["index_documents_task"]


@task(queue_name="index")
def index_documents_task(document_ids: list[int]) -> int:
    """Re-index these documents (removing those that no longer exist); runs in a worker after the commit.

    Returns:
        How many documents were indexed.
    """
    return get_backend().index(document_ids)
