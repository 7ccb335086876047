"""Parsing and formatting of cell values: TT05 dates and periods, code tables, numbers, flags.

Every parser takes a cleaned (NFC, trimmed) string and returns a value or raises ``ValueProblem`` (dates:
its subclass ``DateParseError``) whose message says what is wrong in Vietnamese; nothing else escapes.
Formatters are the inverse, so an exported inventory imports back to the same values.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from kho.core.text import fold_vi

__all__ = [
    "DateParseError",
    "Period",
    "ValueProblem",
    "format_date",
    "format_period",
    "format_sheets_pages",
    "parse_bool",
    "parse_choice",
    "parse_code",
    "parse_date",
    "parse_int",
    "parse_languages",
    "parse_period",
    "parse_sheets_pages",
]

MIN_YEAR = 1000
MAX_INT = 9_999_999_999  # TT05 "Number 10"

# DD/MM/YYYY, MM/YYYY, YYYY (TT05 §2.2); "." and "-" also separate day, month and year. ASCII digits only.
_DMY = re.compile(r"([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})")
_MY = re.compile(r"([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})")
_Y = re.compile(r"([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_RANGE_SEPARATOR = re.compile(r"\s*(?:[-–—]|\bđến\b|\bto\b)\s*")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SHEETS_PAGES = re.compile(r"(?P<sheets>[0-9]{1,10})?\s*(?:to)?\s*(?:/\s*(?P<pages>[0-9]{1,10})?\s*(?:trang)?)?")

Period = tuple[dt.date, dt.date]


class ValueProblem(ValueError):
    """A cell value cannot be used; ``str(error)`` is the reason shown to the user."""


class DateParseError(ValueProblem):
    """A date or period is not in a TT05 form (DD/MM/YYYY, MM/YYYY, YYYY) or is not a real date."""


def _bad_date(text: str) -> DateParseError:
    return DateParseError(_("ngày “%(value)s” không hợp lệ: cần DD/MM/YYYY, MM/YYYY hoặc YYYY") % {"value": text[:40]})


def _make(text: str, year: int, month: int, day: int) -> dt.date:
    if year < MIN_YEAR:
        raise _bad_date(text)
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise _bad_date(text) from error


def _match_single(text: str) -> Period | None:
    """The first and last day of one DD/MM/YYYY, MM/YYYY or YYYY value; None if ``text`` has none of those forms.

    Raises:
        DateParseError: the form fits but the date does not exist (31/02/2020, month 13, year < 1000).
    """
    if match := _ISO.fullmatch(text):
        day = _make(text, int(match[1]), int(match[2]), int(match[3]))
        return day, day
    if match := _DMY.fullmatch(text):
        day = _make(text, int(match[3]), int(match[2]), int(match[1]))
        return day, day
    if match := _MY.fullmatch(text):
        year, month = int(match[2]), int(match[1])
        first = _make(text, year, month, 1)
        return first, first.replace(day=calendar.monthrange(year, month)[1])
    if match := _Y.fullmatch(text):
        year = int(match[1])
        return _make(text, year, 1, 1), _make(text, year, 12, 31)
    return None


def _single_period(text: str) -> Period:
    period = _match_single(text)
    if period is None:
        raise _bad_date(text)
    return period


def parse_date(text: str, *, end: bool = False) -> dt.date:
    """Parse one TT05 date; a month or year means its first day, or its last day when ``end``.

    Raises:
        DateParseError: not a date in a TT05 form.
    """
    first, last = _single_period(text.strip())
    return last if end else first


def parse_period(text: str) -> Period:
    """Parse "Thời gian tài liệu": one date ("2020", "03/2020") or a range ("01/2020 - 12/2020", "2020-2021").

    Returns the first day of the start and the last day of the end.

    Raises:
        DateParseError: neither a date nor a range of two dates, or the range runs backwards.
    """
    text = text.strip()
    single = _match_single(text)
    if single is not None:
        return single
    for match in _RANGE_SEPARATOR.finditer(text):
        left, right = text[: match.start()], text[match.end() :]
        try:
            start, end = _single_period(left)[0], _single_period(right)[1]
        except DateParseError:
            continue
        if start > end:
            raise DateParseError(_("thời gian “%(value)s” có ngày bắt đầu sau ngày kết thúc") % {"value": text[:40]})
        return start, end
    raise _bad_date(text)


def format_date(value: dt.date | None) -> str:
    """DD/MM/YYYY, or "" for None."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_period(start: dt.date | None, end: dt.date | None) -> str:
    """The shortest text that ``parse_period`` reads back to the same two dates ("2020", "01/2020 - 06/2021")."""
    if start is None or end is None:
        return format_date(start or end)
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        left, right = str(start.year), str(end.year)
    elif start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
        left, right = start.strftime("%m/%Y"), end.strftime("%m/%Y")
    else:
        left, right = format_date(start), format_date(end)
    return left if left == right else f"{left} - {right}"


def parse_int(text: str) -> int:
    """A whole number 0..9 999 999 999 (TT05 "Number 10"); "12.0" from a spreadsheet is accepted.

    Raises:
        ValueProblem: not a whole number in range.
    """
    digits = text.strip().removesuffix(".0")
    if not re.fullmatch(r"[0-9]{1,10}", digits) or int(digits) > MAX_INT:
        raise ValueProblem(_("“%(value)s” không phải số nguyên không âm") % {"value": text[:40]})
    return int(digits)


def parse_sheets_pages(text: str) -> tuple[int | None, int | None]:
    """Parse "Số tờ/Số trang": "12/30", "12 tờ / 30 trang", "12/" or "/30"; a lone number is the sheet count.

    Raises:
        ValueProblem: not in one of those forms.
    """
    match = _SHEETS_PAGES.fullmatch(_fold_text(text))
    if not match or not (match["sheets"] or match["pages"]):
        raise ValueProblem(_("“%(value)s” không hợp lệ; cần dạng số tờ/số trang, ví dụ 12/30") % {"value": text[:40]})
    sheets, pages = (parse_int(v) if v else None for v in (match["sheets"], match["pages"]))
    return sheets, pages


def format_sheets_pages(sheets: int | None, pages: int | None, *, words: bool = False) -> str:
    """The inverse of ``parse_sheets_pages``: "12/30", "12/", "/30" or "".

    ``words`` gives "12 tờ/30 trang", for CSV: Excel opening a CSV turns "1/2" into a date.
    """
    if sheets is None and pages is None:
        return ""
    left = "" if sheets is None else (f"{sheets} tờ" if words else str(sheets))
    right = "" if pages is None else (f"{pages} trang" if words else str(pages))
    return f"{left}/{right}"


@functools.lru_cache(maxsize=4096)  # labels and repeated cell values ("Vĩnh viễn") fold once per import
def _fold_text(text: str) -> str:
    return fold_vi(text).strip()


@functools.lru_cache(maxsize=4096)
def _fold_key(text: str) -> str:
    return _NOT_ALNUM.sub("", fold_vi(text))


def parse_code(table: Mapping[str, str], text: str) -> str:
    """A TT05 code-table value given as its code ("01", "1"), its label ("Vĩnh viễn") or "01 - Vĩnh viễn".

    Raises:
        ValueProblem: neither a code nor a label of ``table``.
    """
    value = text.strip()
    if value.isascii() and value.isdigit() and value.zfill(2) in table:
        return value.zfill(2)
    wanted = _fold_key(value)
    for code, label in table.items():
        if wanted in {_fold_key(label), _fold_key(f"{code} - {label}")}:
            return code
    allowed = "; ".join(f"{code} {label}" for code, label in table.items())
    raise ValueProblem(_("“%(value)s” không có trong bảng mã (%(allowed)s)") % {"value": text[:40], "allowed": allowed})


def parse_choice(choices: Iterable[tuple[str, Iterable[str]]], text: str) -> str:
    """Match ``text`` (accent- and case-insensitively) to one of ``(value, names)`` and return the value.

    Raises:
        ValueProblem: no name matches.
    """
    wanted = _fold_key(text)
    names_shown: list[str] = []
    for value, names in choices:
        name_list = list(names)
        names_shown.append(name_list[0])
        if wanted in {_fold_key(value), *map(_fold_key, name_list)}:
            return value
    raise ValueProblem(
        _("“%(value)s” không hợp lệ; dùng một trong: %(allowed)s")
        % {"value": text[:40], "allowed": ", ".join(names_shown)}
    )


def parse_bool(text: str) -> bool:
    """1/0, có/không, x, true/false, yes/no.

    Raises:
        ValueProblem: none of those.
    """
    folded = _fold_key(text)
    if folded in {"1", "co", "x", "true", "yes"}:
        return True
    if folded in {"0", "khong", "false", "no"}:
        return False
    raise ValueProblem(_("“%(value)s” không hợp lệ; dùng 1 (có) hoặc 0 (không)") % {"value": text[:40]})


def parse_languages(table: Mapping[str, str], text: str) -> str:
    """One or more TT05 language codes or names separated by "," or ";" ("01; 02", "Tiếng Việt, Anh").

    Returns the codes joined by "," in the order given, without repeats.

    Raises:
        ValueProblem: a part is neither a code nor a language name.
    """
    codes: list[str] = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
        try:
            code = parse_code(table, part)
        except ValueProblem as error:
            try:
                code = parse_code(table, f"Tiếng {part}")
            except ValueProblem:
                raise error from None
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValueProblem(_("thiếu mã ngôn ngữ"))
    return ",".join(codes)
