"""Reading XLSX/CSV: header detection, encodings, delimiters, and one clear error per bad file."""

import datetime as dt
import zipfile

import openpyxl
import pytest

from kho.records.inventory import AGENCY_COLUMNS, RECORD_COLUMNS, read_table
from kho.records.inventory.exceptions import SpreadsheetError, SpreadsheetNotFoundError

from .conftest import RECORD_HEADER, nfd, record_row, write_csv, write_table, write_xlsx

pytestmark = pytest.mark.django_db  # messages go through Django's gettext


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_reads_rows_by_column_key(tmp_path, suffix):
    path = write_table(tmp_path / f"r{suffix}", [RECORD_HEADER, record_row(1), record_row(2)])
    table = read_table(path, RECORD_COLUMNS)
    assert table.header_row == 1
    assert [row.number for row in table.rows] == [2, 3]
    assert table.rows[0].get("title") == "Hồ sơ về công tác văn thư số 1"
    assert table.rows[1].get("file_code") == "H49.64.33.2020.02.VP"
    assert table.sha256.startswith("sha256:")


@pytest.mark.parametrize(("delimiter", "bom"), [(",", True), (",", False), (";", True), (";", False), ("\t", True)])
def test_csv_encodings_and_delimiters(tmp_path, delimiter, bom):
    path = write_csv(tmp_path / "r.csv", [RECORD_HEADER, record_row(1)], delimiter=delimiter, bom=bom)
    table = read_table(path, RECORD_COLUMNS)
    assert table.rows[0].get("file_number") == "01.VP"
    assert table.headers["file_number"] == "Số, ký hiệu hồ sơ"


def test_headers_match_without_accents_case_or_punctuation_and_in_nfd(tmp_path):
    header = [
        "SO TT",
        "so ky hieu ho so",
        nfd("TIÊU ĐỀ HỒ SƠ"),
        "thoi gian tai lieu",
        "Thời hạn lưu trữ",
        "Số tờ / Số trang",
        "GHI CHÚ",
        "ma phong",
        nfd("Mã hồ sơ"),
    ]
    table = read_table(write_csv(tmp_path / "r.csv", [header, record_row(1)]), RECORD_COLUMNS)
    assert set(table.headers) >= {"title", "file_number", "maintenance", "sheets_pages", "fonds_code", "file_code"}


def test_english_tt05_keys_are_accepted(tmp_path):
    header = ["fondCode", "fileCode", "title", "maintenance", "startDate", "endDate", "numberOfPage"]
    row = ["P1", "H49.64.33.2020.01", "Hồ sơ", "01", "2020", "2020", "10"]
    table = read_table(write_csv(tmp_path / "r.csv", [header, row]), RECORD_COLUMNS)
    assert table.rows[0].values["number_of_page"] == "10"


def test_values_are_nfc_and_spaces_collapsed(tmp_path):
    row = record_row(1, title=nfd("  Hồ sơ   về   Đảng bộ  "))
    table = read_table(write_csv(tmp_path / "r.csv", [RECORD_HEADER, row]), RECORD_COLUMNS)
    assert table.rows[0].get("title") == "Hồ sơ về Đảng bộ"


def test_title_block_blank_rows_total_line_and_numbered_empty_rows_are_skipped(tmp_path):
    rows = [
        ["MỤC LỤC HỒ SƠ"],
        ["Phông: UBND"],
        [],
        RECORD_HEADER,
        record_row(1),
        [],
        [2],
        record_row(3),
        [],
        ["Tổng số: 2 hồ sơ. Viết bằng chữ: hai hồ sơ."],
    ]
    table = read_table(write_xlsx(tmp_path / "r.xlsx", rows), RECORD_COLUMNS)
    assert table.header_row == 4
    assert [row.number for row in table.rows] == [5, 8]


def test_excel_dates_and_numbers_become_text(tmp_path):
    header = ["Mã phông", "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời gian bắt đầu", "Số lượng trang", "Thời hạn bảo quản"]
    row = ["P1", "X.2020.1", "T", dt.datetime(2020, 3, 5), 12.0, 1]
    table = read_table(write_xlsx(tmp_path / "r.xlsx", [header, row]), RECORD_COLUMNS)
    assert table.rows[0].values | {} == {
        "fonds_code": "P1",
        "file_code": "X.2020.1",
        "title": "T",
        "start_date": "05/03/2020",
        "number_of_page": "12",
        "maintenance": "1",
    }


def test_unknown_columns_are_listed(tmp_path):
    table = read_table(write_csv(tmp_path / "r.csv", [[*RECORD_HEADER, "Cột lạ"], record_row(1)]), RECORD_COLUMNS)
    assert table.ignored_headers == ["Cột lạ"]


def test_missing_file(tmp_path):
    with pytest.raises(SpreadsheetNotFoundError, match="Không tìm thấy tệp"):
        read_table(tmp_path / "khong-co.xlsx", RECORD_COLUMNS)


@pytest.mark.parametrize("name", ["r.xls", "r.txt", "r"])
def test_unsupported_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="chỉ nhận .xlsx hoặc .csv"):
        read_table(path, RECORD_COLUMNS)


def test_corrupt_xlsx_not_a_zip(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook" * 10)
    with pytest.raises(SpreadsheetError, match="không phải tệp XLSX hợp lệ"):
        read_table(path, RECORD_COLUMNS)


def test_corrupt_xlsx_zip_without_workbook(tmp_path):
    path = tmp_path / "r.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(SpreadsheetError, match="không phải tệp XLSX hợp lệ"):
        read_table(path, RECORD_COLUMNS)


def test_truncated_xlsx(tmp_path):
    good = write_table(tmp_path / "good.xlsx", [RECORD_HEADER, record_row(1)])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(SpreadsheetError, match="không phải tệp XLSX hợp lệ"):
        read_table(bad, RECORD_COLUMNS)


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_csv(tmp_path, content):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match="rỗng|không có dữ liệu"):
        read_table(path, RECORD_COLUMNS)


def test_empty_xlsx(tmp_path):
    path = tmp_path / "r.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(SpreadsheetError, match="không có dữ liệu"):
        read_table(path, RECORD_COLUMNS)


def test_no_header_row(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(SpreadsheetError, match="không có dòng tiêu đề") as caught:
        read_table(path, RECORD_COLUMNS)
    assert "Mã hồ sơ" in str(caught.value)


def test_missing_required_column_is_named(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["Mã phông", "Tiêu đề hồ sơ"], ["P1", "T"]])
    with pytest.raises(SpreadsheetError, match="thiếu cột bắt buộc: Mã hồ sơ"):
        read_table(path, RECORD_COLUMNS)


def test_agency_required_columns(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Mã định danh", "Cấp"], ["H49", "Cấp tỉnh"]])
    with pytest.raises(SpreadsheetError, match="Tên cơ quan"):
        read_table(path, AGENCY_COLUMNS)


def test_the_same_column_twice_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [[*RECORD_HEADER, "Tiêu đề"], record_row(1) + ["x"]])
    with pytest.raises(SpreadsheetError, match="cùng là “Tiêu đề hồ sơ”"):
        read_table(path, RECORD_COLUMNS)


def test_csv_not_utf8(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(",".join(RECORD_HEADER).encode("utf-16"))
    with pytest.raises(SpreadsheetError, match="UTF-8"):
        read_table(path, RECORD_COLUMNS)


def test_csv_with_nul_bytes(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(",".join(RECORD_HEADER).encode() + b"\n1,\x00,x\n")
    with pytest.raises(SpreadsheetError, match="NUL"):
        read_table(path, RECORD_COLUMNS)
