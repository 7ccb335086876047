"""Settings and findings shared by the digitization stages.

Style guide rules 3-4: every stage receives a frozen, picklable context built once by the runner from
Django settings, writes only below ``ctx.work_dir`` and never touches the ORM. This module imports no
Django, so stages can run in a worker process (fork, spawn or a task worker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["DigitizeOptions", "DocContext", "Finding", "Severity"]

Severity = Literal["error", "warning", "info"]

_MEGAPIXEL = 1_000_000
_GIB = 1024**3


@dataclass(frozen=True, slots=True)
class DigitizeOptions:
    """Technical requirements for one digitization run (standards.md §1).

    Instances are immutable and picklable: the runner builds one from settings and passes it to
    stages that may run in another process.

    Attributes:
        min_dpi: Lowest acceptable scan resolution (TT05: 200 dpi for administrative papers).
        require_colour: Whether greyscale, bilevel and palette pages are reported (TT05: >= 24-bit).
        blank_threshold: Share of ink pixels (0..1) below which a page counts as blank. Measured on
            synthetic A4 pages: one short line ("Trang 2") is about 0.0002, a lone page number
            0.00003, a blank page with scanner noise and dust 0.
        max_skew_degrees: Skew beyond which a page is reported (OCR deskews, so only a warning).
        max_pixels: Decompression-bomb guard, checked on the declared width x height before
            decoding. Values above Pillow's own hard limit (2 x ``Image.MAX_IMAGE_PIXELS``,
            about 179 MP) are capped by Pillow; the default (150 MP) covers A0 at 300 dpi.
        max_file_bytes: Largest accepted input file.
        max_pages: Largest accepted number of pages in one document.
        timeout_seconds: OCR time budget per page; the OCR stage multiplies it by the page count.
        ocr_language: Tesseract language code (toolnotes §1: plain ``vie`` is best).
        deskew: Whether OCR straightens skewed pages. Measured: OCRmyPDF then re-renders *every*
            page, even a straight one (a JPEG page is re-encoded, so pixels change); with False
            the scanned pixels reach the PDF/A unchanged. Consider False for masters.
        rotate_pages: Whether OCR fixes pages turned by 90/180/270 degrees.
        expected_sheets: Number of pages the operator counted (``numberOfPaper``), if known.
    """

    min_dpi: int = 200
    require_colour: bool = True
    blank_threshold: float = 0.0001
    max_skew_degrees: float = 1.0
    max_pixels: int = 150 * _MEGAPIXEL
    max_file_bytes: int = 2 * _GIB
    max_pages: int = 2000
    timeout_seconds: float = 120.0
    ocr_language: str = "vie"
    deskew: bool = True
    rotate_pages: bool = True
    expected_sheets: int | None = None

    def __post_init__(self) -> None:
        """Refuse values that would silently disable a check.

        Raises:
            ValueError: If a limit is not positive or the blank threshold is outside 0..1.
        """
        limits = (self.min_dpi, self.max_pixels, self.max_file_bytes, self.max_pages, self.timeout_seconds)
        if min(limits) <= 0:
            raise ValueError("DigitizeOptions limits must be positive")
        if not 0 <= self.blank_threshold < 1:
            raise ValueError("blank_threshold must be in [0, 1)")
        if self.expected_sheets is not None and self.expected_sheets < 1:
            raise ValueError("expected_sheets must be at least 1")


@dataclass(frozen=True, slots=True)
class DocContext:
    """Where one document's stages may write, and with which options.

    Attributes:
        work_dir: A private directory for this document; the runner creates and removes it.
        options: The digitization options.
    """

    work_dir: Path
    options: DigitizeOptions = field(default_factory=DigitizeOptions)

    def work_path(self, name: str) -> Path:
        """Return the path of a file called ``name`` inside the work directory.

        Args:
            name: A plain file name such as ``"assembled.pdf"``; no directories.

        Returns:
            ``work_dir / name``; the directory is created if needed.

        Raises:
            ValueError: If ``name`` contains a path separator or is ``.``/``..``.
        """
        if not name or name in {".", ".."} or Path(name).name != name or "\\" in name:
            raise ValueError(f"work file name must be a plain name, got {name!r}")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        return self.work_dir / name


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or note) that a check found; data, not an exception (style guide rule 13).

    Attributes:
        severity: ``"error"`` (does not meet the standard), ``"warning"`` (a person should look)
            or ``"info"``.
        code: Stable machine code, e.g. ``"resolution_too_low"``.
        message: English template with named placeholders, marked with ``N_()``; the interface
            layer translates it and fills it from ``params``.
        params: Values for the placeholders (plain, picklable types).
        page: 1-based page number, or None when the finding is about the whole document.
    """

    severity: Severity
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    page: int | None = None

    def render(self) -> str:
        """Return the English message with its placeholders filled (for logs and tests)."""
        return self.message.format(**self.params)
