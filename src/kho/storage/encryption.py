"""Encryption-at-rest actions: seal classified objects still stored in plain, rotate the master key, status.

Which objects must be encrypted is decided by classification: every blob referenced by a document whose
own or record's secrecy level is above 0, and every scan uploaded into a classified record.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.storage.cas import DecryptionError, MasterKey, unwrap_key, wrap_key
from kho.storage.exceptions import ObjectTamperedError
from kho.storage.keys import configured_key, require_key
from kho.storage.models import Blob
from kho.storage.store import seal_blob

__all__ = [
    "RotateKeysAction",
    "RotateReport",
    "SealClassifiedAction",
    "SealReport",
    "blobs_of_documents",
    "classified_blobs",
    "key_status",
]

ROTATE_BATCH = 200


def classified_blobs() -> QuerySet[Blob]:
    """Every blob that must be stored encrypted (referenced by a classified document or upload)."""
    from kho.ingest.models import UploadFile  # ingest builds on storage: import at call time

    uploads = UploadFile.objects.filter(batch__record__secrecy_level__gt=0).values("blob_id")
    return Blob.objects.filter(
        Q(digital_objects__document__secrecy_level__gt=0)
        | Q(digital_objects__document__record__secrecy_level__gt=0)
        | Q(pk__in=uploads)
    ).distinct()


def blobs_of_documents(document_ids: list[int]) -> QuerySet[Blob]:
    """Plaintext blobs referenced by these documents."""
    return Blob.objects.filter(digital_objects__document_id__in=document_ids, key_id="").distinct()


@dataclass(slots=True)
class SealReport:
    """Objects encrypted in place by one run."""

    sealed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"sealed": len(self.sealed), "digests": self.sealed}


class SealClassifiedAction:
    """Encrypt in place every classified object still stored in plain (after reclassification, imports).

    Each object is sealed on its own (ciphertext, then row and ENCRYPTION event, then the plaintext file
    is removed after the commit), so an interrupted run resumes where it stopped.
    """

    def __init__(self, blobs: QuerySet[Blob] | None = None) -> None:
        self.blobs = blobs

    def execute(self) -> SealReport:
        """Seal; ``MasterKeyMissingError`` before anything is written when there is no key."""
        pending = (self.blobs if self.blobs is not None else classified_blobs()).filter(key_id="")
        ids = list(pending.order_by("id").values_list("id", flat=True))
        report = SealReport()
        if ids:
            require_key()
        for blob in Blob.objects.filter(pk__in=ids).order_by("id"):
            if seal_blob(blob):
                report.sealed.append(blob.digest)
        return report


@dataclass(slots=True)
class RotateReport:
    """Data keys re-wrapped by one rotation run."""

    old_key_id: str
    new_key_id: str
    rewrapped: int = 0
    already: int = 0
    batches: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "old_key_id": self.old_key_id,
            "new_key_id": self.new_key_id,
            "rewrapped": self.rewrapped,
            "already": self.already,
            "batches": self.batches,
        }


class RotateKeysAction:
    """Re-wrap every data key under ``new_key``: objects are not re-encrypted, only their rows change.

    Runs in batches of :data:`ROTATE_BATCH` rows, each batch in one transaction with its ENCRYPTION event,
    so a run killed half-way leaves every row readable with one of the two keys; running it again
    continues with the rows still under the old key. Switch ``KHO_MASTER_KEY_FILE`` to the new key when it
    reports nothing left.
    """

    def __init__(self, new_key: MasterKey, *, batch: int = ROTATE_BATCH, agent: str = log.SYSTEM_AGENT) -> None:
        self.new_key = new_key
        self.batch = batch
        self.agent = agent

    def execute(self, progress: Callable[[int], None] | None = None) -> RotateReport:
        """Rotate; ``MasterKeyMissingError`` without the current key."""
        old = require_key()
        report = RotateReport(old.key_id, self.new_key.key_id)
        report.already = Blob.objects.filter(key_id=self.new_key.key_id).count()
        if old.key_id == self.new_key.key_id:
            return report
        while True:
            with transaction.atomic():
                rows = list(Blob.objects.select_for_update().filter(key_id=old.key_id).order_by("id")[: self.batch])
                if not rows:
                    break
                self._rewrap(rows, old)
                report.rewrapped += len(rows)
                report.batches += 1
            if progress:
                progress(len(rows))
        return report

    def _rewrap(self, rows: list[Blob], old: MasterKey) -> None:
        for blob in rows:
            try:
                data_key = unwrap_key(old, base64.b64decode(blob.wrapped_key))
            except (DecryptionError, ValueError):
                raise ObjectTamperedError(digest=blob.digest) from None
            blob.wrapped_key = base64.b64encode(wrap_key(self.new_key, data_key)).decode("ascii")
            blob.key_id = self.new_key.key_id
        Blob.objects.bulk_update(rows, ["wrapped_key", "key_id"])
        log.append(
            EventType.ENCRYPTION,
            agent=self.agent,
            object_type="master key",
            object_id=self.new_key.key_id,
            detail="data keys re-wrapped under a new master key",
            data={"from": old.key_id, "to": self.new_key.key_id, "count": len(rows)},
        )


def key_status() -> dict[str, Any]:
    """Counts of encrypted objects per master key id, plaintext objects, and classified ones left in plain."""
    per_key = dict(
        Blob.objects.exclude(key_id="").values_list("key_id").annotate(n=Count("id")).values_list("key_id", "n")
    )
    key = configured_key()
    unsealed = classified_blobs().filter(key_id="").count()
    other = sum(n for key_id, n in per_key.items() if key is None or key_id != key.key_id)
    return {
        "configured_key_id": key.key_id if key else None,
        "encrypted": per_key,
        "plaintext": Blob.objects.filter(key_id="").count(),
        "classified_in_plain": unsealed,
        "under_other_keys": other,
        "ok": unsealed == 0 and other == 0,
    }
