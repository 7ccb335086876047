"""The digitization pipeline for one document: the ordered list of pure stages (style.md rules 3–5).

``run_pipeline`` runs in a worker process and never touches the database; ``kho.ingest.digitize`` saves
what it returns. The order is visible here, in code: identify → image QC → assemble (img2pdf) → OCR to
PDF/A-2b → PDF/A check → text → metadata.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from kho.ingest.engines.base import OcrEngine
from kho.ingest.extract import ExtractedMetadata, extract_metadata, extract_references
from kho.ingest.stages import (
    DigitizeOptions,
    DocContext,
    Finding,
    SourceDocument,
    assemble_pdf,
    check_images,
    check_pdfa,
    identify,
    ocr,
)

T = TypeVar("T")

# Modules the worker server imports once, so each document's process starts warm (kho.ingest.procpool).
PRELOAD = ("kho.ingest.pipeline", "kho.ingest.engines.ocrmypdf_engine", "kho.ingest.engines.recorded")
# A document may run its per-page OCR budget times its pages, plus this margin, before it is killed.
TIMEOUT_MARGIN_SECONDS = 60


@dataclass(frozen=True, slots=True)
class DocumentJob:
    """One document to digitize: its source files (pages in order) and where it may write. Picklable."""

    key: str
    paths: tuple[Path, ...]
    work_dir: Path
    options: DigitizeOptions
    engine: OcrEngine
    store_outputs: bool = True


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """What the pipeline produced for one document."""

    key: str
    source: SourceDocument
    pdfa: Path | None
    text: str
    metadata: ExtractedMetadata
    references: list[dict[str, Any]]
    findings: list[Finding]
    timings: dict[str, float] = field(default_factory=dict)
    signed_by: str | None = None

    @property
    def pages(self) -> int:
        """Number of pages."""
        return self.source.page_count


def _timed(timings: dict[str, float], name: str, stage: Callable[..., T], *args: Any) -> T:
    start = time.perf_counter()
    try:
        return stage(*args)
    finally:
        timings[name] = round(time.perf_counter() - start, 4)


def run_pipeline(job: DocumentJob) -> DocumentResult:
    """Run every stage in order on one document; raise a ``DigitizeError`` when a stage refuses it."""
    ctx = DocContext(job.work_dir, job.options)
    timings: dict[str, float] = {}
    source = _timed(timings, "identify", identify, list(job.paths), ctx)
    findings = list(_timed(timings, "qc", check_images, source, ctx))
    assembled = _timed(timings, "assemble", assemble_pdf, source, ctx)
    # Deskewing re-renders every page and costs about 2.5x the OCR time: do it only where QC saw a skew.
    skewed = any(f.code == "skewed" for f in findings)
    ocr_ctx = replace(ctx, options=replace(job.options, deskew=job.options.deskew and skewed))
    result = _timed(timings, "ocr", ocr, assembled, ocr_ctx, job.engine)
    findings += _timed(timings, "validate", check_pdfa, result.pdf)
    metadata = _timed(timings, "extract", extract_metadata, result.text)
    metadata = replace(metadata, pages=source.page_count).with_qc(_finding_dict(f) for f in findings)
    references = [asdict(r) for r in extract_references(result.text)]
    return DocumentResult(job.key, source, result.pdf, result.text, metadata, references, findings, timings)


def _finding_dict(finding: Finding) -> dict[str, str]:
    page = "" if finding.page is None else str(finding.page)
    return {"severity": finding.severity, "code": finding.code, "message": finding.render(), "page": page}


def deadline(job: DocumentJob) -> float:
    """Seconds after which the runner kills a document's process."""
    return job.options.timeout_seconds * max(1, len(job.paths)) + TIMEOUT_MARGIN_SECONDS
