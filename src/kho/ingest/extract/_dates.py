"""Dates: the header place-date line and the date forms used in citations.

Header (standards.md §5): ``<Địa danh>, ngày DD tháng MM năm YYYY``, padded or not, sometimes glued by OCR
(``ngày 26tháng 7 năm 2020``) or without tone marks (``Ha Noi, ngay 10 thang 4 nam 2025``). Citations also use
``ngày 10/4/2025``, Party ``ngày 06-3-2009`` and, in English renderings, ``April 10, 2025``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from kho.ingest.extract._text import Line, flatten, fold_same_length

_DIGITS = "[0-9oli]"
# On folded text.
_HEADER_DATE = re.compile(
    rf"ngay\s{{0,3}}(?P<d>{_DIGITS}{{1,2}})\s{{0,3}}thang\s{{0,3}}(?P<m>{_DIGITS}{{1,2}})"
    rf"\s{{0,3}}nam\s{{0,3}}(?P<y>{_DIGITS}{{4}})(?![0-9])"
)
_VN_LONG = re.compile(r"(?:ngay\s{0,3})?(\d{1,2})\s{0,3}thang\s{0,3}(\d{1,2})\s{0,3}nam\s{0,3}(\d{4})")
_VN_SHORT = re.compile(r"(?:ngay\s{0,3})?(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4})(?!\d)")
_MONTHS = {
    name: index
    for index, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH_NAMES = "|".join(_MONTHS)
_EN_MDY = re.compile(rf"(?:dated\s+)?(?:on\s+)?({_MONTH_NAMES})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")
_EN_DMY = re.compile(rf"(?:dated\s+)?(?:on\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAMES}),?\s+(\d{{4}})")
_DIGIT_FIXES = str.maketrans("oli", "011")
_MOTTO = re.compile(r"hanh phuc|viet nam")
_PLACE_WORDS = {"phố", "thành", "tỉnh", "xã", "huyện", "quận", "phường", "thị", "trấn", "đặc", "khu", "pho"}
_MAX_PLACE_WORDS = 6
_HEADER_LINES = 60
_MAX_DATE_LINE_TAIL = 3
_PLACE_WINDOW = 160


class PlaceDate(NamedTuple):
    """The header place and ISO date with confidences."""

    place: str | None
    place_confidence: float
    date: str | None
    date_confidence: float


def iso_date(year: int, month: int, day: int) -> str | None:
    """Return ``YYYY-MM-DD`` for a valid calendar date between 1900 and 2100, else None."""
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date_at(folded: str) -> tuple[str | None, int]:
    """Parse a Vietnamese or English date at the start of folded text.

    Accepts ``ngày 05 tháng 3 năm 2020``, ``ngày 10/4/2025``, ``ngày 06-3-2009``, ``10.4.2025``,
    ``April 10, 2025``, ``dated 10 April 2025``.

    Args:
        folded: folded (lower-case, accent-free) text starting at the date.

    Returns:
        ``(iso_date_or_None, length_consumed)``; length 0 when no date starts the text.
    """
    match = _VN_LONG.match(folded)
    if match:
        day, month, year = (int(group) for group in match.groups())
        return iso_date(year, month, day), match.end()
    match = _VN_SHORT.match(folded)
    if match:
        return iso_date(int(match.group(4)), int(match.group(3)), int(match.group(1))), match.end()
    match = _EN_MDY.match(folded)
    if match:
        return iso_date(int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2))), match.end()
    match = _EN_DMY.match(folded)
    if match:
        return iso_date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1))), match.end()
    return None, 0


def _clean_place(prefix: str) -> str | None:
    motto = _MOTTO.search(fold_same_length(prefix))
    if motto:
        prefix = prefix[motto.end() :]
    words = prefix.replace(",", " ").split()
    kept: list[str] = []
    for word in reversed(words):
        bare = word.strip(".()")
        if not bare or any(char.isdigit() for char in bare) or "/" in bare:
            break
        if not (bare[0].isupper() or bare.lower() in _PLACE_WORDS):
            break
        kept.append(word)
        if len(kept) >= _MAX_PLACE_WORDS:
            break
    while kept and kept[-1] in _PLACE_WORDS:
        kept.pop()  # a place does not start with a lower-case "phố"
    place = " ".join(reversed(kept)).strip(" .,")
    return place or None


def _header_date_confidence(printed: str, match: re.Match[str]) -> float:
    confidence = 0.95
    if not printed.lower().startswith("ngày"):
        confidence = 0.85
    if any(char in "oli" for char in match.group("d") + match.group("m") + match.group("y")):
        confidence = 0.7
    return confidence


def _is_place_prefix(line_prefix: str, previous: str, rest_of_line: str) -> bool:
    """Tell the header date (``Hà Nội, ngày …`` or ``Hà Nội ngày …``) from a body sentence with a date.

    Args:
        line_prefix: text before ``ngày`` on the date's line.
        previous: the previous line (the place may end it: ``Hà Nội,`` / ``ngày 10 tháng 4 năm 2025``).
        rest_of_line: text after the year on the date's line.
    """
    stripped = line_prefix.strip()
    if not stripped:
        return previous.rstrip().endswith(",") or len(rest_of_line.strip(" .*")) <= _MAX_DATE_LINE_TAIL
    if stripped.endswith(","):
        return True
    return _clean_place(stripped) == stripped.strip(" .")


def find_place_date(lines: list[Line], body_start: int) -> PlaceDate:
    """Find the place-date line of the header (``Hà Nội, ngày 10 tháng 4 năm 2025``).

    The header is searched as one string, so a date wrapped over two lines (``… năm`` / ``2025``) is found.

    Args:
        lines: the document lines.
        body_start: index of the first body line; the date must start before it (two lines of slack).

    Returns:
        The place and ISO date (either may be None) with their confidences.
    """
    limit = min(len(lines), body_start + 2, _HEADER_LINES)
    flat = flatten(lines[: limit + 2], separator="|")
    end = flat.line_starts[limit] if limit < len(flat.line_starts) else len(flat.text)
    for match in _HEADER_DATE.finditer(flat.folded, 0, end):
        day, month, year = (int(match.group(name).translate(_DIGIT_FIXES)) for name in ("d", "m", "y"))
        date = iso_date(year, month, day)
        if date is None:
            continue
        line = flat.line_at(match.start())
        line_start = flat.line_starts[line]
        line_end = flat.line_starts[line + 1] if line + 1 < len(flat.line_starts) else len(flat.text)
        previous = flat.text[flat.line_starts[line - 1] : line_start] if line else ""
        rest = flat.text[match.end() : max(line_end, match.end())]
        if not _is_place_prefix(flat.text[line_start : match.start()], previous, rest):
            continue
        segment_start = max(flat.text.rfind("|", 0, match.start()) + 1, match.start() - _PLACE_WINDOW)
        place = _clean_place(flat.text[segment_start : match.start()])
        confidence = _header_date_confidence(flat.text[match.start() :], match)
        return PlaceDate(place, 0.9 if place else 0.0, date, confidence)
    return PlaceDate(None, 0.0, None, 0.0)
