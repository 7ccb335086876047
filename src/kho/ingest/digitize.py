"""Digitize scans into records: plan the documents, run the pipeline in parallel, store each result.

``DigitizeBatchAction`` (style.md rules 1–2) checks the records and files, skips documents whose scans are
already stored (so a killed batch resumes where it stopped), runs ``pipeline.run_pipeline`` in up to
``jobs`` processes with a hard timeout each, and stores every finished document in one transaction: master
scans, the PDF/A-2b access copy, the OCR text, the metadata with review flags, cited documents and PREMIS
events. A bad file is reported and skipped; the batch goes on. TUYỆT MẬT is never digitized
(standards.md §6.2).
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome
from kho.core.codetables import SecrecyLevel
from kho.core.exceptions import ConflictError, KhoPermissionDeniedError, NotFoundError
from kho.core.naturalsort import natural_key
from kho.ingest.engine_config import get_engine
from kho.ingest.pipeline import PRELOAD, DocumentJob, DocumentResult, deadline, run_pipeline
from kho.ingest.procpool import JobCrashedError, JobTimeoutError, run_jobs
from kho.ingest.stages import DigitizeOptions, check_pdfa
from kho.ingest.stages.errors import DigitizeError
from kho.ingest.store import existing_document, store_result
from kho.records.models import Record
from kho.signing.service import sign_copy
from kho.storage.cas import hash_file

# Files of a document folder that are pages; anything else there (notes, truth files) is not a page.
PAGE_SUFFIXES = frozenset({".tif", ".tiff", ".jpg", ".jpeg", ".png", ".pdf"})


class SecrecyRefusedError(KhoPermissionDeniedError):
    """A TUYỆT MẬT record or document may not be digitized (standards.md §6.2); nothing was stored."""

    code = "secrecy_refused"


@dataclass(slots=True)
class PlannedDocument:
    """One document to digitize: its record and its page files in order."""

    record_code: str
    paths: tuple[Path, ...]
    source: Path | None = None
    order: int | None = None
    filenames: tuple[str, ...] | None = None  # names to record for the master scans (default: the paths' names)
    record: Record | None = None
    digests: tuple[str, ...] = ()


@dataclass(slots=True)
class DocumentOutcome:
    """What happened to one planned document."""

    source: str
    status: str  # digitized, skipped, failed, refused
    record: str
    doc_code: str | None = None
    pages: int = 0
    reason: str | None = None
    review: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(slots=True)
class DigitizeReport:
    """The batch summary (human and ``--json``)."""

    outcomes: list[DocumentOutcome] = field(default_factory=list)
    elapsed: float = 0.0

    def count(self, status: str) -> int:
        """Documents that ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        """Pages digitized in this run."""
        return sum(o.pages for o in self.outcomes if o.status == "digitized")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        minutes = self.elapsed / 60 if self.elapsed else 0
        return {
            "documents": len(self.outcomes),
            "digitized": self.count("digitized"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "refused": self.count("refused"),
            "pages": self.pages,
            "elapsed_seconds": round(self.elapsed, 2),
            "pages_per_minute": round(self.pages / minutes, 1) if minutes else 0.0,
            "items": [asdict(o) for o in self.outcomes],
        }


def options_from_settings(expected_sheets: int | None = None) -> DigitizeOptions:
    """The frozen pipeline options, read from settings once at the edge (style.md rule 4)."""
    return DigitizeOptions(
        min_dpi=settings.KHO_MIN_DPI,
        max_file_bytes=settings.KHO_INGEST_MAX_BYTES,
        ocr_language=settings.KHO_OCR_LANGUAGE,
        timeout_seconds=settings.KHO_OCR_PAGE_TIMEOUT,
        expected_sheets=expected_sheets,
    )


def plan_paths(record_code: str, paths: Iterable[Path]) -> list[PlannedDocument]:
    """A folder is one document (its files are pages in natural order); a file is one document."""
    planned = []
    for path in paths:
        if path.is_dir():
            pages = sorted(
                (
                    p
                    for p in path.iterdir()
                    if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES and not p.name.startswith(".")
                ),
                key=natural_key,
            )
            planned.append(PlannedDocument(record_code, tuple(pages), path))
        elif path.is_file():
            planned.append(PlannedDocument(record_code, (path,), path))
        else:
            raise NotFoundError(_("Không tìm thấy tệp hoặc thư mục “%(path)s”."), path=str(path))
    return planned


class DigitizeBatchAction:
    """Digitize planned documents; one bad document never stops the batch."""

    def __init__(self, planned: list[PlannedDocument], *, jobs: int, agent: str = log.SYSTEM_AGENT) -> None:
        self.planned = planned
        self.jobs = max(1, jobs)
        self.agent = agent

    def check(self) -> None:
        """Resolve records; refuse unknown records, closed fonds, TUYỆT MẬT records and missing files."""
        codes = {p.record_code for p in self.planned}
        records = {r.file_code: r for r in Record.objects.select_related("fonds").filter(file_code__in=codes)}
        for code in sorted(codes - set(records)):
            raise NotFoundError(_("Không có hồ sơ mã “%(code)s”."), code=code)
        for record in records.values():
            if record.fonds.status == "closed":
                raise ConflictError(
                    _("Phông %(fonds)s đã đóng ngày %(date)s: không nhận thêm tài liệu."),
                    fonds=record.fonds.code,
                    date=record.fonds.closed_on,
                )
            if record.secrecy_level >= SecrecyLevel.TUYET_MAT:
                raise SecrecyRefusedError(
                    _("Hồ sơ %(code)s là TUYỆT MẬT: không được số hóa (Công văn 1479/BCA-ANCTNB)."),
                    code=record.file_code,
                )
        for doc in self.planned:
            doc.record = records[doc.record_code]
            if not doc.paths:
                raise NotFoundError(_("Thư mục tài liệu của hồ sơ %(code)s không có tệp nào."), code=doc.record_code)

    def execute(self, progress: Callable[[int], None] | None = None) -> DigitizeReport:
        """Run the batch and return its summary."""
        start = time.monotonic()
        self.check()
        report = DigitizeReport()
        todo = []
        for doc in self.planned:
            doc.digests = tuple(hash_file(p)[0] for p in doc.paths if p.stat().st_size > 0)
            existing = existing_document(doc.digests) if len(doc.digests) == len(doc.paths) else None
            if existing:
                report.outcomes.append(DocumentOutcome(_label(doc), "skipped", doc.record_code, existing))
                if progress:
                    progress(1)
            else:
                todo.append(doc)
        self._run(todo, report, progress)
        report.elapsed = time.monotonic() - start
        return report

    def _run(self, todo: list[PlannedDocument], report: DigitizeReport, progress: Callable[[int], None] | None) -> None:
        batch_dir = Path(settings.DATA_DIR) / "work" / uuid.uuid4().hex
        engine, options = get_engine(), options_from_settings()
        jobs = {str(i): doc for i, doc in enumerate(todo)}
        pipeline_jobs = [DocumentJob(key, doc.paths, batch_dir / key, options, engine) for key, doc in jobs.items()]
        try:
            for outcome in run_jobs(
                run_pipeline, pipeline_jobs, workers=self.jobs, timeout_of=deadline, preload=PRELOAD
            ):
                doc = jobs[outcome.job.key]
                value = _signed(doc, outcome.value, outcome.job.work_dir) if outcome.error is None else None
                report.outcomes.append(self._finish(doc, value, outcome.error, outcome.seconds))
                shutil.rmtree(outcome.job.work_dir, ignore_errors=True)
                if progress:
                    progress(1)
        finally:
            shutil.rmtree(batch_dir, ignore_errors=True)

    def _finish(
        self, doc: PlannedDocument, result: DocumentResult | None, error: BaseException | None, seconds: float
    ) -> DocumentOutcome:
        label = _label(doc)
        if error is not None or result is None:
            return DocumentOutcome(label, "failed", doc.record_code, reason=_reason(error), seconds=seconds)
        if SecrecyLevel.from_mark(result.metadata.classification) >= SecrecyLevel.TUYET_MAT:
            log.append(
                EventType.VALIDATION,
                outcome=Outcome.FAILURE,
                agent=self.agent,
                object_type="record",
                object_id=doc.record_code,
                detail="TUYỆT MẬT document refused for digitization; nothing stored",
            )
            return DocumentOutcome(
                label,
                "refused",
                doc.record_code,
                pages=result.pages,
                seconds=seconds,
                reason=_("tài liệu TUYỆT MẬT: không được số hóa, không lưu gì"),
            )
        assert doc.record is not None  # noqa: S101 - set by check()
        doc_code = store_result(doc.record, result, order=doc.order, agent=self.agent, filenames=doc.filenames)
        return DocumentOutcome(
            label,
            "digitized",
            doc.record_code,
            doc_code,
            result.pages,
            review=result.metadata.review_fields(),
            seconds=seconds,
        )


def _signed(doc: PlannedDocument, result: DocumentResult | None, work_dir: Path) -> DocumentResult | None:
    """Sign the PDF/A copy for the record's agency (standards.md §1: after PDF/A, incrementally)."""
    if result is None or result.pdfa is None or doc.record is None:
        return result
    signed, signer = sign_copy(doc.record, result.pdfa, work_dir)
    if signer is None:
        return result
    findings = [*result.findings, *check_pdfa(signed)]
    return replace(result, pdfa=signed, findings=findings, signed_by=signer.organisation)


def _label(doc: PlannedDocument) -> str:
    return str(doc.source or (doc.paths[0] if doc.paths else doc.record_code))


def _reason(error: BaseException | None) -> str:
    if isinstance(error, DigitizeError):
        try:
            return _(error.message).format(**error.params)
        except (KeyError, IndexError, ValueError):
            return error.render()
    if isinstance(error, JobTimeoutError):
        return _("quá thời gian cho phép (%(seconds)s)") % {"seconds": error}
    if isinstance(error, JobCrashedError):
        return _("tiến trình xử lý bị dừng đột ngột (%(detail)s)") % {"detail": error}
    return _("lỗi không mong đợi (%(kind)s)") % {"kind": type(error).__name__}
