"""Stage 4: OCR the assembled PDF into a two-layer PDF/A-2b through an :class:`OcrEngine`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf

from kho.core.text import nfc
from kho.ingest.engines.base import OcrEngine, sidecar_path
from kho.ingest.stages.context import DocContext
from kho.ingest.stages.errors import CorruptFileError, OcrOutputInvalidError

__all__ = ["OCR_NAME", "OcrResult", "ocr"]

OCR_NAME = "ocr.pdf"


@dataclass(frozen=True, slots=True)
class OcrResult:
    """The OCR output of one document.

    Attributes:
        pdf: The PDF/A-2b file with page images and an invisible text layer (in the work dir).
        text: The recognised text, NFC-normalised; pages separated by form feeds.
        pages: Number of pages of ``pdf`` (equal to the input's).
    """

    pdf: Path
    text: str
    pages: int


def ocr(src_pdf: Path, ctx: DocContext, engine: OcrEngine) -> OcrResult:
    """OCR ``src_pdf`` with ``engine`` into ``ctx.work_path("ocr.pdf")``.

    The time budget is ``ctx.options.timeout_seconds`` per page of the input.

    Args:
        src_pdf: An image-only PDF (from ``assemble_pdf``).
        ctx: The document context (language, deskew, rotation, timeout).
        engine: The OCR engine.

    Returns:
        The OCR result.

    Raises:
        CorruptFileError: ``src_pdf`` cannot be opened.
        OcrOutputInvalidError: The engine returned without output or with another page count.
        DigitizeError: Whatever the engine raises (see the ``OcrEngine`` contract).
    """
    expected = _count_pages(src_pdf)
    if expected is None:
        raise CorruptFileError(name=str(src_pdf), format="PDF")
    options = ctx.options
    dst = ctx.work_path(OCR_NAME)
    engine.ocr_pdf(
        src_pdf,
        dst,
        language=options.ocr_language,
        deskew=options.deskew,
        rotate_pages=options.rotate_pages,
        timeout=options.timeout_seconds * expected,
    )
    sidecar = sidecar_path(dst)
    actual = _count_pages(dst) if dst.is_file() else None
    if actual != expected or not sidecar.is_file():
        raise OcrOutputInvalidError(name=str(dst), expected=expected, actual=actual or 0)
    return OcrResult(pdf=dst, text=nfc(sidecar.read_text(encoding="utf-8")), pages=actual)


def _count_pages(path: Path) -> int | None:
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        return None
