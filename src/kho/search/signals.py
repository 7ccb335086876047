"""Keep the search index current: after a commit, enqueue the documents that changed (style.md rule 7).

Search is an optional side feature, so signals are allowed here (rule 5). Nothing is indexed before the
commit: if the transaction rolls back, nothing is enqueued. Bulk writes (``bulk_create``, ``update``)
send no signals; code that uses them calls :func:`schedule_index` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save

from kho.records.choices import ObjectRole
from kho.records.models import DigitalObject, Document, Record

__all__ = ["connect", "schedule_index"]


def schedule_index(document_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Enqueue re-indexing of these documents once the current transaction commits (now if none).

    ``robust``: a failure to enqueue is logged and never undoes or breaks the write that caused it;
    ``kho search reindex`` repairs the index.
    """
    ids = sorted({int(pk) for pk in document_ids})
    if not ids:
        return

    def enqueue_index() -> None:  # a named function: Django logs a robust callback's __qualname__
        from kho.search.tasks import index_documents_task

        index_documents_task.enqueue(ids)

    transaction.on_commit(enqueue_index, using=using, robust=True)


def document_changed(sender: type[Document], instance: Document, using: str, **kwargs: Any) -> None:
    """A document was saved or deleted."""
    if not kwargs.get("raw"):
        schedule_index([instance.pk], using)


def text_changed(sender: type[DigitalObject], instance: DigitalObject, using: str, **kwargs: Any) -> None:
    """A digital object was saved or deleted: only its ``text`` role is indexed."""
    if instance.role == ObjectRole.TEXT and not kwargs.get("raw"):
        schedule_index([instance.document_id], using)


def record_saved(sender: type[Record], instance: Record, using: str, **kwargs: Any) -> None:
    """A record was saved: its title and secrecy level are part of its documents' entries."""
    if not kwargs.get("raw") and not kwargs.get("created"):
        schedule_index(Document.objects.using(using).filter(record=instance).values_list("pk", flat=True), using)


def connect() -> None:
    """Connect the receivers (called from ``SearchConfig.ready``)."""
    post_save.connect(document_changed, sender=Document, dispatch_uid="search-document-saved")
    post_delete.connect(document_changed, sender=Document, dispatch_uid="search-document-deleted")
    post_save.connect(text_changed, sender=DigitalObject, dispatch_uid="search-object-saved")
    post_delete.connect(text_changed, sender=DigitalObject, dispatch_uid="search-object-deleted")
    post_save.connect(record_saved, sender=Record, dispatch_uid="search-record-saved")
