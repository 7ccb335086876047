"""Shared reportlab pieces: an embedded Vietnamese serif font, ND30-like styles, tables and A4 pages.

The font is Liberation Serif 2 (Times New Roman metrics, as ND30 asks) or else Noto Serif; both are
embedded (subset) in the PDF, so the documents print the same everywhere. Pages are A4 portrait with
ND30 margins; page numbers are top-centre and absent from page 1 (ND30).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.doctemplate import LayoutError

from kho.handover.exceptions import FontNotAvailableError
from kho.handover.layout._pdfgrid import GridStyle, TextGrid

__all__ = [
    "FONT",
    "FONT_FAMILIES",
    "PAGE_WIDTH",
    "TEXT_WIDTH",
    "FontSet",
    "Styles",
    "data_table",
    "escape",
    "find_font",
    "para",
    "styles",
    "write_pdf",
]

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"), Path("/usr/share/fonts"))
# (family, file name per face) in preference order; fonts-liberation 1.x lacks ơ/ư and lives elsewhere.
FONT_FAMILIES: tuple[tuple[str, str, tuple[str, str, str, str]], ...] = (
    (
        "Liberation Serif",
        "liberation2",
        (
            "LiberationSerif-Regular.ttf",
            "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf",
            "LiberationSerif-BoldItalic.ttf",
        ),
    ),
    (
        "Noto Serif",
        "noto",
        ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf"),
    ),
)
FONT = "KhoSerif"
PAGE_WIDTH, PAGE_HEIGHT = A4
# ND30 Annex I: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGINS = {"leftMargin": 3.0 * cm, "rightMargin": 1.5 * cm, "topMargin": 2.0 * cm, "bottomMargin": 2.0 * cm}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["leftMargin"] - MARGINS["rightMargin"]


@dataclass(frozen=True, slots=True)
class FontSet:
    """The chosen family and its four face files."""

    family: str
    paths: tuple[Path, Path, Path, Path]


def find_font(dirs: Sequence[Path] = FONT_DIRS) -> FontSet:
    """The first family of ``FONT_FAMILIES`` whose four faces exist in a folder named like its package.

    Raises:
        FontNotAvailableError: none is installed (exit 5, names the Debian packages).
    """
    for family, folder, files in FONT_FAMILIES:
        for root in dirs:
            paths = tuple(root / folder / name for name in files)
            if all(path.is_file() for path in paths):
                return FontSet(family, (paths[0], paths[1], paths[2], paths[3]))
    raise FontNotAvailableError()


@functools.cache
def register_font() -> str:
    """Register the family with reportlab once per process (faces embedded as subsets); return its name."""
    fonts = find_font()
    names = (FONT, f"{FONT}-Bold", f"{FONT}-Italic", f"{FONT}-BoldItalic")
    for name, path in zip(names, fonts.paths, strict=True):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3])
    return FONT


@dataclass(frozen=True, slots=True)
class Styles:
    """Paragraph styles of the documents (sizes after ND30: 13 pt body, 12 pt tables)."""

    body: ParagraphStyle
    plain: ParagraphStyle
    center: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    head: ParagraphStyle
    small: ParagraphStyle
    header: ParagraphStyle
    dash: ParagraphStyle


@functools.cache
def styles() -> Styles:
    """The styles, with the embedded font."""
    font = register_font()

    def style(name: str, size: float, align: int = TA_LEFT, **extra: Any) -> ParagraphStyle:
        values: dict[str, Any] = {"fontName": font, "fontSize": size, "leading": size * 1.22, "alignment": align}
        return ParagraphStyle(name, **{**values, **extra})

    return Styles(
        body=style("body", 13, TA_JUSTIFY, firstLineIndent=0.8 * cm, spaceAfter=2),
        plain=style("plain", 13, TA_LEFT, spaceAfter=2),
        center=style("center", 13, TA_CENTER),
        title=style("title", 14, TA_CENTER, fontName=f"{font}-Bold", spaceBefore=12),
        subtitle=style("subtitle", 13, TA_CENTER, fontName=f"{font}-Bold", spaceAfter=10),
        cell=style("cell", 10.5, TA_LEFT),
        cell_center=style("cell_center", 10.5, TA_CENTER),
        head=style("head", 10.5, TA_CENTER, fontName=f"{font}-Bold"),
        small=style("small", 11, TA_LEFT),
        header=style("header", 12, TA_CENTER),
        dash=style("dash", 13, TA_JUSTIFY, leftIndent=0.8 * cm, spaceAfter=1),
    )


def escape(text: str) -> str:
    """Escape the characters reportlab's paragraph markup treats specially."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: str, style: ParagraphStyle, *, markup: bool = False) -> Paragraph:
    """A paragraph of plain ``text`` (escaped) or, with ``markup``, of trusted reportlab markup."""
    return Paragraph(text if markup else escape(text), style)


def data_table(columns: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> TextGrid:
    """A gridded table of plain-text cells with a bold header repeated on every page; cells wrap.

    A :class:`~kho.handover.layout._pdfgrid.TextGrid`, not a ``LongTable`` of paragraphs: an inventory can
    have tens of thousands of rows, and the grid wraps each cell once and draws it straight on the page.
    """
    st = styles()
    grid = GridStyle(FONT, f"{FONT}-Bold", st.cell.fontSize, st.cell.leading)
    return TextGrid.from_text(columns, rows, widths, grid)


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 12)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 1.2 * cm, str(doc.page))
    canvas.restoreState()


class _CompactCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """A canvas that compresses each page's content when the page ends, not when the PDF is saved.

    reportlab keeps every finished page until ``save``; a document list of a large fonds runs to hundreds of
    pages, each held as its uncompressed drawing commands (issue #5: memory must not grow with the fonds).
    The stream gets the filters reportlab would give it at save time, so the bytes are the same.
    """

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.stream and page.compression and not page.Contents:
            filters = [pdfdoc.PDFBase85Encode, pdfdoc.PDFZCompress] if rl_config.useA85 else [pdfdoc.PDFZCompress]
            content = page.stream
            for step in reversed(filters):
                content = step.encode(content)
            names = pdfdoc.PDFArray([pdfdoc.PDFName(step.pdfname) for step in filters])
            stream = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": names}), content)
            stream.__Comment__ = "page stream"
            page.Contents, page.stream = stream, None


class _Feed(list[Flowable]):
    """The story as reportlab's build loop reads it, filled from an iterable a few flowables ahead.

    ``BaseDocTemplate.build`` takes a list and asks its length before each flowable; this list refills
    itself then, so a story made by a generator (one record's rows at a time) is never held whole.
    """

    AHEAD = 4

    def __init__(self, story: Iterable[Flowable]) -> None:
        super().__init__()
        self._source: Iterator[Flowable] = iter(story)

    def __len__(self) -> int:
        while super().__len__() < self.AHEAD and (item := next(self._source, None)) is not None:
            self.append(item)
        return super().__len__()


def write_pdf(path: Path, story: Iterable[Flowable], *, title: str, subject: str = "") -> None:
    """Lay ``story`` out on A4 pages into ``path`` (deterministic bytes for the same content and date).

    ``story`` may be a generator: it is read a few flowables ahead of the layout.

    Raises:
        LayoutError: a flowable cannot fit on a page (a bug in the layout, not in the data).
    """
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=title,
        subject=subject,
        author="Kho",
        creator="Kho",
        invariant=True,
        initialFontName=FONT,  # else an unembedded Helvetica is referenced by every page
        **MARGINS,
    )
    flowables = _Feed(story)
    if not len(flowables):
        flowables.append(Spacer(1, 1))
    try:
        doc.build(flowables, onLaterPages=_page_number, canvasmaker=_CompactCanvas)
    except LayoutError:
        path.unlink(missing_ok=True)
        raise
