"""Read an XLSX or CSV file into rows of cleaned text keyed by column (style.md rules 13, 16).

The header row is the row, among the first ``HEADER_SCAN`` non-empty ones, that names the most known
columns, so a title block above it (as in an exported "Mục lục hồ sơ") is skipped. Rows that are empty in
every known column, and a total line ("Tổng số: …", a single cell), are skipped too. Every value is
NFC-normalised with ``clean()``; real Excel dates become ``DD/MM/YYYY``.

Any problem with the file itself raises one ``SpreadsheetError`` (or ``SpreadsheetNotFoundError``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from kho.core.text import clean
from kho.records.inventory.columns import Column, header_index, normalise_header
from kho.records.inventory.exceptions import SpreadsheetError, SpreadsheetNotFoundError

__all__ = ["HEADER_SCAN", "Row", "Table", "read_table"]

HEADER_SCAN = 30
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
# Everything openpyxl raises on a file that is not a sound workbook (zip, deflate, XML, missing parts).
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    KeyError,
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
)

Grid = list[tuple[int, list[str]]]


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its number as the spreadsheet shows it, and column key → cleaned text."""

    number: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        """The cleaned text of column ``key``, "" when empty or absent."""
        return self.values.get(key, "")


@dataclass(frozen=True, slots=True)
class Table:
    """A read file: its rows, which columns it has (under which header text) and its digest."""

    source: str
    sha256: str
    columns: tuple[Column, ...]
    headers: dict[str, str]
    rows: list[Row]
    header_row: int = 1
    ignored_headers: list[str] = field(default_factory=list)

    def header(self, key: str) -> str:
        """The header of column ``key`` as written in the file (the standard header if the file lacks it)."""
        if key in self.headers:
            return self.headers[key]
        return next((c.header for c in self.columns if c.key == key), key)

    def has(self, key: str) -> bool:
        """Whether the file has column ``key``."""
        return key in self.headers


def read_table(path: Path, columns: Sequence[Column]) -> Table:
    """Read ``path`` (.xlsx, .xlsm or .csv) against ``columns``.

    Raises:
        SpreadsheetNotFoundError: the file does not exist.
        SpreadsheetError: unreadable, wrong type, corrupt, empty, no header row or a required column missing.
    """
    if not path.exists():
        raise SpreadsheetNotFoundError(_("Không tìm thấy tệp %(path)s. Kiểm tra lại đường dẫn."), path=str(path))
    suffix = path.suffix.lower()
    if suffix not in XLSX_SUFFIXES and suffix != ".csv":
        raise SpreadsheetError(
            _(
                "Tệp %(name)s có đuôi “%(suffix)s”: chỉ nhận .xlsx hoặc .csv (tệp .xls cũ: mở bằng Excel rồi lưu "
                "thành .xlsx)."
            ),
            name=path.name,
            suffix=suffix or "-",
        )
    raw = _read_bytes(path)
    if not raw.strip():
        raise SpreadsheetError(_("Tệp %(name)s rỗng."), name=path.name)
    grid = _xlsx_grid(path) if suffix in XLSX_SUFFIXES else _csv_grid(path.name, raw)
    grid = [(number, cells) for number, cells in grid if any(cells)]
    if not grid:
        raise SpreadsheetError(_("Tệp %(name)s không có dữ liệu (mọi ô đều trống)."), name=path.name)
    return _build_table(path.name, "sha256:" + hashlib.sha256(raw).hexdigest(), tuple(columns), grid)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SpreadsheetError(
            _("Không đọc được tệp %(path)s: %(reason)s."), path=str(path), reason=error.strerror or type(error).__name__
        ) from error


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def _xlsx_grid(path: Path) -> Grid:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _XLSX_ERRORS as error:
        raise _not_xlsx(path) from error
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    except _XLSX_ERRORS as error:
        raise _not_xlsx(path) from error
    finally:
        workbook.close()


def _not_xlsx(path: Path) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Tệp %(name)s không phải tệp XLSX hợp lệ (hỏng hoặc sai định dạng). Mở bằng Excel và lưu lại thành "
            ".xlsx, hoặc xuất ra CSV UTF-8."
        ),
        name=path.name,
    )


def _csv_grid(name: str, raw: bytes) -> Grid:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _("Tệp %(name)s không phải văn bản UTF-8 (byte %(position)s). Trong Excel chọn Lưu thành “CSV UTF-8”."),
            name=name,
            position=error.start,
        ) from error
    if "\x00" in text:
        raise SpreadsheetError(
            _("Tệp %(name)s chứa ký tự NUL: đây không phải tệp CSV văn bản (có thể là tệp nhị phân đổi đuôi)."),
            name=name,
        )
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=lambda d: (first_line.count(d), d == ","))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(number, [clean(cell) for cell in cells]) for number, cells in enumerate(reader, start=1)]
    except csv.Error as error:
        raise SpreadsheetError(_("Tệp CSV %(name)s bị lỗi: %(reason)s."), name=name, reason=str(error)) from error


def _match_header(cells: list[str], index: dict[str, Column]) -> dict[int, Column]:
    return {i: index[key] for i, cell in enumerate(cells) if (key := normalise_header(cell)) in index}


def _find_header(name: str, grid: Grid, index: dict[str, Column]) -> tuple[int, dict[int, Column]]:
    """The position in ``grid`` of the header row and its matched columns by cell index."""
    best_position, best = 0, dict[int, Column]()
    for position, (_number, cells) in enumerate(grid[:HEADER_SCAN]):
        matched = _match_header(cells, index)
        if len({c.key for c in matched.values()}) > len({c.key for c in best.values()}):
            best_position, best = position, matched
    if not best:
        wanted = ", ".join(sorted({c.header for c in index.values() if c.required}))
        raise SpreadsheetError(
            _("Tệp %(name)s không có dòng tiêu đề cột nào quen thuộc; cần ít nhất các cột: %(columns)s."),
            name=name,
            columns=wanted,
        )
    return best_position, best


def _check_header(
    name: str, number: int, cells: list[str], matched: dict[int, Column], columns: tuple[Column, ...]
) -> None:
    seen: dict[str, int] = {}
    for i, column in matched.items():
        if column.key in seen:
            raise SpreadsheetError(
                _("Tệp %(name)s, dòng %(row)s: hai cột “%(first)s” và “%(second)s” cùng là “%(column)s”; xóa một cột."),
                name=name,
                row=number,
                first=cells[seen[column.key]],
                second=cells[i],
                column=column.header,
            )
        seen[column.key] = i
    missing = [c.header for c in columns if c.required and c.key not in seen]
    if missing:
        raise SpreadsheetError(
            _("Tệp %(name)s thiếu cột bắt buộc: %(columns)s (dòng tiêu đề là dòng %(row)s)."),
            name=name,
            columns=", ".join(missing),
            row=number,
        )


def _is_total_line(cells: list[str]) -> bool:
    filled = [cell for cell in cells if cell]
    return len(filled) == 1 and normalise_header(filled[0]).startswith(("tongso", "total"))


def _build_table(name: str, digest: str, columns: tuple[Column, ...], grid: Grid) -> Table:
    position, matched = _find_header(name, grid, header_index(columns))
    header_number, header_cells = grid[position]
    _check_header(name, header_number, header_cells, matched, columns)
    rows: list[Row] = []
    for number, cells in grid[position + 1 :]:
        if _is_total_line(cells):
            continue
        values = {c.key: cells[i] for i, c in matched.items() if i < len(cells) and cells[i]}
        if any(key != "seq" for key in values):  # a pre-numbered empty template row is not data
            rows.append(Row(number, values))
    ignored = [cell for i, cell in enumerate(header_cells) if cell and i not in matched]
    headers = {column.key: header_cells[i] for i, column in matched.items()}
    return Table(name, digest, columns, headers, rows, header_number, ignored)
