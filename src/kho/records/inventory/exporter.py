"""Export the "Mục lục hồ sơ" of one fonds to XLSX or CSV (standards.md §4).

Columns: the seven of the ND30 form (Số TT | Số, ký hiệu hồ sơ | Tiêu đề hồ sơ | Thời gian tài liệu | Thời
hạn bảo quản | Số tờ/Số trang | Ghi chú), then every column ``kho import records`` reads (Mã phông, Mã hồ
sơ, …, Độ mật), so an export imports back without loss. Rows are ordered by file code; the total follows in
figures and in words. Streaming: the queryset is read with ``.iterator()`` and XLSX is written in openpyxl's
write-only mode, so memory stays flat for a million records.

The file is written to a temporary name and moved into place; then one ``access`` event is recorded. If the
event cannot be recorded the file is removed: no export leaves the archive unlogged.
"""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core import codetables as ct
from kho.core.exceptions import BadInputError
from kho.core.numwords import number_to_vietnamese_words
from kho.records.inventory import values as v
from kho.records.inventory.columns import EXPORT_COLUMNS
from kho.records.inventory.rowparse import SECRECY_NAMES
from kho.records.models import Fonds

__all__ = ["ExportFormat", "ExportResult", "default_output_name", "export_inventory", "total_line"]

Progress = Callable[[int], None]
CHUNK = 2000
PROGRESS_EVERY = 1000
_FIELDS = (
    "file_code",
    "file_number",
    "title",
    "start_date",
    "end_date",
    "maintenance",
    "number_of_paper",
    "number_of_page",
    "description",
    "mode",
    "secrecy_level",
    "language",
    "keyword",
    "total_doc",
    "format",
    "infor_sign",
    "confidence_level",
    "paper_file_code",
    "risk_recovery",
    "risk_recovery_status",
    "storage_room",
    "shelf",
    "box",
    "compiled_by",
)
_WIDTHS = {
    "seq": 7,
    "file_number": 14,
    "title": 60,
    "period": 22,
    "maintenance": 14,
    "sheets_pages": 12,
    "description": 30,
    "file_code": 28,
    "fonds_name": 30,
}
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


class ExportFormat(StrEnum):
    """Output formats of ``kho export inventory``."""

    XLSX = "xlsx"
    CSV = "csv"


@dataclass(slots=True)
class ExportResult:
    """What was written."""

    fonds: str
    format: str
    path: Path
    records: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "fonds": self.fonds,
            "format": self.format,
            "path": str(self.path),
            "records": self.records,
            "sha256": self.sha256,
        }


def default_output_name(fonds_code: str, fmt: str) -> str:
    """``muc-luc-<fonds>.<ext>``, with characters unsafe in file names replaced by "-"."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-" for ch in fonds_code)
    return f"muc-luc-{safe.strip('.') or 'phong'}.{fmt}"


Getter = Callable[[int, dict[str, Any]], Any]


def _constant(value: str) -> Getter:
    return lambda seq, record: value


def _field(key: str) -> Getter:
    return lambda seq, record: record[key]


def _labelled(key: str, table: dict[str, str]) -> Getter:
    """The code-table label of ``key`` ("Vĩnh viễn" for 01): people read it, ``parse_code`` reads it back."""
    return lambda seq, record: table.get(record[key], record[key]) if record[key] else ""


def _row_values(fonds: Fonds, *, words: bool) -> dict[str, Getter]:
    """Column key → cell value from (sequence number, record values); ``words``: "12 tờ/30 trang"."""
    getters: dict[str, Getter] = {
        "seq": lambda seq, r: seq,
        "period": lambda seq, r: v.format_period(r["start_date"], r["end_date"]),
        "sheets_pages": lambda seq, r: v.format_sheets_pages(r["number_of_paper"], r["number_of_page"], words=words),
        "start_date": lambda seq, r: v.format_date(r["start_date"]),
        "end_date": lambda seq, r: v.format_date(r["end_date"]),
        "secrecy_level": lambda seq, r: SECRECY_NAMES[str(r["secrecy_level"])][0],
        "language": lambda seq, r: ", ".join(ct.LANGUAGE.get(c, c) for c in r["language"].split(",") if c),
        "risk_recovery": lambda seq, r: _("Có") if r["risk_recovery"] else _("Không"),
        "fonds_code": _constant(fonds.code),
        "fonds_name": _constant(fonds.name),
        "agency_code": _constant(fonds.agency.code),
        "maintenance": _labelled("maintenance", ct.RETENTION),
        "mode": _labelled("mode", ct.ACCESS_MODE),
        "format": _labelled("format", ct.PHYSICAL_STATE),
        "confidence_level": _labelled("confidence_level", ct.CONFIDENCE_LEVEL),
        "risk_recovery_status": _labelled("risk_recovery_status", ct.RISK_RECOVERY_STATUS),
    }
    for column in EXPORT_COLUMNS:
        getters.setdefault(column.key, _field(column.key))
    return getters


def _rows(fonds: Fonds, progress: Progress | None, *, csv_safe: bool = False) -> Iterator[list[Any]]:
    values = _row_values(fonds, words=csv_safe)
    getters = [values[column.key] for column in EXPORT_COLUMNS]
    records = fonds.records.order_by("file_code").values(*_FIELDS).iterator(chunk_size=CHUNK)
    for seq, record in enumerate(records, start=1):
        yield [getter(seq, record) for getter in getters]
        if progress and seq % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)


def total_line(count: int) -> str:
    """The total line, e.g. "Tổng số: 15 hồ sơ. Viết bằng chữ: mười lăm hồ sơ." (one cell; import skips it)."""
    return _("Tổng số: %(count)s hồ sơ. Viết bằng chữ: %(words)s hồ sơ.") % {
        "count": count,
        "words": number_to_vietnamese_words(count),
    }


def _write_csv(handle: Any, fonds: Fonds, progress: Progress | None) -> int:
    writer = csv.writer(handle)
    writer.writerow([column.header for column in EXPORT_COLUMNS])
    count = 0
    for row in _rows(fonds, progress, csv_safe=True):
        writer.writerow(row)
        count += 1
    writer.writerow([total_line(count)])
    return count


def _title_block(sheet: WriteOnlyWorksheet, fonds: Fonds) -> None:
    title = WriteOnlyCell(sheet, _("MỤC LỤC HỒ SƠ"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([_("Phông: %(name)s (mã phông %(code)s)") % {"name": fonds.name, "code": fonds.code}])
    sheet.append([_("Cơ quan: %(name)s (mã %(code)s)") % {"name": fonds.agency.name, "code": fonds.agency.code}])
    sheet.append([_("Lập ngày %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}])
    sheet.append([])


def _write_xlsx(path: Path, fonds: Fonds, progress: Progress | None) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Mục lục hồ sơ"))
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column.key, 16)
    _title_block(sheet, fonds)
    header = []
    for column in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font, cell.alignment = _BOLD, _WRAP
        header.append(cell)
    sheet.append(header)
    title_index = [c.key for c in EXPORT_COLUMNS].index("title")
    count = 0
    for values in _rows(fonds, progress):
        row: list[Any] = [None if value == "" else value for value in values]  # openpyxl skips None: ~2x faster
        title = WriteOnlyCell(sheet, row[title_index])
        title.alignment = _WRAP
        row[title_index] = title
        sheet.append(row)
        count += 1
    sheet.append([])
    total = WriteOnlyCell(sheet, total_line(count))
    total.font = _BOLD
    sheet.append([total])
    workbook.save(path)
    return count


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


def export_inventory(
    fonds: Fonds, fmt: str, out_path: Path, *, agent: str = log.SYSTEM_AGENT, progress: Progress | None = None
) -> ExportResult:
    """Write the inventory of ``fonds`` to ``out_path`` (replaced if it exists) and record an access event.

    Raises:
        BadInputError: unknown format, or the output cannot be written (missing folder, no permission).
    """
    if fmt not in {member.value for member in ExportFormat}:
        raise BadInputError(_("Định dạng “%(format)s” không hỗ trợ; dùng xlsx hoặc csv."), format=fmt)
    if not out_path.parent.is_dir():
        raise BadInputError(
            _("Không ghi được %(path)s: thư mục %(folder)s không tồn tại."),
            path=str(out_path),
            folder=str(out_path.parent),
        )
    # A hidden name beside the target (same file system, so the final move is atomic); normal permissions.
    tmp = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex}.tmp")
    try:
        count = _write(tmp, fmt, fonds, progress)
        tmp.replace(out_path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise BadInputError(
            _("Không ghi được %(path)s: %(reason)s."), path=str(out_path), reason=error.strerror or type(error).__name__
        ) from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    result = ExportResult(fonds.code, fmt, out_path, count, _sha256(out_path))
    _record_access(result, agent, out_path)
    return result


def _write(path: Path, fmt: str, fonds: Fonds, progress: Progress | None) -> int:
    if fmt == ExportFormat.CSV:
        with path.open("x", encoding="utf-8-sig", newline="") as stream:
            return _write_csv(stream, fonds, progress)
    return _write_xlsx(path, fonds, progress)


def _record_access(result: ExportResult, agent: str, out_path: Path) -> None:
    try:
        with transaction.atomic():
            log.append(
                EventType.ACCESS,
                agent=agent,
                object_type="fonds",
                object_id=result.fonds,
                detail="inventory exported",
                data={
                    "format": result.format,
                    "records": result.records,
                    "file": out_path.name,
                    "sha256": result.sha256,
                },
            )
    except BaseException:
        out_path.unlink(missing_ok=True)
        raise
