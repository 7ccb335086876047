"""The built-in OCR engine: OCRmyPDF's Python API driving Tesseract (toolnotes §1-§2).

Measured on the target machines: ``-l vie`` with Tesseract's default page segmentation (psm 3) is
the most accurate Vietnamese setting, and ``OMP_THREAD_LIMIT=1`` is essential (without it one page
took 5-8 s instead of 1.3 s, and up to 139 s on a busy machine). OCRmyPDF makes the PDF/A-2b itself.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import ocrmypdf
from ocrmypdf import exceptions as ocr_exc

from kho.ingest.engines.base import sidecar_path
from kho.ingest.stages.errors import (
    CorruptFileError,
    DigitizeError,
    EncryptedPdfError,
    OcrEngineMissingError,
    OcrFailedError,
    OcrTimeoutError,
    PdfaConversionError,
    PriorTextError,
    SignedPdfError,
)

__all__ = ["OcrmypdfEngine"]

_PDFA_EXIT_CODES = frozenset({ocr_exc.ExitCode.invalid_output_pdf, ocr_exc.ExitCode.pdfa_conversion_failed})


@functools.cache
def _configure_logging() -> None:
    """Keep OCRmyPDF and its libraries quiet; their failures reach Kho as exceptions, not log lines.

    ``ocrmypdf.configure_logging`` is not used: it sets the ``ocrmypdf`` logger to DEBUG, and the host
    application's root handler would then print every debug line.
    """
    for name in ("ocrmypdf", "pdfminer", "PIL", "fpdf"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _prepare_process() -> None:
    # Tesseract reads OMP_THREAD_LIMIT when it starts; OCRmyPDF passes os.environ to its children.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _configure_logging()


def _map_error(exc: ocr_exc.ExitCodeException, src: Path, language: str) -> DigitizeError:
    """Translate an OCRmyPDF exception into Kho's error with operator guidance (by type only)."""
    name = str(src)
    mapped: DigitizeError
    if isinstance(exc, ocr_exc.MissingDependencyError):
        mapped = OcrEngineMissingError(language=language)
    elif isinstance(exc, ocr_exc.EncryptedPdfError):
        mapped = EncryptedPdfError(name=name)
    elif isinstance(exc, ocr_exc.DigitalSignatureError):
        mapped = SignedPdfError(name=name)
    elif isinstance(exc, ocr_exc.PriorOcrFoundError | ocr_exc.TaggedPDFError | ocr_exc.NonEmbeddedFontsError):
        mapped = PriorTextError(name=name)
    elif isinstance(exc, ocr_exc.PdfaConversionFailedError | ocr_exc.ColorConversionNeededError):
        mapped = PdfaConversionError(name=name)
    elif isinstance(exc, ocr_exc.InputFileError | ocr_exc.UnsupportedImageFormatError | ocr_exc.DpiError):
        mapped = CorruptFileError(name=name, format="PDF")
    else:
        mapped = OcrFailedError(reason=type(exc).__name__)
    return mapped


@dataclass(frozen=True, slots=True)
class OcrmypdfEngine:
    """OCR through ``ocrmypdf.ocr`` in the calling process, one page at a time.

    Safe in worker processes: it sets ``OMP_THREAD_LIMIT=1`` in ``os.environ`` before Tesseract
    starts, configures OCRmyPDF's logging once per process, runs with ``jobs=1`` and no progress
    bar, and is a picklable frozen dataclass. Tesseract calls are killed after ``timeout``
    seconds; if the document as a whole overran its budget the result is discarded.

    Attributes:
        optimize: OCRmyPDF optimisation level; 1 (the default) is lossless.
    """

    optimize: int = 1

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
        """OCR ``src`` into a PDF/A-2b ``dst`` and its sidecar text (see ``OcrEngine``).

        Raises:
            OcrEngineMissingError: Tesseract, Ghostscript or the language data is missing.
            OcrTimeoutError: The document took longer than ``timeout`` seconds.
            EncryptedPdfError: ``src`` is encrypted.
            SignedPdfError: ``src`` carries a digital signature.
            PriorTextError: ``src`` already has text.
            PdfaConversionError: The output could not be made PDF/A-2b.
            CorruptFileError: OCRmyPDF cannot read ``src``.
            OcrFailedError: Any other failure of OCRmyPDF or its helper programs.
        """
        _prepare_process()
        sidecar = sidecar_path(dst)
        started = time.monotonic()
        try:
            code = ocrmypdf.ocr(
                src,
                dst,
                language=language.split("+"),
                output_type="pdfa-2",
                jobs=1,
                progress_bar=False,
                sidecar=sidecar,
                deskew=deskew,
                rotate_pages=rotate_pages,
                optimize=self.optimize,
                tesseract_timeout=timeout,
                tesseract_non_ocr_timeout=timeout,
            )
        except ocr_exc.ExitCodeException as exc:
            _discard(dst, sidecar)
            raise _map_error(exc, src, language) from exc
        except OSError as exc:
            _discard(dst, sidecar)
            raise OcrFailedError(reason=type(exc).__name__) from exc
        self._check_outcome(code, time.monotonic() - started, timeout, src, dst)

    @staticmethod
    def _check_outcome(code: int, elapsed: float, timeout: float, src: Path, dst: Path) -> None:
        sidecar = sidecar_path(dst)
        if code in _PDFA_EXIT_CODES:
            _discard(dst, sidecar)
            raise PdfaConversionError(name=str(src))
        if code != ocr_exc.ExitCode.ok:
            _discard(dst, sidecar)
            raise OcrFailedError(reason=f"exit code {int(code)}")
        if elapsed > timeout:
            # A Tesseract timeout leaves a page without text; a late result is not trusted either.
            _discard(dst, sidecar)
            raise OcrTimeoutError(seconds=round(timeout))


def _discard(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
