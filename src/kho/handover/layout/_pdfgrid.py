"""A lean gridded table for long inventories: cells wrapped once, drawn straight on the canvas.

The inventories of a fonds run to tens of thousands of rows. As a reportlab ``LongTable`` of ``Paragraph``
cells each cell was parsed as markup, measured at every page split and drawn through a nested flowable,
so the document list took more than half of an export's time and its memory grew with every row. The
cells here hold plain text only (none of them use markup), so :class:`TextGrid` wraps each cell once with
the font metrics and keeps only the lines. It keeps the table's look (standards.md §4 columns, bold
centred header on a grey band repeated on every page, 0.5 pt grid, 3 pt padding, text from the top,
first column centred) and splits between rows like ``LongTable`` with ``repeatRows=1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

__all__ = ["GridStyle", "TextGrid", "wrap_text"]

PADDING = 3.0
RULE = 0.5
HEAD_BACKGROUND = colors.Color(0.92, 0.92, 0.92)


@dataclass(frozen=True, slots=True)
class GridStyle:
    """Fonts and sizes of a grid: ``leading`` is the line pitch, as in the paragraph styles."""

    font: str
    bold_font: str
    size: float
    leading: float


def _split_word(word: str, font: str, size: float, width: float) -> list[str]:
    """Break a word wider than ``width`` into pieces that fit (as ``Paragraph``'s ``splitLongWords``)."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and stringWidth(piece + char, font, size) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap of ``text`` into lines at most ``width`` wide (whitespace collapsed, like a paragraph)."""
    words = text.split()
    if not words:
        return []
    whole = " ".join(words)
    if stringWidth(whole, font, size) <= width:  # most cells: one measurement, one line
        return [whole]
    lines: list[str] = []
    line, line_width = "", 0.0
    space = stringWidth(" ", font, size)
    for word in words:
        word_width = stringWidth(word, font, size)
        if line and line_width + space + word_width <= width:
            line, line_width = f"{line} {word}", line_width + space + word_width
            continue
        if line:
            lines.append(line)
        if word_width > width:
            *full, word = _split_word(word, font, size, width)
            lines += full
            word_width = stringWidth(word, font, size)
        line, line_width = word, word_width
    return [*lines, line] if line else lines


Row = tuple[tuple[str, ...], ...]  # the wrapped lines of each cell


class TextGrid(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A table of plain-text cells with a header row repeated on every page."""

    def __init__(self, head: Row, rows: Sequence[Row], widths: Sequence[float], style: GridStyle) -> None:
        super().__init__()
        self.hAlign = "CENTER"  # as a Table: centred when wider than the frame's padded width
        self.head, self.rows, self.widths, self.style = head, list(rows), list(widths), style
        self.heights = [self._height(row) for row in self.rows]
        self.head_height = self._height(head)
        self._text: list[Sequence[str]] | None = None  # cells not wrapped yet (see from_text)

    @classmethod
    def from_text(
        cls, columns: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], style: GridStyle
    ) -> TextGrid:
        """Wrap the header (bold) now, and every cell to its column once, when the grid is first laid out.

        A document list is a grid per record, all made before the layout starts: wrapped lines (a tuple
        per cell) would be held for every row of the fonds at once (issue #5), plain text is held instead.
        """
        inner = [w - 2 * PADDING for w in widths]
        head = tuple(tuple(wrap_text(c, style.bold_font, style.size, w)) for c, w in zip(columns, inner, strict=True))
        grid = cls(head, [], widths, style)
        grid._text = list(rows)
        return grid

    def _wrap_cells(self) -> None:
        """Wrap the cells given to :meth:`from_text` (once)."""
        if self._text is None:
            return
        style, inner = self.style, [w - 2 * PADDING for w in self.widths]
        self.rows = [
            tuple(tuple(wrap_text(c, style.font, style.size, w)) for c, w in zip(row, inner, strict=True))
            for row in self._text
        ]
        self.heights = [self._height(row) for row in self.rows]
        self._text = None

    def _height(self, row: Row) -> float:
        return 2 * PADDING + max((len(cell) for cell in row), default=0) * self.style.leading

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._wrap_cells()
        self.width = sum(self.widths)
        self.height = self.head_height + sum(self.heights)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """The rows that fit under the header on this page, and a grid of the rest (header repeated)."""
        self._wrap_cells()
        used, fit = self.head_height, 0
        for height in self.heights:
            if used + height > avail_height:
                break
            used, fit = used + height, fit + 1
        if fit == 0 or fit == len(self.rows):
            return []
        return [
            TextGrid(self.head, self.rows[:fit], self.widths, self.style),
            TextGrid(self.head, self.rows[fit:], self.widths, self.style),
        ]

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        total = sum(self.widths)
        top = self.height
        canvas.setFillColor(HEAD_BACKGROUND)
        canvas.rect(0, top - self.head_height, total, self.head_height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        self._draw_row(self.head, top, style.bold_font, centred=range(len(self.widths)))
        rules = [top, top - self.head_height]
        y = rules[-1]
        for row, height in zip(self.rows, self.heights, strict=True):
            self._draw_row(row, y, style.font, centred=(0,))
            y -= height
            rules.append(y)
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(RULE)
        for rule in rules:
            canvas.line(0, rule, total, rule)
        x = 0.0
        for width in [0.0, *self.widths]:
            x += width
            canvas.line(x, top, x, y)

    def _draw_row(self, row: Row, top: float, font: str, centred: Sequence[int]) -> None:
        """Draw each cell's lines from the top of the cell (the first baseline one font size down)."""
        canvas, size, leading = self.canv, self.style.size, self.style.leading
        text = canvas.beginText()
        text.setFont(font, size, leading)
        x = 0.0
        for n, (cell, width) in enumerate(zip(row, self.widths, strict=True)):
            baseline = top - PADDING - size
            for line in cell:
                left = x + (width - stringWidth(line, font, size)) / 2 if n in centred else x + PADDING
                text.setTextOrigin(left, baseline)
                text.textOut(line)
                baseline -= leading
            x += width
        canvas.drawText(text)
