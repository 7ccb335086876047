"""Encrypt objects that become classified, whatever path made them so (verification, import, admin).

A document or record saved with a secrecy level above 0, or a digital object linking a plaintext blob to a
classified document, has its plaintext blobs sealed once the transaction commits. The master key is
required *before* the commit: without it the save fails (``MasterKeyMissingError``) rather than leaving
classified bytes in plain. Bulk writes send no signals; ``kho keys seal`` and ``kho doctor --secure``
cover them. This is a safety net, not the main path: ingest stores classified bytes encrypted directly.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save

from kho.records.models import DigitalObject, Document, Record
from kho.storage.keys import require_key
from kho.storage.models import Blob

__all__ = ["connect", "seal_later"]


def seal_later(blob_ids: list[int], using: str) -> None:
    """Require the master key now, and seal these plaintext blobs once the transaction commits."""
    if not blob_ids:
        return
    require_key()

    def seal_after_commit() -> None:
        from kho.storage.encryption import SealClassifiedAction

        SealClassifiedAction(Blob.objects.filter(pk__in=blob_ids)).execute()

    transaction.on_commit(seal_after_commit, using=using)


def _plain_blob_ids(condition: Q, using: str) -> list[int]:
    rows = Blob.objects.using(using).filter(condition, key_id="").values_list("id", flat=True).distinct()
    return list(rows)


def document_saved(sender: type[Document], instance: Document, using: str, **kwargs: Any) -> None:
    """A classified document's plaintext blobs are sealed."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    level = max(instance.secrecy_level, Record.objects.using(using).get(pk=instance.record_id).secrecy_level)
    if level > 0:
        seal_later(_plain_blob_ids(Q(digital_objects__document_id=instance.pk), using), using)


def record_saved(sender: type[Record], instance: Record, using: str, **kwargs: Any) -> None:
    """Every plaintext blob of a classified record's documents is sealed."""
    if kwargs.get("raw") or kwargs.get("created") or instance.secrecy_level == 0:
        return
    seal_later(_plain_blob_ids(Q(digital_objects__document__record_id=instance.pk), using), using)


def object_saved(sender: type[DigitalObject], instance: DigitalObject, using: str, **kwargs: Any) -> None:
    """A plaintext blob newly linked to a classified document is sealed."""
    if kwargs.get("raw"):
        return
    document = Document.objects.using(using).select_related("record").get(pk=instance.document_id)
    if max(document.secrecy_level, document.record.secrecy_level) > 0:
        seal_later(_plain_blob_ids(Q(pk=instance.blob_id), using), using)


def connect() -> None:
    """Connect the receivers (called from ``StorageConfig.ready``)."""
    post_save.connect(document_saved, sender=Document, dispatch_uid="storage-seal-document")
    post_save.connect(record_saved, sender=Record, dispatch_uid="storage-seal-record")
    post_save.connect(object_saved, sender=DigitalObject, dispatch_uid="storage-seal-object")
