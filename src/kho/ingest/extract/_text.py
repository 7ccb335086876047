"""Line model of an OCR or Markdown text: NFC, emphasis and table markup removed, folded copies.

The vn-admin-docs corpus keeps Markdown emphasis (``**…**``, ``*…*``) and ``|`` table separators, and wraps
header fields across lines; OCR output wraps them too. This module turns any text into a list of
:class:`Line` objects that the field extractors share. It also offers :func:`fold_same_length`, an
accent-insensitive copy of a string whose character offsets match the original, so a regex can be run on the
folded text and the match sliced from the printed (accented) text.
"""

from __future__ import annotations

import bisect
import re
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from kho.core.text import fold_vi, nfc

# Emphasis spans that wrap over a line break are joined, so a header field split by the Markdown
# conversion (``**CỘNG\nHÒA …**``, ``*Hà Nội, ngày 15\ntháng 11 năm 2025*``) comes back as one line.
_INNER_EMPHASIS = re.compile(r"(?<=[^\W_])\*+(?=[^\W_])")
_BOLD_SPAN = re.compile(r"\*\*([^*]{1,240}?)\*\*")
_ITALIC_SPAN = re.compile(r"(?<!\*)\*(?!\*)([^*]{1,240}?)(?<!\*)\*(?!\*)")
_MAX_JOINED_BREAKS = 4
# The Party header's centred "*" (Markdown "*****") would pair with the emphasis markers around it.
_STAR_LINE = re.compile(r"^[ \t]*\*{3,}[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"[-=_.~\s]*")
_MARKUP = re.compile(r"[|#]+")
_SPACE = re.compile(r"\s+")
_INVISIBLE: dict[int, str | None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
# Tesseract often reads Đ/đ as the Icelandic eth (Ð U+00D0, ð U+00F0), which looks the same.
_INVISIBLE |= {0x00D0: "\u0110", 0x00F0: "\u0111"}
# ... and slashes as the fraction or division slash (⁄ U+2044, ∕ U+2215).
_INVISIBLE |= {0x2044: "/", 0x2215: "/"}
_UPPER_RATIO = 0.8


@dataclass(frozen=True, slots=True)
class Line:
    """One cleaned line of the document.

    Attributes:
        text: the printed text, NFC, markup removed, white space collapsed; "" for a separator (blank line,
            table cell border or horizontal rule).
        folded: ``fold_same_length(text)``: lower case, no diacritics, same length as ``text``.
        bold: the whole line was Markdown bold (``**…**``); always False for OCR text.
    """

    text: str
    folded: str
    bold: bool

    @property
    def is_separator(self) -> bool:
        """True for a blank line, a table border or a horizontal rule."""
        return not self.text


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = fold_vi(char)
    return folded if len(folded) == 1 else "?"


def fold_same_length(text: str) -> str:
    """Fold ``text`` like :func:`kho.core.text.fold_vi`, keeping one output character per input character.

    Characters whose folding would change the length (for example ``ß`` -> ``ss``) become ``?``, so offsets
    found in the folded string can be used to slice the printed string.

    Args:
        text: NFC text.

    Returns:
        The folded text, ``len(result) == len(text)``.
    """
    return "".join(_fold_char(char) for char in text)


def _join_span(match: re.Match[str]) -> str:
    body = match.group(0)
    pieces = match.group(1).split("\n")
    # Only a span whose every piece has text is joined: "**\n**" or "**\n|\n**" come from markers that
    # Markdown conversion left unbalanced, not from a field wrapped over two lines.
    if 1 < len(pieces) <= _MAX_JOINED_BREAKS + 1 and all(_has_word(piece) for piece in pieces):
        return body.replace("\n", " ")
    return body


def _has_word(text: str) -> bool:
    return any(char.isalnum() for char in text) and "|" not in text


def _clean_line(raw: str) -> str:
    text = raw.replace("*", "")
    text = _MARKUP.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    if _RULE.fullmatch(text):
        return ""
    return text


def _is_bold(raw: str) -> bool:
    stripped = raw.strip()
    return len(stripped) > 4 and stripped.startswith("**") and stripped.endswith("**")


def split_lines(text: str) -> list[Line]:
    """Split an NFC text into cleaned :class:`Line` objects, collapsing runs of separators.

    Args:
        text: the document text, already NFC-normalised.

    Returns:
        The lines in reading order; separators are kept (one per run) because they delimit header fields.
    """
    text = text.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\t", " ").replace("\xa0", " ")
    text = _STAR_LINE.sub("", text)
    text = _INNER_EMPHASIS.sub("", text)
    text = _BOLD_SPAN.sub(_join_span, text)
    text = _ITALIC_SPAN.sub(_join_span, text)
    lines: list[Line] = []
    for raw in text.split("\n"):
        cleaned = _clean_line(raw)
        if not cleaned and (not lines or lines[-1].is_separator):
            continue
        lines.append(Line(cleaned, fold_same_length(cleaned), _is_bold(raw) and bool(cleaned)))
    while lines and lines[-1].is_separator:
        lines.pop()
    return lines


def prepare(text: str) -> list[Line]:
    """NFC-normalise ``text`` and split it into lines (see :func:`split_lines`).

    Args:
        text: any string.

    Returns:
        The cleaned lines.
    """
    return split_lines(nfc(text))


def is_upper(text: str) -> bool:
    """True when at least 80 % of the letters of ``text`` are upper case (a lone letter: when it is).

    Args:
        text: printed text.

    Returns:
        Whether the text reads as an upper-case heading or stamp.
    """
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 2:
        return bool(letters) and letters[0].isupper()
    upper = sum(1 for char in letters if char.isupper())
    return upper >= _UPPER_RATIO * len(letters)


def has_diacritics(text: str) -> bool:
    """True when ``text`` carries any Vietnamese diacritic or đ/Đ (OCR that lost them returns False)."""
    return fold_same_length(text) != text.lower()


# A word made only of these is an OCR speck (dust, a stamp edge), never part of a header field; "-" and "/"
# are kept because they carry meaning ("2025 - 2030", "V/v").
_SPECK = re.compile(r"(?<!\S)[:;._…,'\"“”‘’ˆ`´~|•»«]+(?!\S)")


def drop_specks(text: str | None) -> str | None:
    """Remove OCR speck words from a field value and collapse the spaces left behind."""
    if text is None:
        return None
    return _SPACE.sub(" ", _SPECK.sub(" ", text)).strip() or None


# Marks of the Vietnamese alphabet, decomposed: tones (grave, acute, tilde, hook, dot below) and vowel marks
# (circumflex, breve, horn). A letter with any other mark (Ï, Ø, Å) is not Vietnamese: OCR invented it.
_VI_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
_VI_BASES = frozenset(string.ascii_lowercase + "đ")
_MIN_LETTER_SHARE = 0.7


def is_garbled(text: str) -> bool:
    """True for OCR debris: under 70 % of the visible characters are letters, or a letter is not Vietnamese.

    A red seal or a blue signature read as text gives such lines (``“55% ÏNH Đề``, ``ế ;)``).

    Args:
        text: one printed line, NFC.

    Returns:
        Whether the line is debris rather than words.
    """
    visible = [char for char in text if not char.isspace()]
    letters = [char for char in visible if char.isalpha()]
    if not visible or len(letters) < _MIN_LETTER_SHARE * len(visible):
        return True
    for letter in letters:
        decomposed = unicodedata.normalize("NFD", letter)
        if decomposed[0].lower() not in _VI_BASES or not _VI_MARKS.issuperset(decomposed[1:]):
            return True
    return False


def collapse(text: str) -> str:
    """Collapse white space and strip the surrounding punctuation that header fields never end with."""
    return _SPACE.sub(" ", text).strip(" \t\n:;,.-–_~")


class Flat(NamedTuple):
    """Lines joined by single spaces, with the folded copy and each line's start offset."""

    text: str
    folded: str
    line_starts: list[int]

    def line_at(self, offset: int) -> int:
        """Index of the line that holds character ``offset``."""
        return max(0, bisect.bisect_right(self.line_starts, offset) - 1)


def flatten(lines: list[Line], separator: str = "") -> Flat:
    """Join lines with spaces so that a field wrapped over lines reads as one string.

    Args:
        lines: the lines to join.
        separator: text standing for a separator line (``"|"`` keeps table cells apart).

    Returns:
        The joined text, its folded copy (same offsets) and the start offset of every line.
    """
    starts: list[int] = []
    pieces: list[str] = []
    offset = 0
    for line in lines:
        piece = line.text or separator
        starts.append(offset)
        pieces.append(piece)
        offset += len(piece) + 1
    text = " ".join(pieces)
    return Flat(text, fold_same_length(text), starts)
