"""Visible copy marks on PDFs and page images (pure module: no Django import).

Every page of a marked copy carries (standards.md §6.3, §6.7):

* the secrecy level in red, in a box at the top centre;
* a footer line ``Bản sao số N — <user> — <time> — <level>``;
* the organisation name at the bottom centre (TT05: read copies show it there);
* a light diagonal mark repeated over the page, so a cut-out still shows where it came from.

PDF marks are drawn by reportlab into one overlay page per page geometry, with Noto Serif (found as
``kho.signing.pades`` finds it) embedded as a TrueType subset with a ToUnicode map, so the mark is
Vietnamese, prints everywhere and its text can be extracted (``pdftotext`` finds the footer). pikepdf
places the overlay on every page as a form XObject. Image marks are drawn with Pillow in the same font.

A marked copy is a *copy*: the stored master is never touched, so its digest, fixity record and any
PAdES signature in the archive stay valid. The copy itself no longer verifies as signed (its bytes
changed), which is right: it is a reproduction entered in the copy register, not the original.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import pikepdf
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kho.copies.exceptions import EncryptedPdfError, MarkFontMissingError, UnreadableImageError, UnreadablePdfError
from kho.core.text import nfc
from kho.signing.pades import FONT_CANDIDATES

__all__ = ["CopyMark", "mark_font_paths", "mark_image", "mark_pdf"]

RED = (0.78, 0.0, 0.0)
INK = (0.15, 0.15, 0.15)
_REGULAR, _BOLD = "KhoMark", "KhoMark-Bold"
_MARGIN = 0.04  # of the page's shorter side
_MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding


@dataclass(frozen=True, slots=True)
class CopyMark:
    """What a marked copy says about itself.

    Attributes:
        organisation: the organisation holding the archive (printed at the bottom centre).
        user: who made the copy, e.g. ``"Nguyễn Văn A (reader)"``.
        when: when the copy was made, already in the local time zone.
        level: the secrecy mark, e.g. ``"MẬT"``.
        copy_no: the copy register number, e.g. ``"12/2026"``; empty for an unregistered screen preview.
    """

    organisation: str
    user: str
    when: datetime
    level: str
    copy_no: str

    @property
    def footer(self) -> str:
        """The footer line (NFC)."""
        when = self.when.strftime("%d/%m/%Y %H:%M")
        return nfc(f"{self._title()} — {self.user} — {when} — {self.level}")

    @property
    def diagonal(self) -> str:
        """The short text repeated across the page."""
        return nfc(f"{self.level} · {self._title().upper()} · {self.user}")

    def _title(self) -> str:
        return f"Bản sao số {self.copy_no}" if self.copy_no else "Bản xem trước"


@functools.cache
def mark_font_paths() -> tuple[Path, Path]:
    """The regular and bold faces of the first serif font with Vietnamese glyphs (``pades.FONT_CANDIDATES``).

    Raises:
        MarkFontMissingError: none is installed.
    """
    regular = next((Path(f) for f in FONT_CANDIDATES if Path(f).is_file()), None)
    if regular is None:
        raise MarkFontMissingError()
    bold = regular.with_name(regular.stem.removesuffix("-Regular") + "-Bold.ttf")
    return regular, bold if bold.is_file() else regular


@functools.cache
def _register_fonts() -> None:
    regular, bold = mark_font_paths()
    pdfmetrics.registerFont(TTFont(_REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(_BOLD, str(bold)))


def _fit(text: str, font: str, size: float, width: float) -> float:
    """``size`` shrunk so that ``text`` fits in ``width`` points."""
    wide = pdfmetrics.stringWidth(text, font, size)
    return size if wide <= width else max(size * width / wide, 3.0)


def _diagonal_positions(width: float, height: float, step: float) -> Iterator[tuple[float, float]]:
    for row in range(-1, int(height / step) + 2):
        for col in range(-1, int(width / step) + 2):
            yield col * step + (step / 2 if row % 2 else 0.0), row * step


def _draw_overlay(canvas: Canvas, mark: CopyMark, width: float, height: float) -> None:
    """Draw the mark on one reportlab page of ``width`` × ``height`` points."""
    margin = min(width, height) * _MARGIN
    canvas.saveState()
    canvas.setFillColor(Color(0.5, 0.5, 0.5, alpha=0.13))
    size = min(width, height) / 28
    canvas.setFont(_REGULAR, size)
    step = max(pdfmetrics.stringWidth(mark.diagonal, _REGULAR, size) * 0.8, size * 8)
    for x, y in _diagonal_positions(width, height, step):
        canvas.saveState()
        canvas.translate(x, y)
        canvas.rotate(35)
        canvas.drawString(0, 0, mark.diagonal)
        canvas.restoreState()
    canvas.restoreState()
    level_size = _fit(mark.level, _BOLD, min(width, height) / 34, width / 2)
    box_w = pdfmetrics.stringWidth(mark.level, _BOLD, level_size) + level_size
    canvas.setStrokeColorRGB(*RED)
    canvas.setFillColorRGB(*RED)
    canvas.setLineWidth(max(level_size / 12, 0.5))
    top = height - margin - level_size * 1.4
    canvas.rect((width - box_w) / 2, top, box_w, level_size * 1.4, stroke=1, fill=0)
    canvas.setFont(_BOLD, level_size)
    canvas.drawCentredString(width / 2, top + level_size * 0.4, mark.level)
    foot_size = _fit(mark.footer, _REGULAR, min(width, height) / 70, width - 2 * margin)
    org_size = _fit(mark.organisation, _BOLD, min(width, height) / 64, width - 2 * margin)
    canvas.setFillColor(Color(1, 1, 1, alpha=0.75))
    canvas.rect(margin, margin * 0.5, width - 2 * margin, foot_size + org_size * 2.2, stroke=0, fill=1)
    canvas.setFillColorRGB(*INK)
    canvas.setFont(_REGULAR, foot_size)
    canvas.drawCentredString(width / 2, margin * 0.5 + org_size * 1.6, mark.footer)
    canvas.setFont(_BOLD, org_size)
    canvas.drawCentredString(width / 2, margin * 0.5 + org_size * 0.4, mark.organisation)


def _overlay_form(pdf: pikepdf.Pdf, mark: CopyMark, width: float, height: float) -> pikepdf.Object:
    """The mark drawn on a ``width`` × ``height`` page, as a form XObject of ``pdf``."""
    _register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1)
    _draw_overlay(canvas, mark, width, height)
    canvas.showPage()
    canvas.save()
    with pikepdf.open(io.BytesIO(out.getvalue())) as overlay:
        return pdf.copy_foreign(overlay.pages[0].as_form_xobject())


def _placement(box: pikepdf.Rectangle, rotate: int) -> tuple[float, float, float, float, float, float]:
    """The matrix from upright display coordinates to page space for a page shown turned by ``rotate``."""
    x0, y0, x1, y1 = box.llx, box.lly, box.urx, box.ury
    return {
        90: (0.0, 1.0, -1.0, 0.0, x1, y0),
        180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
        270: (0.0, -1.0, 1.0, 0.0, x0, y1),
    }.get(rotate, (1.0, 0.0, 0.0, 1.0, x0, y0))


def _place(page: pikepdf.Page, form: pikepdf.Object, box: pikepdf.Rectangle, rotate: int) -> None:
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="KhoMark")
    matrix = " ".join(f"{value:.4f}" for value in _placement(box, rotate))
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(f"Q\nq {matrix} cm {name} Do Q\n".encode("ascii"), prepend=False)


def _open_source(source: bytes | Path | BinaryIO) -> pikepdf.Pdf:
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        pdf = pikepdf.open(io.BytesIO(data) if isinstance(data, bytes) else data)
    except pikepdf.PasswordError:
        raise EncryptedPdfError() from None
    except (pikepdf.PdfError, OSError, ValueError) as error:
        raise UnreadablePdfError(problem=type(error).__name__) from None
    if pdf.is_encrypted:
        pdf.close()
        raise EncryptedPdfError()
    if len(pdf.pages) == 0:
        pdf.close()
        raise UnreadablePdfError(problem="no pages")
    return pdf


def mark_pdf(source: bytes | Path | BinaryIO, mark: CopyMark) -> bytes:
    """A new PDF where every page of ``source`` carries ``mark``; ``source`` itself is never changed.

    Args:
        source: the PDF as bytes, a path, or a binary stream (read whole).
        mark: what to print.

    Returns:
        The marked copy (unencrypted, signatures of the source no longer valid: it is a copy).

    Raises:
        EncryptedPdfError: the source is encrypted (with or without a user password).
        UnreadablePdfError: the source is not a readable PDF or has no pages.
        MarkFontMissingError: no font with Vietnamese glyphs is installed.
    """
    mark_font_paths()
    pdf = _open_source(source)
    try:
        forms: dict[tuple[float, float], pikepdf.Object] = {}
        for page in pdf.pages:
            box = pikepdf.Rectangle(page.cropbox)
            rotate = int(page.obj.get("/Rotate", 0)) % 360
            shown = (box.height, box.width) if rotate in (90, 270) else (box.width, box.height)
            key = (round(shown[0], 2), round(shown[1], 2))
            if key not in forms:
                forms[key] = _overlay_form(pdf, mark, *shown)
            _place(page, forms[key], box, rotate)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True)
    except (pikepdf.PdfError, ValueError, KeyError) as error:
        raise UnreadablePdfError(problem=type(error).__name__) from None
    finally:
        pdf.close()
    return out.getvalue()


def _pil_font(size: float, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    regular, bold_path = mark_font_paths()
    return ImageFont.truetype(str(bold_path if bold else regular), max(int(size), 6))


def _open_image(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > _MAX_PIXELS:
            raise UnreadableImageError(problem="too many pixels")
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableImageError(problem=type(error).__name__) from None
    return image.convert("RGB")


def _draw_diagonal(image: Image.Image, mark: CopyMark) -> Image.Image:
    side = min(image.size)
    font = _pil_font(side / 28)
    text_w = int(font.getlength(mark.diagonal)) + 4
    tile = Image.new("L", (text_w, int(font.size * 1.6)), 0)
    ImageDraw.Draw(tile).text((2, 0), mark.diagonal, font=font, fill=40)
    tile = tile.rotate(35, expand=True, resample=Image.Resampling.BICUBIC)
    layer = Image.new("L", image.size, 0)
    step = max(int(text_w * 0.8), int(font.size * 8), 1)
    for x, y in _diagonal_positions(image.width, image.height, step):
        layer.paste(tile, (int(x), image.height - int(y) - tile.height), tile)
    grey = Image.new("RGB", image.size, (128, 128, 128))
    return Image.composite(grey, image, layer)


def _draw_text_block(image: Image.Image, mark: CopyMark) -> None:
    draw = ImageDraw.Draw(image)
    side, width = min(image.size), image.width
    margin = side * _MARGIN
    level_font = _pil_font(side / 34 * 1.2, bold=True)
    left, top, right, bottom = draw.textbbox((width / 2, margin), mark.level, font=level_font, anchor="mt")
    pad = max(int(level_font.size * 0.3), 2)
    draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), outline=(200, 0, 0), width=max(pad // 2, 1))
    draw.text((width / 2, margin), mark.level, font=level_font, fill=(200, 0, 0), anchor="mt")
    foot_font = _pil_font(side / 70 * 1.4)
    while foot_font.getlength(mark.footer) > width - 2 * margin and foot_font.size > 6:
        foot_font = _pil_font(foot_font.size - 1)
    org_font = _pil_font(side / 64 * 1.4, bold=True)
    org_y = image.height - margin
    foot_y = org_y - org_font.size * 1.3
    band_top = int(foot_y - foot_font.size * 1.4)
    draw.rectangle((int(margin), band_top, int(width - margin), int(org_y + 2)), fill=(255, 255, 255))
    draw.text((width / 2, foot_y), mark.footer, font=foot_font, fill=(38, 38, 38), anchor="md")
    draw.text((width / 2, org_y), mark.organisation, font=org_font, fill=(38, 38, 38), anchor="md")


def mark_image(data: bytes, mark: CopyMark, *, image_format: str = "PNG") -> bytes:
    """The image ``data`` with ``mark`` drawn on it (the same elements as on a PDF page).

    Args:
        data: an encoded raster image (JPEG, PNG, single-frame TIFF …).
        mark: what to print.
        image_format: Pillow's name of the output format ("PNG" by default, "JPEG" for page images).

    Raises:
        UnreadableImageError: ``data`` cannot be decoded, or is implausibly large.
        MarkFontMissingError: no font with Vietnamese glyphs is installed.
    """
    image = _draw_diagonal(_open_image(data), mark)
    _draw_text_block(image, mark)
    out = io.BytesIO()
    if image_format.upper() == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
    else:
        image.save(out, image_format)
    return out.getvalue()
