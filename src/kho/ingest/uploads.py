"""Scans uploaded from the browser: receive each file on arrival, then digitize the batch in the background.

The web layer builds these actions and calls ``execute()`` (style.md rule 1):

* ``CreateUploadBatchAction`` opens a batch for a record the user may digitize.
* ``ReceiveUploadAction`` checks one file (not empty, a supported format by its magic bytes, not too
  large), streams it into the object store with ``put_blob`` *before* its ``UploadFile`` row exists
  (rule 7), and records a CAPTURE event.
* ``StartDigitizeAction`` queues ``digitize_upload_task`` once its transaction commits (rule 7).

The worker side (``begin_attempt``, ``run_upload_batch``, ``record_failure``) runs in ``kho worker``:
it lays the stored blobs out as files named like the originals (hard links, or copies across file
systems) in a scratch folder under ``DATA_DIR/work``, so that the master DigitalObjects keep the
uploaded file names, and hands them to ``DigitizeBatchAction``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kho.access.exceptions import AccessDeniedError
from kho.access.levels import Action, Decision
from kho.access.policies import check as check_access
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.exceptions import BadInputError, ConflictError
from kho.core.text import N_, clean
from kho.ingest.digitize import DigitizeBatchAction, DigitizeReport, PlannedDocument
from kho.ingest.models import UploadBatch, UploadFile, UploadFileStatus, UploadStatus
from kho.ingest.stages.identify import sniff_format
from kho.records.models import Record
from kho.storage.store import export_blob, put_blob

__all__ = [
    "CreateUploadBatchAction",
    "DuplicateUploadError",
    "EmptyUploadError",
    "NothingToDigitizeError",
    "ReceiveUploadAction",
    "StartDigitizeAction",
    "UnsupportedUploadError",
    "UploadClosedError",
    "UploadTooLargeError",
    "begin_attempt",
    "record_failure",
    "run_upload_batch",
]

SNIFF_BYTES = 1024
NAME_MAX = 255
NOT_CREATOR = N_("Only the user who opened upload batch %(batch)s may add files to it.")


class EmptyUploadError(BadInputError):
    """The uploaded file has no bytes: pick the scan again (the copy may have failed)."""

    code = "empty_upload"
    template = N_("Tệp “%(name)s” rỗng (0 byte): hãy chọn lại tệp quét.")


class UnsupportedUploadError(BadInputError):
    """The file's first bytes are not PDF, TIFF, JPEG or PNG: export the scan in one of these formats."""

    code = "unsupported_upload"
    template = N_(
        "Tệp “%(name)s” không phải PDF, TIFF, JPEG hoặc PNG (xét theo nội dung tệp, không theo đuôi tên): "
        "hãy lưu bản quét ở một trong các định dạng này."
    )


class UploadTooLargeError(BadInputError):
    """The file is larger than ``KHO_INGEST_MAX_BYTES``: split the scan or ask to raise the limit."""

    code = "upload_too_large"
    template = N_("Tệp “%(name)s” có %(size)s byte, vượt giới hạn %(max)s byte: hãy tách bản quét.")


class BadFilenameError(BadInputError):
    """The file name is empty or has control characters: rename the file and upload it again."""

    code = "bad_filename"
    template = N_("Tên tệp “%(name)s” không dùng được: đổi tên tệp rồi tải lên lại.")


class UploadClosedError(ConflictError):
    """The batch is digitizing or finished: open a new batch to send more files."""

    code = "upload_closed"
    template = N_("Đợt tải lên này đã bắt đầu số hóa hoặc đã xong: hãy mở đợt mới để gửi thêm tệp.")


class DuplicateUploadError(ConflictError):
    """The same name (after NFC) or the same content is already in the batch: nothing was added."""

    code = "duplicate_upload"
    template = N_("Tệp “%(name)s” trùng với tệp “%(other)s” đã tải lên trong đợt này.")


class NothingToDigitizeError(BadInputError):
    """The batch has no files yet: upload at least one scan before starting."""

    code = "nothing_to_digitize"
    template = N_("Đợt tải lên chưa có tệp nào: hãy tải lên ít nhất một bản quét.")


class UploadStream(Protocol):
    """A seekable binary stream (Django's ``UploadedFile``, an open file, ``io.BytesIO``)."""

    def read(self, size: int = ..., /) -> bytes:
        """Read up to ``size`` bytes."""

    def seek(self, offset: int, whence: int = ..., /) -> int:
        """Move to ``offset``."""

    def tell(self) -> int:
        """The current position."""


def upload_name(filename: str) -> str:
    """The NFC base name of an uploaded file (browsers may send a path); refuse empty or control characters."""
    name = clean(filename.replace("\\", "/").rsplit("/", 1)[-1])
    if not name or name in {".", ".."} or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise BadFilenameError(name=name[:80])
    if len(name) > NAME_MAX:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: NAME_MAX - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 16 else name[:NAME_MAX]
    return name


def _sniff_head(head: bytes) -> bool:
    """Whether ``head`` starts a supported format, decided by the pipeline's own sniffer (one sniffer)."""
    work = Path(settings.DATA_DIR) / "work"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=work, prefix="sniff-") as probe:
        probe.write(head)
        probe.flush()
        return sniff_format(Path(probe.name)) is not None


class CreateUploadBatchAction:
    """Open an upload batch on a record the user may digitize."""

    def __init__(self, record: Record, user: Any) -> None:
        self.record = record
        self.user = user

    def check(self) -> None:
        """Raise ``AccessDeniedError`` unless the user may digitize into the record."""
        check_access(self.user, Action.DIGITIZE, self.record)

    def execute(self) -> UploadBatch:
        """Create the batch."""
        self.check()
        with transaction.atomic():
            return UploadBatch.objects.create(record=self.record, created_by=self.user)


class ReceiveUploadAction:
    """Store one uploaded file in the object store, then its ``UploadFile`` row and a CAPTURE event.

    ``stream`` must be a seekable binary stream (Django's ``UploadedFile`` is). ``group`` names the
    document the file is a page of; by default each file is its own document.
    """

    def __init__(
        self, batch: UploadBatch, user: Any, filename: str, stream: UploadStream, *, group: str | None = None
    ) -> None:
        self.batch = batch
        self.user = user
        self.filename = filename
        self.stream = stream
        self.group = clean(group)[:64] if group else None

    def check(self) -> str:
        """Refuse other users, closed batches and bad names; return the NFC file name."""
        if self.batch.created_by_id != getattr(self.user, "pk", None):
            raise AccessDeniedError(Decision.deny(NOT_CREATOR, {"batch": str(self.batch.uid)}))
        check_access(self.user, Action.DIGITIZE, self.batch.record)
        if self.batch.status != UploadStatus.PENDING:
            raise UploadClosedError()
        name = upload_name(self.filename)
        if self.group and self.batch.files.filter(group=self.group, filename=name).exists():
            raise DuplicateUploadError(name=name, other=name)
        return name

    def _check_content(self, name: str) -> None:
        self.stream.seek(0, os.SEEK_END)
        size = self.stream.tell()
        self.stream.seek(0)
        if size == 0:
            raise EmptyUploadError(name=name)
        if size > settings.KHO_INGEST_MAX_BYTES:
            raise UploadTooLargeError(name=name, size=size, max=settings.KHO_INGEST_MAX_BYTES)
        head = self.stream.read(SNIFF_BYTES)
        self.stream.seek(0)
        if not _sniff_head(head):
            raise UnsupportedUploadError(name=name)

    def execute(self) -> UploadFile:
        """Check, stream the bytes into the store, then add the row and its event in one transaction."""
        name = self.check()
        self._check_content(name)
        # Bytes first (rule 7), outside the transaction so a large file never holds the write lock.
        blob, _result = put_blob(cast("BinaryIO", self.stream), classified=self.batch.record.secrecy_level > 0)
        with transaction.atomic():
            batch = UploadBatch.objects.select_for_update().get(pk=self.batch.pk)
            if batch.status != UploadStatus.PENDING:
                raise UploadClosedError()
            same = batch.files.filter(blob=blob).first()
            if same is not None:
                raise DuplicateUploadError(name=name, other=same.filename)
            order = (batch.files.aggregate(n=Max("order"))["n"] or 0) + 1
            group = self.group or f"{order:06d}"
            if batch.files.filter(group=group, filename=name).exists():
                raise DuplicateUploadError(name=name, other=name)
            upload = UploadFile.objects.create(batch=batch, filename=name, blob=blob, group=group, order=order)
            log.append(
                EventType.CAPTURE,
                agent=log.user_agent(self.user),
                object_type="upload",
                object_id=str(batch.uid),
                detail="scan received by upload",
                data={"record": batch.record.file_code, "order": order, "digest": blob.digest, "size": blob.size},
            )
        return upload


class StartDigitizeAction:
    """Queue the digitization of a batch once the transaction commits (a failed batch may be started again)."""

    def __init__(self, batch: UploadBatch, user: Any) -> None:
        self.batch = batch
        self.user = user

    def check(self) -> None:
        """The user may digitize into the record; the batch is waiting or failed and has files."""
        check_access(self.user, Action.DIGITIZE, self.batch.record)
        if self.batch.status not in {UploadStatus.PENDING, UploadStatus.FAILED}:
            raise UploadClosedError()
        if not self.batch.files.exists():
            raise NothingToDigitizeError()

    def execute(self) -> UploadBatch:
        """Mark the batch queued and enqueue ``digitize_upload_task`` on commit."""
        self.check()
        with transaction.atomic():
            batch = UploadBatch.objects.select_for_update().select_related("record").get(pk=self.batch.pk)
            if batch.status not in {UploadStatus.PENDING, UploadStatus.FAILED}:
                raise UploadClosedError()
            if batch.status == UploadStatus.FAILED:
                batch.attempts = 0
            batch.status, batch.error = UploadStatus.PENDING, ""
            batch.summary = {"queued": True, "done": 0, "total": batch.files.values("group").distinct().count()}
            batch.save(update_fields=["status", "error", "attempts", "summary", "updated_at"])
            log.append(
                EventType.ACCESSION,
                agent=log.user_agent(self.user),
                object_type="upload",
                object_id=str(batch.uid),
                detail="upload batch queued for digitization",
                data={"record": batch.record.file_code, "files": batch.files.count()},
            )
            transaction.on_commit(lambda: enqueue_batch(batch.pk))
        self.batch = batch
        return batch


def enqueue_batch(batch_id: int) -> None:
    """Enqueue the digitization task of a batch and remember its task id."""
    from kho.ingest.tasks import digitize_upload_task

    result = digitize_upload_task.enqueue(batch_id)
    UploadBatch.objects.filter(pk=batch_id).update(task_id=str(result.id)[:64])


# --- worker side ---------------------------------------------------------------------------------------


def begin_attempt(batch_id: int) -> bool:
    """Mark the batch running and count the attempt; False when there is nothing to run (done or gone)."""
    with transaction.atomic():
        batch = UploadBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status in {UploadStatus.DONE, UploadStatus.FAILED}:
            return False
        batch.status, batch.attempts = UploadStatus.RUNNING, batch.attempts + 1
        batch.save(update_fields=["status", "attempts", "updated_at"])
    return True


def record_failure(batch_id: int, reason: str, *, retry: bool = True) -> bool:
    """Record a failed attempt; return True when the batch should run again (attempts left)."""
    with transaction.atomic():
        batch = UploadBatch.objects.select_for_update().get(pk=batch_id)
        again = retry and batch.attempts < batch.max_attempts
        batch.status = UploadStatus.PENDING if again else UploadStatus.FAILED
        batch.error = reason
        batch.save(update_fields=["status", "error", "updated_at"])
    return again


def stage_files(
    record_code: str, files: list[UploadFile], work: Path, first_ordinal: int = 1
) -> tuple[list[PlannedDocument], dict[str, str]]:
    """Lay the stored blobs out as ``work/<n>/<original name>`` (one folder per group, pages in order).

    Documents are numbered from ``first_ordinal`` in upload order (``store_result`` takes the next free
    ordinal when another batch got there first). Returns the planned documents and, for each folder (the
    outcome's ``source``), its group.
    """
    folders: dict[str, Path] = {}
    pages: dict[str, list[Path]] = {}
    for upload in sorted(files, key=lambda f: f.order):
        folder = folders.setdefault(upload.group, work / f"{len(folders) + 1:05d}")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / upload.filename
        if target.exists():  # the same name twice in one group cannot pass ReceiveUploadAction; be safe anyway
            target = folder / f"{upload.order:06d}-{upload.filename}"
        export_blob(upload.blob, target)  # a hard link, or the decrypted bytes of a classified scan
        pages.setdefault(upload.group, []).append(target)
    planned = [
        PlannedDocument(record_code, tuple(pages[group]), folders[group], order=first_ordinal + n)
        for n, group in enumerate(folders)
    ]
    return planned, {str(folder): group for group, folder in folders.items()}


def _progress(batch_id: int, total: int) -> Callable[[int], None]:
    done = 0

    def advance(step: int) -> None:
        nonlocal done
        done += step
        UploadBatch.objects.filter(pk=batch_id).update(summary={"done": done, "total": total})

    return advance


def _apply_outcomes(batch: UploadBatch, groups: dict[str, str], report: DigitizeReport) -> dict[str, Any]:
    summary = {key: value for key, value in report.as_dict().items() if key != "items"}
    summary["done"] = summary["total"] = len(report.outcomes)
    with transaction.atomic():
        for outcome in report.outcomes:
            group = groups.get(outcome.source)
            if group is None:
                continue
            batch.files.filter(group=group).update(
                status=UploadFileStatus(outcome.status), doc_code=outcome.doc_code or "", reason=outcome.reason or ""
            )
        UploadBatch.objects.filter(pk=batch.pk).update(status=UploadStatus.DONE, error="", summary=summary)
    return summary


def _jobs(documents: int) -> int:
    return max(1, min(documents, os.cpu_count() or 1))


def run_upload_batch(batch_id: int) -> dict[str, Any]:
    """Digitize every document of a batch (runs in a worker) and record each file's outcome.

    Documents already stored (a batch run again after a crash) come back as ``skipped`` with their doc
    code, so running a batch twice is safe.

    Returns:
        The batch summary: counts of digitized, skipped, failed and refused documents, pages, timing.
    """
    batch = UploadBatch.objects.select_related("record", "created_by").get(pk=batch_id)
    files = list(batch.files.select_related("blob"))
    work = Path(settings.DATA_DIR) / "work" / f"upload-{batch.uid.hex}-{uuid.uuid4().hex[:8]}"
    try:
        first = (batch.record.documents.aggregate(n=Max("ordinal"))["n"] or 0) + 1
        planned, groups = stage_files(batch.record.file_code, files, work, first)
        action = DigitizeBatchAction(planned, jobs=_jobs(len(planned)), agent=log.user_agent(batch.created_by))
        report = action.execute(progress=_progress(batch.pk, len(planned)))
        return _apply_outcomes(batch, groups, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def failure_reason(error: BaseException) -> str:
    """What the UI shows for an unexpected failure: its kind, never its text (style.md rule 14)."""
    return _("lỗi không mong đợi (%(kind)s); xem nhật ký máy chủ") % {"kind": type(error).__name__}
