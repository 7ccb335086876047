"""Turn one row into model field values, collecting every problem of the row (style.md rule 13).

This module checks what one row can tell on its own: required values, lengths, dates, code tables,
numbers. Checks across rows and against the database (duplicates, stored codes, parents, fonds) are in
``importer``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kho.agencies.models import (
    AgencyLevel,
    AgencyStatus,
    PoliticalSystem,
    validate_agency_code,
    validate_legacy_code,
)
from kho.core import codetables as ct
from kho.records.inventory import values as v
from kho.records.inventory.reader import Row, Table

__all__ = ["Problem", "RowParser", "parse_agency_row", "parse_record_row"]

T = TypeVar("T")

LEVEL_NAMES = {
    AgencyLevel.CENTRAL: ("Trung ương", "TW"),
    AgencyLevel.PROVINCE: ("Cấp tỉnh", "Tỉnh", "Thành phố trực thuộc trung ương"),
    AgencyLevel.DISTRICT: ("Cấp huyện", "Huyện"),
    AgencyLevel.COMMUNE: ("Cấp xã", "Xã", "Phường", "Đặc khu"),
    AgencyLevel.OTHER: ("Khác",),
}
SYSTEM_NAMES = {
    PoliticalSystem.STATE: ("Nhà nước",),
    PoliticalSystem.PARTY: ("Đảng",),
    PoliticalSystem.MASS: ("Mặt trận, đoàn thể", "Mặt trận", "Đoàn thể", "MTTQ"),
}
STATUS_NAMES = {
    AgencyStatus.ACTIVE: ("Đang hoạt động", "Hoạt động"),
    AgencyStatus.ENDING: ("Sắp kết thúc hoạt động", "Sắp kết thúc"),
    AgencyStatus.ENDED: ("Đã kết thúc hoạt động", "Đã kết thúc", "Kết thúc"),
}
SECRECY_NAMES = {
    str(int(ct.SecrecyLevel.NONE)): ("Thường", "Không mật", "NONE"),
    str(int(ct.SecrecyLevel.MAT)): ("Mật", "MAT"),
    str(int(ct.SecrecyLevel.TOI_MAT)): ("Tối mật", "TOI_MAT"),
    str(int(ct.SecrecyLevel.TUYET_MAT)): ("Tuyệt mật", "TUYET_MAT"),
}
CLASSIFIED_MODE = "03"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: the row as the spreadsheet numbers it, the column header as written, and the reason.

    ``conflict`` marks a clash with stored data (code already stored, closed fonds) rather than bad input.
    """

    row: int
    column: str
    reason: str
    conflict: bool = False

    def __str__(self) -> str:
        return _("dòng %(row)s, cột %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"row": self.row, "column": self.column, "reason": self.reason, "conflict": self.conflict}


class RowParser:
    """Read typed values from one row; every failure is added to ``sink`` and a default is returned."""

    def __init__(self, table: Table, row: Row, sink: list[Problem]) -> None:
        self.table, self.row, self.sink = table, row, sink
        self._limits = {c.key: c.max_length for c in table.columns}

    def problem(self, key: str, reason: str, *, conflict: bool = False) -> None:
        """Record a problem in column ``key`` of this row."""
        self.sink.append(Problem(self.row.number, self.table.header(key), reason, conflict))

    def text(self, key: str) -> str:
        """The text of column ``key``; a value over the column's TT05 length is a problem."""
        value = self.row.get(key)
        limit = self._limits.get(key)
        if limit is not None and len(value) > limit:
            self.problem(key, _("dài %(length)s ký tự, tối đa %(limit)s") % {"length": len(value), "limit": limit})
        return value

    def required(self, key: str) -> str:
        """Like ``text`` but an empty value is a problem."""
        value = self.text(key)
        if not value:
            self.problem(key, _("thiếu giá trị bắt buộc"))
        return value

    def parse(self, key: str, parser: Callable[[str], T], default: T) -> T:
        """``parser(text)`` of column ``key``; ``default`` when empty or invalid (invalid is a problem)."""
        value = self.row.get(key)
        if not value:
            return default
        try:
            return parser(value)
        except v.ValueProblem as error:
            self.problem(key, str(error))
            return default

    def validated(self, key: str, validator: Callable[[str], None]) -> str:
        """The text of ``key`` after a Django validator (which checks the length too); failures are problems."""
        value = self.row.get(key)
        if value:
            try:
                validator(value)
            except ValidationError as error:
                self.problem(key, "; ".join(error.messages))
        return value


def _choice(names: dict[Any, tuple[str, ...]]) -> Callable[[str], str]:
    pairs = [(str(value), names_) for value, names_ in names.items()]
    return lambda text: v.parse_choice(pairs, text)


def _code(table: dict[str, str]) -> Callable[[str], str]:
    return lambda text: v.parse_code(table, text)


def parse_agency_row(p: RowParser) -> dict[str, Any]:
    """The Agency fields of one row, plus ``parent_code``; problems go to the parser's sink."""
    fields: dict[str, Any] = {
        "code": p.validated("code", validate_agency_code),
        "legacy_code": p.validated("legacy_code", validate_legacy_code),
        "name": p.required("name"),
        "short_name": p.text("short_name"),
        "level": p.parse("level", _choice(LEVEL_NAMES), str(AgencyLevel.OTHER)),
        "system": p.parse("system", _choice(SYSTEM_NAMES), str(PoliticalSystem.STATE)),
        "status": p.parse("status", _choice(STATUS_NAMES), str(AgencyStatus.ACTIVE)),
        "valid_from": p.parse("valid_from", v.parse_date, None),
        "valid_to": p.parse("valid_to", lambda text: v.parse_date(text, end=True), None),
        "parent_code": p.text("parent"),
    }
    if not fields["code"]:
        p.problem("code", _("thiếu giá trị bắt buộc"))
    if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
        p.problem("valid_to", _("ngày kết thúc hoạt động trước ngày bắt đầu"))
    return fields


def _dates(p: RowParser) -> tuple[dt.date | None, dt.date | None]:
    """startDate/endDate from the explicit columns when either is filled, else from "Thời gian tài liệu"."""
    no_dates: tuple[dt.date | None, dt.date | None] = (None, None)
    start, end = p.parse("period", v.parse_period, no_dates)
    explicit_start = p.parse("start_date", v.parse_date, None)
    explicit_end = p.parse("end_date", lambda text: v.parse_date(text, end=True), None)
    if p.row.get("start_date") or p.row.get("end_date"):
        for key, given, derived in (("start_date", explicit_start, start), ("end_date", explicit_end, end)):
            if given and derived and given != derived:
                p.problem(key, _("mâu thuẫn với cột “%(other)s”") % {"other": p.table.header("period")})
        start, end = explicit_start, explicit_end
    if start and end and start > end:
        p.problem("end_date" if p.row.get("end_date") else "period", _("ngày kết thúc trước ngày bắt đầu"))
    return start, end


def _counts(p: RowParser) -> tuple[int | None, int | None]:
    """numberOfPaper/numberOfPage from their own columns when filled, else from "Số tờ/Số trang"."""
    no_counts: tuple[int | None, int | None] = (None, None)
    sheets, pages = p.parse("sheets_pages", v.parse_sheets_pages, no_counts)
    result = []
    for key, derived in (("number_of_paper", sheets), ("number_of_page", pages)):
        given = p.parse(key, v.parse_int, None)
        if given is not None and derived is not None and given != derived:
            p.problem(key, _("mâu thuẫn với cột “%(other)s”") % {"other": p.table.header("sheets_pages")})
        result.append(given if given is not None else derived)
    return result[0], result[1]


def _access(p: RowParser) -> tuple[int, str]:
    """Secrecy level and access mode; a secret record must have mode 03 (standards.md §6.8)."""
    secrecy = int(p.parse("secrecy_level", _choice(SECRECY_NAMES), "0"))
    mode = p.parse("mode", _code(ct.ACCESS_MODE), "")
    if secrecy and mode and mode != CLASSIFIED_MODE:
        p.problem("mode", _("hồ sơ có độ mật phải có chế độ sử dụng 03 (Mật)"))
    return secrecy, mode or (CLASSIFIED_MODE if secrecy else "01")


def parse_record_row(p: RowParser) -> dict[str, Any]:
    """The Record fields of one row (``fonds_code``, ``fonds_name``, ``agency_code`` kept for the importer)."""
    start, end = _dates(p)
    sheets, pages = _counts(p)
    secrecy, mode = _access(p)
    fields: dict[str, Any] = {
        "fonds_code": p.required("fonds_code"),
        "fonds_name": p.text("fonds_name"),
        "agency_code": p.text("agency_code"),
        "file_code": p.required("file_code"),
        "file_number": p.text("file_number"),
        "title": p.required("title"),
        "start_date": start,
        "end_date": end,
        "number_of_paper": sheets,
        "number_of_page": pages,
        "secrecy_level": secrecy,
        "mode": mode,
        "maintenance": p.parse("maintenance", _code(ct.RETENTION), "01"),
        "language": p.parse("language", lambda text: v.parse_languages(ct.LANGUAGE, text), "01"),
        "total_doc": p.parse("total_doc", v.parse_int, 0),
        "format": p.parse("format", _code(ct.PHYSICAL_STATE), "01"),
        "confidence_level": p.parse("confidence_level", _code(ct.CONFIDENCE_LEVEL), "02"),
        "risk_recovery": p.parse("risk_recovery", v.parse_bool, False),  # noqa: FBT003 - the default value
        "risk_recovery_status": p.parse("risk_recovery_status", _code(ct.RISK_RECOVERY_STATUS), ""),
    }
    for key in (
        "keyword",
        "infor_sign",
        "paper_file_code",
        "storage_room",
        "shelf",
        "box",
        "compiled_by",
        "description",
    ):
        fields[key] = p.text(key)
    if fields["risk_recovery"] and not fields["risk_recovery_status"]:
        p.problem("risk_recovery_status", _("bắt buộc khi có chế độ dự phòng (TT05)"))
    return fields
