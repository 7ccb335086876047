"""Storage actions: fixity checking and sweeping orphans (style.md rules 1, 2, 18).

Both write one event per object they judge, inside the same transaction as their bookkeeping.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome
from kho.core.exceptions import KhoError
from kho.storage.cas import ObjectMissingError, StoreError, hash_stream
from kho.storage.models import Blob
from kho.storage.store import get_store, open_blob

BATCH = 200
HASH_THREADS = min(4, os.cpu_count() or 1)
SWEEP_GRACE_SECONDS = 3600

Progress = Callable[[int], None]


@dataclass(slots=True)
class FixityProblem:
    """One object that failed its fixity check."""

    digest: str
    kind: str  # "mismatch" or "missing"
    actual: str | None
    used_by: list[str]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"digest": self.digest, "kind": self.kind, "actual": self.actual, "used_by": self.used_by}


@dataclass(slots=True)
class FixityReport:
    """What a fixity run found (style.md rule 13: reports are data)."""

    checked: int = 0
    ok: int = 0
    bytes: int = 0
    problems: list[FixityProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "checked": self.checked,
            "ok": self.ok,
            "bytes": self.bytes,
            "mismatched": sum(1 for p in self.problems if p.kind == "mismatch"),
            "missing": sum(1 for p in self.problems if p.kind == "missing"),
            "problems": [p.as_dict() for p in self.problems],
        }


class FixityCheckAction:
    """Re-hash stored objects, record a fixity event for each and report every problem.

    ``sample`` picks that many objects at random; otherwise all are checked. Never stops at the first
    problem. An encrypted object is checked against the digest of its ciphertext, which needs no key;
    with ``decrypt`` it is also decrypted (authenticating every chunk) and its plaintext digest compared.
    """

    def __init__(self, *, sample: int | None = None, agent: str = log.SYSTEM_AGENT, decrypt: bool = False) -> None:
        self.sample = sample
        self.agent = agent
        self.decrypt = decrypt

    def selected_ids(self) -> list[int]:
        """IDs of the blobs to check, in storage order."""
        ids = list(Blob.objects.order_by("id").values_list("id", flat=True))
        if self.sample is not None and self.sample < len(ids):
            ids = sorted(random.SystemRandom().sample(ids, self.sample))
        return ids

    def execute(self, progress: Progress | None = None) -> FixityReport:
        """Run the check; ``progress`` is called with the number of bytes done after each object.

        Objects are hashed on a few threads (hashlib releases the GIL), and each batch's results and events
        are written in one transaction.
        """
        report = FixityReport()
        with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
            for chunk in _chunks(self.selected_ids(), BATCH):
                blobs = list(Blob.objects.filter(id__in=chunk).order_by("id"))
                results = list(pool.map(lambda b: _rehash(b, decrypt=self.decrypt), blobs))
                self._record(blobs, results, report)
                if progress:
                    progress(sum(b.size for b in blobs))
        return report

    def _record(self, blobs: list[Blob], results: list[tuple[str | None, int]], report: FixityReport) -> None:
        events: list[log.NewEvent] = []
        good: list[int] = []
        bad: list[int] = []
        for blob, (actual, size) in zip(blobs, results, strict=True):
            ok = actual == blob.digest or (blob.encrypted and actual == blob.cipher_digest)
            report.checked += 1
            report.bytes += size
            (good if ok else bad).append(blob.pk)
            if ok:
                report.ok += 1
            else:
                used_by = [f"{o.document.doc_code}:{o.role}" for o in blob.digital_objects.select_related("document")]
                kind = "missing" if actual is None else "mismatch"
                report.problems.append(FixityProblem(blob.digest, kind, actual, used_by))
            events.append(
                log.NewEvent(
                    EventType.FIXITY_CHECK,
                    outcome=Outcome.SUCCESS if ok else Outcome.FAILURE,
                    agent=self.agent,
                    object_type="blob",
                    object_id=blob.digest,
                    detail="" if ok else ("object missing" if actual is None else f"content hashes to {actual}"),
                    data={"expected": blob.digest, "actual": actual, "size": size},
                )
            )
        now = timezone.now()
        with transaction.atomic():
            Blob.objects.filter(pk__in=good).update(last_fixity_at=now, last_fixity_ok=True)
            Blob.objects.filter(pk__in=bad).update(last_fixity_at=now, last_fixity_ok=False)
            log.append_many(events)


def _rehash(blob: Blob, *, decrypt: bool = False) -> tuple[str | None, int]:
    """Hash the stored bytes of ``blob``; ``(None, 0)`` when the object is missing.

    For an encrypted object the ciphertext is hashed (and compared with ``cipher_digest``); with
    ``decrypt``, a ciphertext that matches is then decrypted and its plaintext digest returned, and a
    ciphertext that fails authentication comes back as ``"undecryptable"``.
    """
    store = get_store()
    try:
        if not blob.encrypted:
            with store.open(blob.digest) as stream:
                return hash_stream(stream)
        with store.open_key(blob.storage_key) as stream:
            found = hash_stream(stream)
        if not decrypt or found[0] != blob.cipher_digest:
            return found
        with open_blob(blob) as plain:
            return hash_stream(plain)
    except ObjectMissingError:
        return None, 0
    except (KhoError, StoreError):
        return "undecryptable", 0


@dataclass(slots=True)
class SweepReport:
    """Objects and temporary files removed by a sweep."""

    orphans: list[str] = field(default_factory=list)
    temporaries: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"orphans": self.orphans, "temporaries": self.temporaries, "dry_run": self.dry_run}


class SweepStorageAction:
    """Remove stored objects that no Blob row names, and stale temporary files (older than the grace)."""

    def __init__(self, *, grace_seconds: float = SWEEP_GRACE_SECONDS, dry_run: bool = False) -> None:
        self.grace_seconds = grace_seconds
        self.dry_run = dry_run

    def execute(self) -> SweepReport:
        """Sweep and record one event per removed orphan."""
        store = get_store()
        report = SweepReport(dry_run=self.dry_run)
        cutoff = timezone.now().timestamp() - self.grace_seconds
        for digest, path in store.iter_digests():
            row = Blob.objects.filter(digest=digest).values_list("key_id", flat=True).first()
            if row == "" or (row is None and path.stat().st_mtime >= cutoff):
                continue  # in use, or too young to judge; a plaintext left behind by sealing goes at once
            self._remove(report, digest, lambda d=digest: store.delete(d))  # type: ignore[misc]
        for digest, path in store.iter_encrypted():
            if path.stat().st_mtime >= cutoff or Blob.objects.filter(cipher_digest=digest).exists():
                continue
            self._remove(report, digest, lambda p=path: p.unlink(missing_ok=True))  # type: ignore[misc]
        for tmp in store.stale_temporaries(self.grace_seconds):
            report.temporaries += 1
            if not self.dry_run and tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)  # a staging folder of an interrupted import
            elif not self.dry_run:
                tmp.unlink(missing_ok=True)
        return report

    def _remove(self, report: SweepReport, digest: str, delete: Callable[[], None]) -> None:
        report.orphans.append(digest)
        if self.dry_run:
            return
        with transaction.atomic():
            delete()
            log.append(EventType.STORAGE_SWEEP, object_type="blob", object_id=digest, detail="orphan object removed")


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
