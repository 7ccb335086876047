"""Draw the handover documents and the readiness report as XLSX (openpyxl), one workbook per document.

Input is ``kho.handover.layout.model`` data only. Each sheet starts with a title block, then a bold,
wrapped header row and the data rows; totals follow in one cell (the records importer skips that line).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
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


def _sheet(title: str, widths: Sequence[int]) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return workbook, sheet


def _title(sheet: Worksheet, title: str, lines: Sequence[str]) -> None:
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = _TITLE
    for line in lines:
        sheet.append([line])
    sheet.append([])


def _table(sheet: Worksheet, columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    sheet.append(list(columns))
    for cell in sheet[sheet.max_row]:
        cell.font, cell.alignment = _BOLD, _WRAP
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
        for cell in sheet[sheet.max_row]:
            cell.alignment = _WRAP


def _bold_line(sheet: Worksheet, text: str) -> None:
    sheet.append([text])
    sheet.cell(sheet.max_row, 1).font = _BOLD


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
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).alignment = _WRAP
    workbook.save(path)
    return path


def record_inventory_xlsx(doc: RecordInventory, path: Path) -> Path:
    """The inventory of records: the seven ND30 columns and the total line."""
    workbook, sheet = _sheet("Mục lục hồ sơ", [7, 14, 60, 22, 14, 12, 30])
    _title(sheet, doc.title, doc.heading_lines)
    rows: list[list[Cell]] = [
        [r.seq, r.file_number, r.title, r.period, r.retention, r.sheets_pages, r.note] for r in doc.rows
    ]
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
        rows: list[list[Cell]] = [
            [r.seq, r.number_symbol, r.date, r.type_and_subject, r.author, r.pages, r.note] for r in record.rows
        ]
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
    rows: list[list[Cell]] = [
        [r.seq, f"{r.file_code} / {r.ordinal}", r.number_symbol, r.date, r.type_and_subject, r.level] for r in doc.rows
    ]
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
        tab = workbook.create_sheet(section.key[:31])
        for index in range(1, len(section.columns) + 1):
            tab.column_dimensions[get_column_letter(index)].width = 40 if index == 2 else 22
        _title(tab, section.title, [])
        _table(tab, section.columns, section.rows)
        if section.more_text:
            tab.append([section.more_text])
    workbook.save(path)
    return path
