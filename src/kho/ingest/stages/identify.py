"""Stage 1: identify what was handed in, count its pages and refuse what cannot be digitized.

The real format comes from the file's first bytes, never from its name. Limits are checked before
any pixel is decoded, so a hostile or broken file costs a few header reads.
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pikepdf
from PIL import Image, UnidentifiedImageError

from kho.core.naturalsort import natural_key
from kho.ingest.stages._pdftext import page_texts
from kho.ingest.stages.context import DigitizeOptions, DocContext
from kho.ingest.stages.errors import (
    CorruptFileError,
    DecompressionBombError,
    EmptyFileError,
    EncryptedPdfError,
    FileTooLargeError,
    MixedInputError,
    NoPagesError,
    SignedPdfError,
    TooManyPagesError,
    UnsupportedFormatError,
)

__all__ = ["PageRef", "SourceDocument", "SourceFormat", "identify", "natural_key", "sniff_format"]

# Files that scanners and file managers drop into folders; never pages.
_IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
# The PDF header may follow up to 1024 bytes of junk (ISO 32000-1 annex H.3).
_PDF_SEARCH_BYTES = 1024
_PILLOW_READ_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)


class SourceFormat(StrEnum):
    """A file format the pipeline accepts, as detected from magic bytes."""

    PDF = "pdf"
    TIFF = "tiff"
    JPEG = "jpeg"
    PNG = "png"


@dataclass(frozen=True, slots=True)
class PageRef:
    """Where one page comes from.

    Attributes:
        path: The file holding the page.
        index: 0-based frame (multi-page TIFF) or page (PDF) inside ``path``; 0 for other images.
        format: The file's format.
    """

    path: Path
    index: int
    format: SourceFormat


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One document to digitize: a PDF, or page images in reading order.

    Attributes:
        format: ``PDF``, or the format of the first page image (images may mix formats).
        files: The input files, in page order.
        pages: Every page, in reading order.
        total_bytes: Sum of the input file sizes.
        has_text: A PDF page already has extractable text (born-digital or OCRed before).
        born_digital: ``has_text`` and at least one page carries no raster image, so the PDF was
            not (only) scanned; the runner should ingest it as born-digital instead of OCRing it.
        signed: The PDF has a filled signature field; OCR would invalidate it, keep it as master.
    """

    format: SourceFormat
    files: tuple[Path, ...]
    pages: tuple[PageRef, ...]
    total_bytes: int
    has_text: bool = False
    born_digital: bool = False
    signed: bool = False

    @property
    def page_count(self) -> int:
        """Number of pages."""
        return len(self.pages)

    @property
    def is_pdf(self) -> bool:
        """Whether the source is one PDF file."""
        return self.format is SourceFormat.PDF


def sniff_format(path: Path) -> SourceFormat | None:
    """Detect a supported format from the first bytes of ``path``; None if unsupported."""
    with path.open("rb") as stream:
        head = stream.read(_PDF_SEARCH_BYTES)
    if head.startswith(_PNG_MAGIC):
        return SourceFormat.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return SourceFormat.JPEG
    if head[:4] in _TIFF_MAGICS:
        return SourceFormat.TIFF
    if b"%PDF-" in head:
        return SourceFormat.PDF
    return None


def identify(paths: list[Path], ctx: DocContext) -> SourceDocument:
    """Identify one document and count its pages.

    ``paths`` is either one PDF file, or any mix of image files and folders of image files. The
    pages of a folder are its image files in natural order (``page2`` before ``page10``); hidden
    files, ``Thumbs.db`` and ``desktop.ini`` are ignored. Explicit files keep the given order.
    This stage reads only; it writes nothing.

    Args:
        paths: The inputs of one document.
        ctx: The document context (only ``ctx.options`` is used).

    Returns:
        The identified document.

    Raises:
        NoPagesError: No paths, or a folder without files.
        MixedInputError: A PDF together with other inputs, or a folder with sub-folders.
        EmptyFileError: A file has zero bytes.
        FileTooLargeError: A file exceeds ``max_file_bytes``.
        UnsupportedFormatError: A file is not PDF, TIFF, JPEG or PNG.
        CorruptFileError: A file cannot be parsed.
        EncryptedPdfError: A PDF is encrypted.
        SignedPdfError: A PDF is encrypted and digitally signed (removing the protection would
            break the signature; keep it as a born-digital master).
        DecompressionBombError: An image declares more than ``max_pixels`` pixels.
        TooManyPagesError: The document has more than ``max_pages`` pages.
    """
    options = ctx.options
    files = _expand(paths)
    formats = [_check_file(path, options) for path in files]
    total_bytes = sum(path.stat().st_size for path in files)
    if SourceFormat.PDF in formats:
        if len(files) > 1:
            raise MixedInputError(name=str(files[formats.index(SourceFormat.PDF)]))
        return _identify_pdf(files[0], total_bytes, options)
    pages: list[PageRef] = []
    for path, fmt in zip(files, formats, strict=True):
        frames = _count_frames(path, fmt, options)
        if len(pages) + frames > options.max_pages:
            raise TooManyPagesError(pages=len(pages) + frames, limit=options.max_pages)
        pages.extend(PageRef(path, index, fmt) for index in range(frames))
    return SourceDocument(formats[0], tuple(files), tuple(pages), total_bytes)


def _expand(paths: list[Path]) -> list[Path]:
    if not paths:
        raise NoPagesError(name="[]")
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        entries = sorted(
            (e for e in path.iterdir() if not e.name.startswith(".") and e.name.casefold() not in _IGNORED_NAMES),
            key=natural_key,
        )
        if not entries:
            raise NoPagesError(name=str(path))
        for entry in entries:
            if entry.is_dir():
                raise MixedInputError(name=str(entry))
            files.append(entry)
    return files


def _check_file(path: Path, options: DigitizeOptions) -> SourceFormat:
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(name=str(path))
    if size > options.max_file_bytes:
        raise FileTooLargeError(name=str(path), size=size, limit=options.max_file_bytes)
    fmt = sniff_format(path)
    if fmt is None:
        raise UnsupportedFormatError(name=str(path))
    return fmt


def _check_pixels(path: Path, width: int, height: int, options: DigitizeOptions) -> None:
    if width * height > options.max_pixels:
        raise DecompressionBombError(name=str(path), width=width, height=height, limit=options.max_pixels)


def _png_declared_size(path: Path) -> tuple[int, int] | None:
    # IHDR is always the first chunk: 8 magic bytes, 4 length, b"IHDR", then width and height.
    with path.open("rb") as stream:
        head = stream.read(24)
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _count_frames(path: Path, fmt: SourceFormat, options: DigitizeOptions) -> int:
    declared = _png_declared_size(path) if fmt is SourceFormat.PNG else None
    if declared is not None:
        _check_pixels(path, *declared, options)
    try:
        with warnings.catch_warnings():
            # Our own limit decides; Pillow's warning threshold (89 MP) is lower than ours.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = int(getattr(image, "n_frames", 1))
                for frame in range(frames):
                    image.seek(frame)
                    _check_pixels(path, image.width, image.height, options)
            if fmt is SourceFormat.PNG:
                with Image.open(path) as image:
                    image.verify()  # chunk CRCs, without decompressing the pixels
    except Image.DecompressionBombError as exc:
        limit = options.max_pixels
        raise DecompressionBombError(name=str(path), width="?", height="?", limit=limit) from exc
    except _PILLOW_READ_ERRORS as exc:
        raise CorruptFileError(name=str(path), format=fmt.value.upper()) from exc
    return frames


def _identify_pdf(path: Path, total_bytes: int, options: DigitizeOptions) -> SourceDocument:
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise EncryptedPdfError(name=str(path)) from exc
    except pikepdf.PdfError as exc:
        raise CorruptFileError(name=str(path), format="PDF") from exc
    with pdf:
        if pdf.is_encrypted:
            # Decrypting would break a signature: a signed file is kept as it is (born-digital).
            raise SignedPdfError(name=str(path)) if _is_signed(pdf) else EncryptedPdfError(name=str(path))
        count = len(pdf.pages)
        if count == 0:
            raise CorruptFileError(name=str(path), format="PDF")
        if count > options.max_pages:
            raise TooManyPagesError(pages=count, limit=options.max_pages)
        image_pages = sum(_page_has_images(page, path, options) for page in pdf.pages)
        signed = _is_signed(pdf)
    has_text = any(text.strip() for text in page_texts(path))
    return SourceDocument(
        format=SourceFormat.PDF,
        files=(path,),
        pages=tuple(PageRef(path, index, SourceFormat.PDF) for index in range(count)),
        total_bytes=total_bytes,
        has_text=has_text,
        born_digital=has_text and image_pages < count,
        signed=signed,
    )


def _page_has_images(page: pikepdf.Page, path: Path, options: DigitizeOptions) -> bool:
    """Check the declared size of every image on ``page``; return whether it has any."""
    images = page.get_images()
    for image in images.values():
        width, height = image.get("/Width", 0), image.get("/Height", 0)
        if isinstance(width, int) and isinstance(height, int):
            _check_pixels(path, width, height, options)
    return len(images) > 0


def _is_signed(pdf: pikepdf.Pdf) -> bool:
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        return False
    pending = list(acroform.get("/Fields", pikepdf.Array()))
    seen: set[tuple[int, int]] = set()
    while pending:
        field = pending.pop()
        if not isinstance(field, pikepdf.Dictionary) or field.objgen in seen:
            continue
        if field.objgen != (0, 0):
            seen.add(field.objgen)
        if field.get("/FT") == pikepdf.Name.Sig and "/V" in field:
            return True
        pending.extend(field.get("/Kids", pikepdf.Array()))
    return False
