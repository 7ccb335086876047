"""Errors raised by the digitization stages and OCR engines (style guide rule 12).

Every error has a stable ``code``, an English ``message`` template with named placeholders (marked with
``N_()`` for translation; it tells the operator what to do next), an ``exit_code`` for the command
line, and the ``params`` that fill the template. Errors pickle by their params, so they survive the
trip back from a worker process.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar

from kho.core.text import N_

__all__ = [
    "AssemblyError",
    "CorruptFileError",
    "DecompressionBombError",
    "DigitizeError",
    "EmptyFileError",
    "EncryptedPdfError",
    "ExitCode",
    "FileTooLargeError",
    "MixedInputError",
    "NoPagesError",
    "OcrEngineMissingError",
    "OcrFailedError",
    "OcrOutputInvalidError",
    "OcrRecordingMissingError",
    "OcrTimeoutError",
    "PdfaConversionError",
    "PdfaNonConformingError",
    "PriorTextError",
    "SignedPdfError",
    "TooManyPagesError",
    "UnsupportedFormatError",
]


class ExitCode(IntEnum):
    """Exit codes of the command-line interface, aligned with OCRmyPDF's where they overlap."""

    ok = 0
    input_file = 2
    missing_dependency = 3
    invalid_output = 4
    already_has_text = 6
    engine_failed = 7
    encrypted_pdf = 8
    other_error = 15
    timeout = 124


class _KeepMissing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _restore(cls: type[DigitizeError], params: dict[str, Any]) -> DigitizeError:
    return cls(**params)


class DigitizeError(Exception):
    """Base class: a document cannot go through the digitization pipeline as it is."""

    code: ClassVar[str] = "digitize_failed"
    message: ClassVar[str] = N_("Digitization failed. Details are in the server log.")
    exit_code: ClassVar[ExitCode] = ExitCode.other_error

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(self.render())

    def render(self) -> str:
        """Return the English message with the params filled in (unknown placeholders are kept)."""
        return self.message.format_map(_KeepMissing(self.params))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.params))


class EmptyFileError(DigitizeError):
    """An input file has zero bytes (an interrupted copy or a failed scan)."""

    code = "empty_file"
    message = N_("The file {name} is empty (0 bytes). Copy it again from the scanner, or scan the pages again.")
    exit_code = ExitCode.input_file


class UnsupportedFormatError(DigitizeError):
    """The content of a file is not PDF, TIFF, JPEG or PNG (detected by magic bytes, not extension)."""

    code = "unsupported_format"
    message = N_(
        "The file {name} is not a PDF, TIFF, JPEG or PNG file (judged by its content, not its name). "
        "Save the scan in one of these formats and ingest it again."
    )
    exit_code = ExitCode.input_file


class CorruptFileError(DigitizeError):
    """A file starts like a supported format but cannot be read (truncated or damaged)."""

    code = "corrupt_file"
    message = N_(
        "The file {name} looks like {format} but cannot be read; it is probably truncated or damaged. "
        "Copy it again from the scanner, or scan the pages again."
    )
    exit_code = ExitCode.input_file


class EncryptedPdfError(DigitizeError):
    """A PDF is encrypted or password-protected; archival masters must not be."""

    code = "encrypted_pdf"
    message = N_(
        "The PDF {name} is encrypted or password-protected. With the owner's permission, remove the "
        "protection (for example: qpdf --decrypt --password=... in.pdf out.pdf) and ingest the result."
    )
    exit_code = ExitCode.encrypted_pdf


class FileTooLargeError(DigitizeError):
    """An input file (or the files of one document together) exceeds the size limit."""

    code = "file_too_large"
    message = N_(
        "{name} is {size} bytes, more than the limit of {limit} bytes. Split the document into "
        "several parts, or scan at the standard resolution (200-300 dpi) instead of a higher one."
    )
    exit_code = ExitCode.input_file


class DecompressionBombError(DigitizeError):
    """An image declares more pixels than allowed (checked before decoding; guards memory)."""

    code = "decompression_bomb"
    message = N_(
        "The image {name} declares {width} x {height} pixels, more than the limit of {limit} pixels. "
        "Check the scanner resolution; if the original really is this large, ask an administrator "
        "to raise the limit."
    )
    exit_code = ExitCode.input_file


class TooManyPagesError(DigitizeError):
    """A document has more pages than allowed."""

    code = "too_many_pages"
    message = N_(
        "The document has at least {pages} pages, more than the limit of {limit}. "
        "Split it into several documents (for example one per record) and ingest them separately."
    )
    exit_code = ExitCode.input_file


class NoPagesError(DigitizeError):
    """The input contains no page: no paths, or a folder without image files."""

    code = "no_pages"
    message = N_("No pages were found in {name}. Check that the folder holds the scanned image files.")
    exit_code = ExitCode.input_file


class MixedInputError(DigitizeError):
    """The inputs cannot form one document (a PDF together with other files, or nested folders)."""

    code = "mixed_input"
    message = N_(
        "{name} cannot be combined with the other inputs: a document is either one PDF, or image "
        "files and folders of image files (without sub-folders). Ingest it as a separate document."
    )
    exit_code = ExitCode.input_file


class AssemblyError(DigitizeError):
    """The page images could not be combined into a PDF."""

    code = "assembly_failed"
    message = N_(
        "The page image {name} could not be put into a PDF ({format}). Save the page again as a "
        "baseline JPEG, PNG or TIFF in RGB colour and ingest it again."
    )
    exit_code = ExitCode.input_file


class OcrEngineMissingError(DigitizeError):
    """The OCR engine, a program it needs, or the language data is not installed."""

    code = "ocr_engine_missing"
    message = N_(
        "The OCR engine cannot run: a program or the language data for {language} is missing. "
        "Install tesseract-ocr, tesseract-ocr-{language}, ghostscript and unpaper on the server, "
        "then run the job again."
    )
    exit_code = ExitCode.missing_dependency


class OcrTimeoutError(DigitizeError):
    """OCR did not finish within its time budget."""

    code = "ocr_timeout"
    message = N_(
        "OCR did not finish within {seconds} seconds. Run the job again when the server is less busy, "
        "split the document, or ask an administrator to raise the OCR time limit per page."
    )
    exit_code = ExitCode.timeout


class OcrFailedError(DigitizeError):
    """The OCR engine failed for a reason not covered by a more specific error."""

    code = "ocr_failed"
    message = N_(
        "The OCR engine failed ({reason}). Run the job again once; if it fails again, report it to "
        "an administrator with the document's identifier (details are in the server log)."
    )
    exit_code = ExitCode.engine_failed


class PriorTextError(DigitizeError):
    """The PDF already has text (born-digital, or OCRed before); OCR would duplicate it."""

    code = "prior_text"
    message = N_(
        "The PDF {name} already contains text: it is born-digital or was OCRed before. Ingest it as a "
        "born-digital document, or scan the paper original again if its text layer is wrong."
    )
    exit_code = ExitCode.already_has_text


class SignedPdfError(DigitizeError):
    """The PDF carries a digital signature that OCR would invalidate."""

    code = "signed_pdf"
    message = N_(
        "The PDF {name} carries a digital signature, which OCR would invalidate. Keep the signed file "
        "as the master and ingest it as a born-digital document."
    )
    exit_code = ExitCode.input_file


class PdfaConversionError(DigitizeError):
    """The OCR engine could not make a PDF/A-2b file."""

    code = "pdfa_conversion_failed"
    message = N_(
        "The OCR result for {name} could not be made PDF/A-2b. Scan the pages again as images "
        "(JPEG, PNG or TIFF) and digitize those instead of the PDF."
    )
    exit_code = ExitCode.invalid_output


class OcrOutputInvalidError(DigitizeError):
    """The OCR engine returned without a usable output (missing file or wrong page count)."""

    code = "ocr_output_invalid"
    message = N_(
        "The OCR engine returned an unusable result for {name} (expected {expected} pages, got "
        "{actual}). Run the job again; if it happens again, report it to an administrator."
    )
    exit_code = ExitCode.invalid_output


class OcrRecordingMissingError(DigitizeError):
    """The recorded engine has no recording for this input and may not record one."""

    code = "ocr_recording_missing"
    message = N_(
        "No recorded OCR result for input {key} in {cache}. Record it once with the real engine "
        "(give RecordedOcrEngine a recorder) and run again."
    )
    exit_code = ExitCode.engine_failed


class PdfaNonConformingError(DigitizeError):
    """A file failed the PDF/A checks; ``params["details"]`` holds every finding (rule 13)."""

    code = "pdfa_nonconforming"
    message = N_(
        "{name} does not conform to PDF/A-{level}: {count} problem(s) found. Re-run OCR to produce "
        "a new PDF/A file; see the list of problems for details."
    )
    exit_code = ExitCode.invalid_output
