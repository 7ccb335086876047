"""The OCR engine extension point (style guide rule 6).

Kho's built-in engine (:class:`~kho.ingest.engines.ocrmypdf_engine.OcrmypdfEngine`) and the test
engine (:class:`~kho.ingest.engines.recorded.RecordedOcrEngine`) implement this protocol like any
third-party engine would. No Django import here: engines run inside pipeline workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = ["SIDECAR_SUFFIX", "OcrEngine", "sidecar_path"]

SIDECAR_SUFFIX = ".txt"


def sidecar_path(dst: Path) -> Path:
    """Return where an engine writes the sidecar text for the output PDF ``dst``."""
    return dst.with_suffix(SIDECAR_SUFFIX)


@runtime_checkable
class OcrEngine(Protocol):
    """Turns an image-only PDF into a two-layer PDF/A-2b file plus its plain text.

    The key words MUST, MUST NOT, SHOULD and MAY are to be read as described in RFC 2119.

    Contract of :meth:`ocr_pdf`:

    * It MUST write ``dst``: a PDF/A-2b file (XMP ``pdfaid:part`` 2, ``pdfaid:conformance`` B or
      stricter, fonts embedded, an OutputIntent with an ICC profile, no encryption) that keeps
      the page images and adds an invisible text layer (text render mode 3).
    * ``dst`` MUST have exactly as many pages as ``src``, in the same order.
    * It MUST write the recognised text, UTF-8, to :func:`sidecar_path` ``(dst)``, with pages
      separated by a form feed character (U+000C). A page without text MAY be empty.
    * It MUST only write ``dst``, its sidecar and temporary files that it removes itself; it
      MUST NOT modify ``src``.
    * It MUST NOT return normally when it could not meet this contract; it MUST raise a
      :class:`~kho.ingest.stages.errors.DigitizeError` subclass instead:
      ``OcrEngineMissingError`` (a program or the language data is missing),
      ``OcrTimeoutError`` (``timeout`` exceeded), ``EncryptedPdfError``, ``PriorTextError``
      (``src`` already has text), ``SignedPdfError``, ``PdfaConversionError`` or
      ``OcrFailedError``. A raised error MUST leave no partial ``dst`` behind.
    * It MUST be safe to call from a worker process (forked, spawned or a daemonic pool worker)
      and SHOULD limit itself to one CPU core, so that the runner controls parallelism.
    * Implementations MUST be picklable (frozen dataclasses of plain values are ideal).
    * It SHOULD straighten skewed pages when ``deskew`` is true and turn pages upright when
      ``rotate_pages`` is true; it MAY ignore these hints if it cannot.
    """

    def ocr_pdf(
        self,
        src: Path,
        dst: Path,
        *,
        language: str,
        deskew: bool,
        rotate_pages: bool,
        timeout: float,
    ) -> None:
        """OCR ``src`` into the PDF/A-2b file ``dst`` and its sidecar text.

        Args:
            src: An image-only PDF (from :func:`~kho.ingest.stages.assemble.assemble_pdf`).
            dst: Where to write the PDF/A-2b output; its sidecar goes to ``sidecar_path(dst)``.
            language: Tesseract-style language code(s), e.g. ``"vie"`` or ``"vie+eng"``.
            deskew: Straighten skewed pages.
            rotate_pages: Turn pages upright (90/180/270 degrees).
            timeout: Wall-clock budget in seconds for the whole document.
        """
        ...
