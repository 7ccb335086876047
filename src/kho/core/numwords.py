"""Vietnamese number words, for totals "viết bằng chữ" in inventories and handover records (standards.md §4).

Pure module (no Django import). Follows the reading used in administrative and banking documents:
``105`` → "một trăm linh năm", ``1 050 000`` → "một triệu không trăm năm mươi nghìn"; a zero group inside
a number is skipped, and the group after it is read in full ("không trăm …"). Units after "mươi" read
"mốt" (1), "tư" (4) and "lăm" (5); after "mười" only 5 changes ("mười lăm"). "nghìn" and "tỷ" are used
(not the southern "ngàn", "tỉ").
"""

from __future__ import annotations

__all__ = ["number_to_vietnamese_words"]

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 1_000_000_000
_GROUPS = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))


def number_to_vietnamese_words(number: int) -> str:
    """Return ``number`` (an integer ≥ 0) written in Vietnamese words, in lower case.

    >>> number_to_vietnamese_words(21)
    'hai mươi mốt'

    Raises:
        TypeError: ``number`` is not an ``int`` (``bool`` included).
        ValueError: ``number`` is negative.
    """
    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError("number must be an int")
    if number < 0:
        raise ValueError("number must not be negative")
    if number == 0:
        return _DIGITS[0]
    return _read(number, leading=True)


def _read(number: int, *, leading: bool) -> str:
    """Read ``number`` > 0; above a billion the part before "tỷ" is read recursively ("một nghìn tỷ")."""
    if number >= _BILLION:
        high, low = divmod(number, _BILLION)
        words = f"{_read(high, leading=leading)} tỷ"
        return f"{words} {_read_below_billion(low, leading=False)}" if low else words
    return _read_below_billion(number, leading=leading)


def _read_below_billion(number: int, *, leading: bool) -> str:
    parts: list[str] = []
    for size, unit in _GROUPS:
        group = number // size % 1000
        if group == 0:
            continue
        words = _read_triple(group, full=not leading)
        parts.append(f"{words} {unit}" if unit else words)
        leading = False
    return " ".join(parts)


def _read_triple(number: int, *, full: bool) -> str:
    """Read 1..999; ``full`` reads the hundreds even when zero ("không trăm linh năm")."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", _DIGITS[units]] if words else [_DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGITS[units]))
    return " ".join(words)
