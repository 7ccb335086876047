"""Draw the handover documents and the readiness report as XLSX (openpyxl), one workbook per document.

Input is ``kho.handover.layout.model`` data only. Each sheet starts with a title block, then a bold,
wrapped header row and the data rows; totals follow in one cell (the records importer skips that line).
Workbooks are write-only: rows go to disk as they are added, so a fonds of a million documents is never
held as cells in memory (issue #5; a normal workbook took 3 MB per 1,000 rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kho.handover.layout.model import (
    DocumentInventory,
    HandoverRecord,
    ReadinessReport,
    RecordInventory,
    SecretList,
)

__all__ = [
    "document_inventory_xlsx",
    "handover_record_xlsx",
    "readiness_xlsx",
    "record_inventory_xlsx",
    "secret_list_xlsx",
]

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")
Cell = str | int | None


def _sheet(title: str, widths: Sequence[int], workbook: Workbook | None = None) -> tuple[Workbook, Worksheet]:
    """A new sheet (in a new write-only workbook unless one is given) with its column widths set."""
    workbook = workbook or Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return workbook, sheet


def _cell(
    sheet: Worksheet, value: Cell, font: Font | None = None, alignment: Alignment | None = None
) -> Any:  # a Cell; WriteOnlyCell is a factory
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _title(sheet: Worksheet, title: str, lines: Sequence[str]) -> None:
    sheet.append([_cell(sheet, title, _TITLE)])
    for line in lines:
        sheet.append([line])
    sheet.append([])


def _table(sheet: Worksheet, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    sheet.append([_cell(sheet, column, _BOLD, _WRAP) for column in columns])
    for row in rows:
        sheet.append([_cell(sheet, None if value == "" else value, alignment=_WRAP) for value in row])


def _bold_line(sheet: Worksheet, text: str) -> None:
    sheet.append([_cell(sheet, text, _BOLD)])


def handover_record_xlsx(doc: HandoverRecord, path: Path) -> Path:
    """The handover record as one column of lines, in the order of the PDF."""
    workbook, sheet = _sheet("Biên bản giao nhận", [110])
    motto = (
        ["ĐẢNG CỘNG SẢN VIỆT NAM"]
        if doc.party_header
        else [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
        ]
    )
    lines = [doc.issuer.parent_name.upper(), doc.issuer.agency_name.upper(), *motto, doc.place_date, ""]
    for line in filter(None, lines):
        sheet.append([line])
    _bold_line(sheet, doc.title)
    _bold_line(sheet, doc.subtitle)
    body: list[str] = [*doc.legal_basis, "Chúng tôi gồm:"]
    for label, party in (("BÊN GIAO", doc.giver), ("BÊN NHẬN", doc.receiver)):
        body += [
            f"{label}: {party.agency_name}",
            f"Đại diện là ông (bà): {party.representative or '…'}",
            f"Chức vụ công tác/chức danh: {party.position or '…'}",
        ]
    body += [doc.fonds_line, doc.time_span, "3. Số lượng tài liệu:", *[f"- {q}" for q in doc.quantity_lines]]
    body += ["4. Tình trạng tài liệu giao nộp:", *[f"- {c}" for c in doc.condition_lines]]
    body += [doc.inventory_line, doc.root_hash_line, doc.closing, ""]
    body += [f"ĐẠI DIỆN BÊN GIAO: {doc.giver.representative}", f"ĐẠI DIỆN BÊN NHẬN: {doc.receiver.representative}"]
    for line in body:
        sheet.append([_cell(sheet, line, alignment=_WRAP)])
    workbook.save(path)
    return path


def record_inventory_xlsx(doc: RecordInventory, path: Path) -> Path:
    """The inventory of records: the seven ND30 columns and the total line."""
    workbook, sheet = _sheet("Mục lục hồ sơ", [7, 14, 60, 22, 14, 12, 30])
    _title(sheet, doc.title, doc.heading_lines)
    rows: Iterator[list[Cell]] = (
        [r.seq, r.file_number, r.title, r.period, r.retention, r.sheets_pages, r.note] for r in doc.rows
    )
    _table(sheet, doc.columns, rows)
    sheet.append([])
    _bold_line(sheet, doc.total_line)
    workbook.save(path)
    return path


def document_inventory_xlsx(doc: DocumentInventory, path: Path) -> Path:
    """The document lists: one heading line per record, then its rows and its total."""
    workbook, sheet = _sheet("Mục lục văn bản", [7, 20, 14, 60, 30, 12, 24])
    _title(sheet, doc.title, doc.heading_lines)
    for record in doc.records:
        _bold_line(sheet, record.heading)
        rows: Iterator[list[Cell]] = (
            [r.seq, r.number_symbol, r.date, r.type_and_subject, r.author, r.pages, r.note] for r in record.rows
        )
        _table(sheet, doc.columns, rows)
        sheet.append([record.total_line])
        sheet.append([])
    _bold_line(sheet, doc.total_line)
    workbook.save(path)
    return path


def secret_list_xlsx(doc: SecretList, path: Path) -> Path:
    """The list of documents stamped with a secrecy level."""
    workbook, sheet = _sheet("Tài liệu mật", [7, 30, 20, 14, 60, 14])
    _title(sheet, doc.title, doc.heading_lines)
    rows: Iterator[list[Cell]] = (
        [r.seq, f"{r.file_code} / {r.ordinal}", r.number_symbol, r.date, r.type_and_subject, r.level] for r in doc.rows
    )
    _table(sheet, doc.columns, rows)
    sheet.append([])
    _bold_line(sheet, doc.total_line)
    if doc.withheld_text:
        sheet.append([doc.withheld_text])
    workbook.save(path)
    return path


def readiness_xlsx(report: ReadinessReport, path: Path) -> Path:
    """The readiness report: a summary sheet, then one sheet per check."""
    workbook, sheet = _sheet("Tổng hợp", [60, 16])
    _title(sheet, report.title, report.heading_lines)
    _table(sheet, ["Nội dung kiểm tra", "Số lượng"], [[s.title, s.count] for s in report.sections])
    sheet.append([])
    _bold_line(sheet, report.summary_line)
    for section in report.sections:
        widths = [40 if index == 2 else 22 for index in range(1, len(section.columns) + 1)]
        _, tab = _sheet(section.key, widths, workbook)
        _title(tab, section.title, [])
        _table(tab, section.columns, section.rows)
        if section.more_text:
            tab.append([section.more_text])
    workbook.save(path)
    return path
