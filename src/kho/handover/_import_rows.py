"""Columns of the reorganization table and the parsing of one row (checks that one row can make alone).

Real reorganizations arrive as tables of a decision: one row per old agency → new agency. Headers match
accent-, case- and punctuation-insensitively (``kho.records.inventory.columns``), so "CƠ QUAN CŨ (MÃ)" and
"Mã cơ quan cũ" are the same column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kho.agencies.models import RelationKind, validate_agency_code
from kho.records.inventory import values as v
from kho.records.inventory.columns import Column
from kho.records.inventory.rowparse import RowParser

__all__ = ["KIND_NAMES", "REORGANIZATION_COLUMNS", "ReorganizationRow", "parse_row"]

REORGANIZATION_COLUMNS: tuple[Column, ...] = (
    Column("old_code", "Cơ quan cũ (mã)", ("Mã cơ quan cũ", "Cơ quan cũ", "Mã cũ"), required=True, max_length=35),
    Column("old_name", "Tên cơ quan cũ", ("Tên cũ",), max_length=300),
    Column(
        "new_code",
        "Cơ quan mới (mã)",
        ("Mã cơ quan mới", "Cơ quan mới", "Cơ quan kế thừa (mã)", "Cơ quan kế thừa", "Mã mới"),
        max_length=35,
    ),
    Column("new_name", "Tên cơ quan mới", ("Tên mới", "Tên cơ quan kế thừa"), max_length=300),
    Column("kind", "Hình thức", ("Hình thức sắp xếp", "Hình thức sắp xếp tổ chức"), required=True),
    Column("effective_date", "Ngày hiệu lực", ("Ngày có hiệu lực", "Hiệu lực từ ngày"), required=True),
    Column(
        "decision_number",
        "Số quyết định",
        ("Số QĐ", "Số, ký hiệu quyết định", "Quyết định số", "Căn cứ"),
        required=True,
        max_length=100,
    ),
    Column("decision_date", "Ngày quyết định", ("Ngày QĐ", "Ngày ban hành quyết định")),
    Column("issuing_body", "Cơ quan ban hành", ("Cơ quan ban hành quyết định", "Cấp quyết định"), max_length=300),
    Column("receiver", "Cơ quan nhận phông", ("Cơ quan nhận phông (mã)", "Mã cơ quan nhận phông"), max_length=35),
    Column("note", "Ghi chú", ("note",), max_length=2000),
)

KIND_NAMES: dict[str, tuple[str, ...]] = {
    RelationKind.MERGE: ("Sáp nhập", "Hợp nhất", "Sáp nhập, hợp nhất", "Hợp nhất, sáp nhập", "merge"),
    RelationKind.SPLIT: ("Chia", "Tách", "Chia, tách", "Chia tách", "split"),
    RelationKind.DISSOLVE: ("Giải thể", "dissolve"),
    RelationKind.RENAME: ("Đổi tên", "rename"),
    RelationKind.TRANSFER: ("Chuyển giao", "Chuyển giao quản lý", "transfer"),
}
_KIND_CHOICES = [(str(kind), names) for kind, names in KIND_NAMES.items()]


@dataclass(frozen=True, slots=True)
class ReorganizationRow:
    """The values of one row; ``kind`` is "" when the cell could not be read (a problem was recorded)."""

    number: int
    old_code: str
    new_code: str
    new_name: str
    kind: str
    effective_date: dt.date | None
    decision_number: str
    decision_date: dt.date | None
    issuing_body: str
    receiver: str
    note: str

    def group_key(self) -> tuple[str, str, str]:
        """Rows of one event share a key: a merge is keyed by its new agency, every other kind by its old one."""
        agency = self.new_code if self.kind == RelationKind.MERGE else self.old_code
        return self.kind, self.decision_number, agency


def _code(p: RowParser, key: str) -> str:
    """An agency code, upper-cased first (codes are [0-9A-Z.]; "h49.64" is a typing slip, not another code)."""
    value = p.row.get(key).upper()
    if value:
        try:
            validate_agency_code(value)
        except ValidationError as error:
            p.problem(key, "; ".join(error.messages))
    return value


def parse_row(p: RowParser) -> ReorganizationRow:
    """The typed values of one row; what the row alone shows to be wrong goes to the parser's sink."""
    kind = p.parse("kind", lambda text: v.parse_choice(_KIND_CHOICES, text), "")
    row = ReorganizationRow(
        number=p.row.number,
        old_code=_code(p, "old_code"),
        new_code=_code(p, "new_code"),
        new_name=p.text("new_name"),
        kind=kind,
        effective_date=p.parse("effective_date", v.parse_date, None),
        decision_number=p.required("decision_number"),
        decision_date=p.parse("decision_date", v.parse_date, None),
        issuing_body=p.text("issuing_body"),
        receiver=_code(p, "receiver"),
        note=p.text("note"),
    )
    p.text("old_name")
    for key in ("old_code", "kind", "effective_date"):
        if not p.row.get(key):
            p.problem(key, _("thiếu giá trị bắt buộc"))
    if kind == RelationKind.RENAME:
        if not row.new_name:
            p.problem("new_name", _("đổi tên cần tên mới"))
        if row.new_code and row.new_code != row.old_code:
            p.problem(
                "new_code",
                _("đổi tên giữ nguyên mã cơ quan; nếu đổi cả mã, dùng hình thức hợp nhất (sáp nhập)"),
            )
    elif kind and kind != RelationKind.DISSOLVE and not row.new_code:
        p.problem("new_code", _("thiếu cơ quan mới"))
    return row
