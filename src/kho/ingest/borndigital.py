"""Born-digital ingest: store PDFs and images as documents of a record, with no OCR.

Idempotent and crash-safe: each file's bytes are written to the object store first, then its document,
digital object and events are committed in one transaction. The same bytes ingested again are reported as
a duplicate. A run killed at any point leaves at most an orphan object (``kho storage sweep``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.exceptions import BadInputError, ConflictError, NotFoundError
from kho.core.naturalsort import natural_key
from kho.core.text import clean, nfc
from kho.ingest.metadata import MEDIA_TYPES
from kho.ingest.stages.identify import sniff_format
from kho.records.choices import ObjectRole
from kho.records.models import DigitalObject, Document, Record
from kho.storage.cas import hash_file
from kho.storage.store import put_path


def sniff_media_type(path: Path) -> str | None:
    """The media type of a supported file from its first bytes, or None."""
    found = sniff_format(path)
    return MEDIA_TYPES[found.value] if found else None


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus the files of named folders in natural order; refuse what is missing."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted((p for p in path.rglob("*") if p.is_file()), key=lambda p: natural_key(str(p))))
        elif path.is_file():
            files.append(path)
        else:
            raise NotFoundError(_("Không tìm thấy tệp hoặc thư mục “%(path)s”."), path=str(path))
    return files


@dataclass(slots=True)
class IngestOutcome:
    """What happened to one file."""

    path: str
    status: str  # "ingested", "duplicate" or "rejected"
    digest: str | None = None
    doc_code: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class IngestReport:
    """Counts and per-file outcomes of an ingest run."""

    outcomes: list[IngestOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many files ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "ingested": self.count("ingested"),
            "duplicates": self.count("duplicate"),
            "rejected": self.count("rejected"),
            "files": [
                {
                    "path": o.path,
                    "status": o.status,
                    "digest": o.digest,
                    "doc_code": o.doc_code,
                    "reason": o.reason,
                }
                for o in self.outcomes
            ],
        }


class IngestBornDigitalAction:
    """Ingest files into a record (style.md rules 1, 2): ``check()`` then ``execute()``."""

    def __init__(self, record_code: str, paths: list[Path], *, agent: str = log.SYSTEM_AGENT) -> None:
        self.record_code = clean(record_code)
        self.paths = paths
        self.agent = agent
        self.record: Record | None = None

    def check(self) -> list[Path]:
        """Find the record, refuse a closed fonds, and list the files to ingest."""
        self.record = Record.objects.select_related("fonds").filter(file_code=self.record_code).first()
        if self.record is None:
            raise NotFoundError(_("Không có hồ sơ mã “%(code)s”."), code=self.record_code)
        if self.record.fonds.status == "closed":
            raise ConflictError(
                _("Phông %(fonds)s đã đóng ngày %(date)s: không nhận thêm tài liệu."),
                fonds=self.record.fonds.code,
                date=self.record.fonds.closed_on,
            )
        files = expand_paths(self.paths)
        if not files:
            raise BadInputError(_("Không có tệp nào để lưu."))
        return files

    def execute(self, files: list[Path] | None = None, progress: Callable[[int], None] | None = None) -> IngestReport:
        """Ingest every file (``files`` from ``check()``); one bad file is reported and the others go on."""
        files = self.check() if files is None else files
        report = IngestReport()
        for path in files:
            report.outcomes.append(self._ingest_one(path))
            if progress:
                progress(1)
        return report

    def _ingest_one(self, path: Path) -> IngestOutcome:
        name = str(path)
        try:
            media_type = sniff_media_type(path)
            if path.stat().st_size == 0:
                return IngestOutcome(name, "rejected", reason=_("tệp rỗng (0 byte)"))
        except OSError as error:
            return IngestOutcome(name, "rejected", reason=_("không đọc được: %(reason)s") % {"reason": error.strerror})
        if media_type is None:
            return IngestOutcome(name, "rejected", reason=_("không phải PDF, JPEG, PNG hay TIFF"))
        digest, _size = hash_file(path)
        existing = _existing_source(digest)
        if existing is not None:
            return IngestOutcome(name, "duplicate", digest=digest, doc_code=existing)
        blob, _put = put_path(path, classified=self.record is not None and self.record.secrecy_level > 0)
        if blob.digest != digest:
            return IngestOutcome(name, "rejected", reason=_("tệp thay đổi trong khi đọc"))
        doc_code = self._commit(path, blob, media_type)
        if doc_code is None:
            return IngestOutcome(name, "duplicate", digest=digest, doc_code=_existing_source(digest))
        return IngestOutcome(name, "ingested", digest=digest, doc_code=doc_code)

    def _commit(self, path: Path, blob: Any, media_type: str) -> str | None:
        assert self.record is not None  # noqa: S101 - set by check()
        with transaction.atomic():
            record = Record.objects.select_for_update().get(pk=self.record.pk)
            if _existing_source(blob.digest) is not None:
                return None
            ordinal = (record.documents.aggregate(m=Max("ordinal"))["m"] or 0) + 1
            document = Document.objects.create(
                record=record,
                ordinal=ordinal,
                doc_id=f"{record.file_code}.{ordinal}",
                doc_code=f"{record.file_code}.{ordinal:07d}",
                maintenance=record.maintenance,
                subject=nfc(path.stem)[:500],
                confidence_level="01",
                mode=record.mode,
            )
            DigitalObject.objects.create(
                document=document,
                blob=blob,
                role=ObjectRole.ORIGINAL,
                media_type=media_type,
                filename=nfc(path.name)[:255],
            )
            Record.objects.filter(pk=record.pk).update(total_doc=ordinal)
            # An electronic copy now exists for this record (born digital counts as digitized on the dashboard).
            Record.objects.filter(pk=record.pk, digitization_status__in=["not_started", "in_progress"]).update(
                digitization_status="digitized"
            )
            log.append(
                EventType.INGESTION,
                agent=self.agent,
                object_type="document",
                object_id=document.doc_code,
                detail="born-digital ingest",
                data={
                    "digest": blob.digest,
                    "size": blob.size,
                    "filename": nfc(path.name),
                    "media_type": media_type,
                    "record": record.file_code,
                },
            )
        return document.doc_code


def _existing_source(digest: str) -> str | None:
    obj = (
        DigitalObject.objects.filter(blob__digest=digest, role__in=[ObjectRole.ORIGINAL, ObjectRole.MASTER])
        .select_related("document")
        .first()
    )
    return obj.document.doc_code if obj else None


def _page_count(path: Path, media_type: str) -> int | None:
    """Pages of a PDF or frames of a TIFF; 1 for other images; None when the file cannot be read."""
    try:
        if media_type == "application/pdf":
            import pikepdf

            with pikepdf.open(path) as pdf:
                return len(pdf.pages)
        from PIL import Image

        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    except Exception:  # noqa: BLE001 - a page count is descriptive; an unreadable file keeps it empty
        return None
