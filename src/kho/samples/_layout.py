"""Page layout of State and Party documents in points, independent of the output resolution.

The layout follows ND30 Annex I and 36-HD/VPTW as summarised in standards.md §5: two-column header,
number and place-date row, stamps under the number, centred type and summary (or "V/v" under the
number), "Kính gửi", justified body with page numbers from page 2, signature block on the right and
"Nơi nhận" on the left. The result is a list of drawing operations per page that ``render`` rasterises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kho.samples._fonts import FontSet, find_fonts

if TYPE_CHECKING:
    from kho.samples.spec import DocumentSpec

__all__ = ["PAGE_H", "PAGE_W", "DocumentLayout", "Op", "PageLayout", "Rule", "Seal", "Signature", "Stamp", "Text"]

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, PAGE_W - 20 * MM, 20 * MM, PAGE_H - 20 * MM
HEAD_LEFT = (LEFT - 12 * MM, LEFT + 66 * MM)
HEAD_RIGHT = (LEFT + 62 * MM, PAGE_W - 13 * MM)
SIG_CX, SIG_HALF, SIG_SPACE = LEFT + 0.74 * (RIGHT - LEFT), 125.0, 32 * MM
BODY_PT, LEADING, PARA_GAP, INDENT = 14.0, 17.5, 6.0, 10 * MM
BLACK, RED = (0, 0, 0), (205, 24, 32)
# ND30 zone 10b stamp sizes (width mm) for urgency marks; secrecy boxes fit their text.
_STAMP_MM = {"HỎA TỐC": 30, "THƯỢNG KHẨN": 40, "KHẨN": 20}
_ROMAN_HEADING = re.compile(r"^[IVX]+\. ")
_SHORT_HEADING = re.compile(r"^\d+\. [^.;:]{1,40}$")
_ARTICLE = re.compile(r"^(Điều \d+\.) ")


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text: ``x`` is its left edge, ``y`` its baseline (points)."""

    x: float
    y: float
    text: str
    style: str
    size: float
    color: tuple[int, int, int] = BLACK


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal rule."""

    x0: float
    x1: float
    y: float
    width: float = 0.7


@dataclass(frozen=True, slots=True)
class Stamp:
    """A red boxed mark (secrecy or urgency) with its top-left corner at (x, y)."""

    x: float
    y: float
    w: float
    h: float
    text: str
    size: float


@dataclass(frozen=True, slots=True)
class Signature:
    """The box the handwritten signature is drawn in."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class Seal:
    """A round red organisation seal."""

    cx: float
    cy: float
    r: float
    ring: str


Op = Text | Rule | Stamp | Signature | Seal


@dataclass(slots=True)
class PageLayout:
    """Drawing operations of one page (1-based ``number``)."""

    number: int
    ops: list[Op] = field(default_factory=list)


@dataclass(slots=True)
class DocumentLayout:
    """All pages of a document and the font family used to lay them out."""

    fonts: FontSet
    pages: list[PageLayout]


Token = tuple[str, str]  # (word, style)


class _Typesetter:
    """Flows text onto pages; ``y`` is the top of the next line box on the current page."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.pages = [PageLayout(1)]
        self.y = TOP

    @property
    def ops(self) -> list[Op]:
        return self.pages[-1].ops

    def width(self, text: str, style: str, size: float) -> float:
        return self.fonts.width(text, style, size)

    def new_page(self) -> None:
        number = len(self.pages) + 1
        self.pages.append(PageLayout(number))
        self.centred(str(number), (PAGE_W / 2 - 50, PAGE_W / 2 + 50), 12 * MM, "regular", 13)
        self.y = TOP

    def ensure(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self.new_page()

    def centred(self, text: str, col: tuple[float, float], y: float, style: str, size: float) -> float:
        """Emit ``text`` centred in ``col`` at baseline ``y``; return its width."""
        w = self.width(text, style, size)
        self.ops.append(Text((col[0] + col[1] - w) / 2, y, text, style, size))
        return w

    def wrap(self, tokens: list[Token], size: float, width: float, indent: float = 0.0) -> list[list[Token]]:
        """Greedy line breaking; the first line is ``indent`` narrower."""
        space = self.width(" ", "regular", size)
        lines: list[list[Token]] = [[]]
        used = indent
        for word, style in tokens:
            w = self.width(word, style, size)
            if lines[-1] and used + space + w > width:
                lines.append([])
                used = 0.0
            used += (space if lines[-1] else 0.0) + w
            lines[-1].append((word, style))
        return lines

    def wrap_text(self, text: str, style: str, size: float, width: float) -> list[str]:
        return [" ".join(w for w, _ in line) for line in self.wrap(_tokens(text, style), size, width)]

    def centred_block(self, text: str, col: tuple[float, float], y: float, style: str, size: float) -> float:
        """Emit wrapped, centred lines from baseline ``y``; return the baseline after the last line."""
        for line in self.wrap_text(text, style, size, col[1] - col[0]):
            self.centred(line, col, y, style, size)
            y += size * 1.2
        return y

    def justified(self, line: list[Token], x: float, y: float, width: float, size: float, *, last: bool) -> None:
        """Emit one line word by word, stretching spaces unless it is the last line."""
        widths = [self.width(w, s, size) for w, s in line]
        space = self.width(" ", "regular", size)
        if not last and len(line) > 1:
            space = (width - sum(widths)) / (len(line) - 1)
        for (word, style), w in zip(line, widths, strict=True):
            self.ops.append(Text(x, y, word, style, size))
            x += w + space


def _tokens(text: str, style: str) -> list[Token]:
    return [(w, style) for w in text.split()]


def _header(ts: _Typesetter, spec: DocumentSpec) -> float:
    """Lay out the two header columns and the number/place-date row; return the left-stack bottom."""
    y, w = TOP + 12, 0.0
    if spec.issuer_parent:
        y = ts.centred_block(spec.issuer_parent, HEAD_LEFT, y, "regular", 13)
    for line in _issuer_lines(ts, spec.issuer):
        w = ts.centred(line, HEAD_LEFT, y, "bold", 13)
        y += 15.6
    mid = sum(HEAD_LEFT) / 2
    if spec.system == "party":
        ts.centred("*", HEAD_LEFT, y + 2, "bold", 13)
        y += 14
    else:
        half = max(w / 3, 40.0) / 2
        ts.ops.append(Rule(mid - half, mid + half, y - 8, 0.8))
    right_y = TOP + 12
    if spec.system == "party":
        w = ts.centred("ĐẢNG CỘNG SẢN VIỆT NAM", HEAD_RIGHT, right_y, "bold", 15)
        right_y += 6
    else:
        size = 13.0
        while ts.width("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", size) > HEAD_RIGHT[1] - HEAD_RIGHT[0]:
            size -= 0.5
        ts.centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEAD_RIGHT, right_y, "bold", size)
        right_y += 16.5
        w = ts.centred("Độc lập - Tự do - Hạnh phúc", HEAD_RIGHT, right_y, "bold", 14)
        right_y += 6
    rmid = sum(HEAD_RIGHT) / 2
    ts.ops.append(Rule(rmid - w / 2, rmid + w / 2, right_y, 0.8))
    row = max(y, right_y) + 16
    ts.centred(spec.number_line, HEAD_LEFT, row, "regular", 13)
    ts.centred(spec.place_date_line, HEAD_RIGHT, row, "italic", 14)
    return _left_stack(ts, spec, row + 16)


def _issuer_lines(ts: _Typesetter, issuer: str) -> list[str]:
    """Split a header name as offices do: after "ỦY BAN NHÂN DÂN", else in two, preferably at "," or "VÀ"."""
    if issuer.startswith("ỦY BAN NHÂN DÂN "):
        return ["ỦY BAN NHÂN DÂN", issuer.removeprefix("ỦY BAN NHÂN DÂN ")]
    width = HEAD_LEFT[1] - HEAD_LEFT[0]
    words = issuer.split()
    if ts.width(issuer, "bold", 13) <= width or len(words) < 2:
        return [issuer]
    splits: list[tuple[str, str]] = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]

    def badness(pair: tuple[str, str]) -> tuple[bool, float]:
        widest = max(ts.width(part, "bold", 13) for part in pair)
        natural = pair[0].endswith(",") or pair[1].startswith("VÀ ")
        return (widest > width or not natural, widest)

    first, second = min(splits, key=badness)
    return [first, second]


def _left_stack(ts: _Typesetter, spec: DocumentSpec, y: float) -> float:
    """Lay out "V/v …" and the secrecy/urgency stamps under the number; return the bottom."""
    if spec.doc_type == "Công văn":
        style = "italic" if spec.system == "party" else "regular"
        col = (HEAD_LEFT[0] + 8, HEAD_LEFT[1] - 8)
        y = ts.centred_block(spec.printed_summary, col, y, style, 12)
    for mark in (spec.classification, spec.urgency):
        if mark is None:
            continue
        text_w = ts.width(mark, "bold", 13)
        w = max(_STAMP_MM.get(mark, 0) * MM, text_w + 14)
        h = 8 * MM
        ts.ops.append(Stamp(sum(HEAD_LEFT) / 2 - w / 2, y - 4, w, h, mark, 13))
        y += h + 6
    return y


def _title(ts: _Typesetter, spec: DocumentSpec, y: float) -> float:
    """Lay out the centred type name and summary; return the y of the next block."""
    content = (LEFT + 30, RIGHT - 30)
    y += 14
    ts.centred(spec.doc_type.upper(), (LEFT, RIGHT), y, "bold", 14)
    y = ts.centred_block(spec.printed_summary, content, y + 18, "bold", 14)
    mid = (LEFT + RIGHT) / 2
    if spec.system == "party":
        ts.centred("-----", (LEFT, RIGHT), y - 2, "regular", 13)
    else:
        lines = ts.wrap_text(spec.printed_summary, "bold", 14, content[1] - content[0])
        widest = max(ts.width(line, "bold", 14) for line in lines)
        half = max(widest / 3, 50.0) / 2
        ts.ops.append(Rule(mid - half, mid + half, y - 5, 0.8))
    return y + 8


def _kinh_gui(ts: _Typesetter, spec: DocumentSpec) -> None:
    """Lay out "Kính gửi:" with one centred addressee or a list of "- …;" lines."""
    if not spec.addressees:
        return
    label = "Kính gửi:"
    if len(spec.addressees) == 1:
        text = f"{label} {spec.addressees[0]}."
        ts.y = ts.centred_block(text, (LEFT, RIGHT), ts.y + 14, "regular", BODY_PT) - 14 + PARA_GAP
        return
    items = [f"- {a};" for a in spec.addressees[:-1]] + [f"- {spec.addressees[-1]}."]
    label_w = ts.width(label + " ", "regular", BODY_PT)
    block = label_w + max(ts.width(i, "regular", BODY_PT) for i in items)
    x = (LEFT + RIGHT - block) / 2
    ts.ops.append(Text(x, ts.y + 14, label, "regular", BODY_PT))
    for item in items:
        ts.ops.append(Text(x + label_w, ts.y + 14, item, "regular", BODY_PT))
        ts.y += LEADING
    ts.y += PARA_GAP


def _paragraph(ts: _Typesetter, text: str, keep: float = 0.0) -> None:
    """Flow one body paragraph, breaking pages between lines.

    Args:
        ts: The typesetter.
        text: The paragraph.
        keep: Height that must follow the paragraph on the same page (the signature block); if it
            does not fit, the last two lines move to the next page with it, as offices do.
    """
    width = RIGHT - LEFT
    centred = text.endswith(" điện:") or (text.upper() == text and not _ROMAN_HEADING.match(text))
    if centred:
        for row in ts.wrap_text(text, "bold", BODY_PT, width - 40):
            ts.ensure(LEADING)
            ts.centred(row, (LEFT, RIGHT), ts.y + BODY_PT, "bold", BODY_PT)
            ts.y += LEADING
        ts.y += PARA_GAP
        return
    heading = bool(_ROMAN_HEADING.match(text) or _SHORT_HEADING.match(text))
    tokens = _tokens(text, "bold" if heading else "regular")
    if article := _ARTICLE.match(text):
        tokens = _tokens(article.group(1), "bold") + _tokens(text[article.end() :], "regular")
    lines = ts.wrap(tokens, BODY_PT, width, INDENT)
    for i, line in enumerate(lines):
        tail = len(lines) - i
        if keep and tail == min(2, len(lines)) and ts.y + tail * LEADING + PARA_GAP + keep > BOTTOM:
            ts.new_page()
        ts.ensure(LEADING)
        x = LEFT + (INDENT if i == 0 else 0.0)
        avail = width - (INDENT if i == 0 else 0.0)
        ts.justified(line, x, ts.y + BODY_PT, avail, BODY_PT, last=heading or i == len(lines) - 1)
        ts.y += LEADING
    ts.y += PARA_GAP


def _recipient_lines(ts: _Typesetter, spec: DocumentSpec, width: float) -> list[tuple[str, float]]:
    """Return (text, indent) lines of the "Nơi nhận" list, wrapped with a hanging indent."""
    sep = "," if spec.system == "party" else ";"
    hang = ts.width("- ", "regular", 11)
    lines: list[tuple[str, float]] = []
    for i, entry in enumerate(spec.distribution):
        end = "." if i == len(spec.distribution) - 1 else sep
        wrapped = ts.wrap_text(f"- {entry}{end}", "regular", 11, width - hang)
        lines += [(line, 0.0 if j == 0 else hang) for j, line in enumerate(wrapped)]
    return lines


@dataclass(frozen=True, slots=True)
class _SignaturePlan:
    heads: list[str]
    recipients: list[tuple[str, float]]

    @property
    def height(self) -> float:
        signature = len(self.heads) * 16.5 + SIG_SPACE + 24
        return max(signature, 16 + len(self.recipients) * 13) + 4


def _plan_signature(ts: _Typesetter, spec: DocumentSpec) -> _SignaturePlan:
    authority = spec.signer_authority.split(" / ") if spec.signer_authority else []
    heads = authority + ([spec.signer_title] if spec.signer_title else [])
    width = 2 * SIG_HALF
    head_lines = [line for h in heads for line in ts.wrap_text(h, "bold", BODY_PT, width)]
    return _SignaturePlan(head_lines, _recipient_lines(ts, spec, HEAD_LEFT[1] - LEFT - 10))


def _signature(ts: _Typesetter, spec: DocumentSpec, plan: _SignaturePlan) -> None:
    """Lay out the signature block (right) and "Nơi nhận" (left), on a new page if needed."""
    col = (SIG_CX - SIG_HALF, SIG_CX + SIG_HALF)
    ts.ensure(plan.height)
    top = ts.y + 4
    y = top + BODY_PT
    for line in plan.heads:
        ts.centred(line, col, y, "bold", BODY_PT)
        y += 16.5
    box_top = y - 8
    scribble = Signature(SIG_CX - 55, box_top + 8, SIG_CX + 65, box_top + SIG_SPACE - 10)
    r = 16 * MM  # below the title and above the name, over the left third of the signature
    seal_cx = scribble.x0 + (scribble.x1 - scribble.x0) / 3 - 0.85 * r
    party = "ĐẢNG CỘNG SẢN VIỆT NAM" if spec.system == "party" else ""
    ring = f"{spec.issuer} * {spec.issuer_parent or party}".rstrip(" *") + " *"
    ts.ops.extend([scribble, Seal(seal_cx, box_top - 4 + r, r, ring)])
    ts.centred(spec.signer, col, box_top + SIG_SPACE + BODY_PT, "bold", BODY_PT)
    ny = top + 12
    ts.ops.append(Text(LEFT, ny, "Nơi nhận:", "bold_italic", 12))
    for text, indent in plan.recipients:
        ny += 13
        ts.ops.append(Text(LEFT + indent, ny, text, "regular", 11))
    ts.y = max(box_top + SIG_SPACE + 20, ny + 4)


def layout_document(spec: DocumentSpec, fonts: FontSet | None = None) -> DocumentLayout:
    """Lay out every page of ``spec``.

    Args:
        spec: The document.
        fonts: Font family; defaults to :func:`find_fonts`.

    Returns:
        The pages with their drawing operations, in points.

    Raises:
        FontNotFoundError: ``fonts`` is None and no usable family is installed.
    """
    fonts = fonts or find_fonts()
    ts = _Typesetter(fonts)
    ts.y = _header(ts, spec) + 4
    body = list(spec.body)
    if spec.doc_type != "Công văn":
        ts.y = _title(ts, spec, ts.y)
        if spec.doc_type == "Công điện" and body:
            _paragraph(ts, body.pop(0))
    _kinh_gui(ts, spec)
    plan = _plan_signature(ts, spec)
    for i, paragraph in enumerate(body):
        _paragraph(ts, paragraph, keep=plan.height if i == len(body) - 1 else 0.0)
    _signature(ts, spec, plan)
    return DocumentLayout(fonts=fonts, pages=ts.pages)
