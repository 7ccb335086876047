"""Number and symbol (số, ký hiệu): ``Số: 15/QĐ-BNV``, ``Số: 30/2020/NĐ-CP``, Party ``Số 64-CV/TW``.

The ``Số`` prefix is found accent-insensitively and with the usual OCR confusions (``Sô``, ``S6:``, ``So :``);
the number and symbol are then read from the printed text so that ``Đ`` is returned as printed. Digits
misread as ``O``/``o``/``l``/``I`` inside the number are corrected, at a confidence cost.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kho.ingest.extract._text import Line, flatten
from kho.ingest.extract._types import symbol_has_lost_accent

# On folded text: "so", "so:", "s6", "s0 :", "s&" at a word start, followed by the number.
_PREFIX = re.compile(r"(?<![a-z0-9])s[o0-9&]\s{0,2}[:;.]?\s{0,3}['\"`\u2018\u2019,]?\s{0,2}(?=[0-9oli])")
_NUMBER = r"(?P<number>[0-9Oo][0-9OolI]{0,6})"
_SEGMENT = r"[A-ZĐ0-9][A-Za-zĐđ0-9&]*(?:\.[A-Za-zĐđ0-9&]+)*(?!\w)"
_PARTY = re.compile(
    _NUMBER + r"\s?-\s?(?P<type>[A-ZĐ][A-Za-zĐđ]*)\s?/\s?(?P<issuer>" + _SEGMENT + r"(?:-" + _SEGMENT + r")*)"
)
_STATE = re.compile(
    _NUMBER + r"\s{0,2}/\s{0,2}(?P<year>\d{4}\s?/\s?)?(?P<symbol>" + _SEGMENT + r"(?:\s?-\s?" + _SEGMENT + r")*)"
)
# A Party symbol whose slash OCR lost ("44-KLĐU"): a known Party type code glued to the issuer code.
_PARTY_NO_SLASH = re.compile(
    _NUMBER
    + r"\s?-\s?(?P<type>QĐi|CTr|TTr|KL|CV|NQ|QĐ|TB|BC|KH|HD|CT|QC|TT|ĐA|BB)(?P<issuer>[A-ZĐ]{2,6})(?![A-Za-zĐđ/])"
)
_DIGIT_FIXES = str.maketrans("OolI", "0011")
_SPACES = re.compile(r"\s+")
# Numbers may be left blank on drafts ("Số: ……/QĐ-UBND"); a symbol without number is still reported.
_HEADER_LINES = 60
_SYMBOL_WINDOW = 120


class NumberSymbol(NamedTuple):
    """The extracted number/symbol with its confidence and the index of the line it starts on."""

    number: str | None
    number_symbol: str
    confidence: float
    line_index: int


def parse_number_symbol(text: str) -> tuple[str, str, bool] | None:
    """Parse ``"15/QĐ-BNV"``, ``"30/2020/NĐ-CP"`` or ``"64-CV/TW"`` at the start of ``text``.

    Args:
        text: printed text starting with the number.

    Returns:
        ``(number, number_symbol, corrected)`` with spaces removed and O/l misreads in the number fixed,
        or None when no number/symbol starts the text.
    """
    match = _PARTY.match(text) or _STATE.match(text)
    if not match:
        glued = _PARTY_NO_SLASH.match(text)
        if not glued:
            return None
        number = glued.group("number").translate(_DIGIT_FIXES)
        return number, f"{number}-{glued.group('type')}/{glued.group('issuer')}", True
    raw_number = match.group("number")
    number = raw_number.translate(_DIGIT_FIXES)
    corrected = number != raw_number
    symbol = _SPACES.sub("", match.group(0)).rstrip(".-")
    symbol = number + symbol[len(raw_number) :]
    return number, symbol, corrected


def find_number_symbol(lines: list[Line], body_start: int) -> NumberSymbol | None:
    """Find the document's own number/symbol after the ``Số`` label in the header.

    Args:
        lines: the document lines.
        body_start: index of the first body line; the label must come before it (with two lines of slack
            for OCR that reads the right header column late).

    Returns:
        The number/symbol, or None when the header has no ``Số`` label followed by a symbol.
    """
    limit = min(len(lines), body_start + 2, _HEADER_LINES)
    flat = flatten(lines[:limit])
    text, folded = flat.text, flat.folded
    for prefix in _PREFIX.finditer(folded):
        if text[prefix.start()] != "S":
            continue  # the label is "Số"; a lower-case "số" is a citation in a sentence
        parsed = parse_number_symbol(text[prefix.end() : prefix.end() + _SYMBOL_WINDOW])
        if parsed is None:
            continue
        number, symbol, corrected = parsed
        label = text[prefix.start() : prefix.end()]
        confidence = 0.97
        if not label.startswith("Số"):
            confidence = 0.85
        if corrected:
            confidence = min(confidence, 0.7)
        if symbol_has_lost_accent(symbol):
            confidence = min(confidence, 0.6)
        return NumberSymbol(number, symbol, confidence, flat.line_at(prefix.start()))
    return None
