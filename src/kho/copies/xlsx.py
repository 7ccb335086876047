"""The copy register as an XLSX register book (openpyxl; pure: rows in, bytes out).

Columns follow a paper "Sổ quản lý sao, chụp bí mật nhà nước": Số TT, Ngày sao chụp, Số/ký hiệu tài liệu,
Độ mật, Hình thức, Số bản, Người sao chụp, Mục đích, Mã băm bản sao. The labels are Vietnamese whatever
the interface language: the book is a legal register kept in Vietnamese.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

__all__ = ["COLUMNS", "RegisterRow", "register_xlsx"]

COLUMNS = (
    "Số TT",
    "Ngày sao chụp",
    "Số/ký hiệu tài liệu",
    "Độ mật",
    "Hình thức (tải về/in)",
    "Số bản",
    "Người sao chụp",
    "Mục đích",
    "Mã băm bản sao",
)
WIDTHS = (11, 18, 30, 11, 14, 8, 30, 36, 75)


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One line of the book, already as text."""

    number: str
    made_at: str
    document: str
    level: str
    kind: str
    copies: int
    user: str
    purpose: str
    digest: str


def register_xlsx(title: str, subtitle: str, rows: Sequence[RegisterRow]) -> bytes:
    """The register book: a title block, a bold header row, one row per entry; frozen below the header."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "So sao chup"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([title])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append([subtitle])
    sheet.append([])
    sheet.append(list(COLUMNS))
    for cell in sheet[4]:
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(
            [row.number, row.made_at, row.document, row.level, row.kind, row.copies, row.user, row.purpose, row.digest]
        )
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed text, never a formula (a purpose starting with "=")
    sheet.freeze_panes = "A5"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
