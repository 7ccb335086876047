"""`kho import agencies FILE`: good files, every kind of bad row, all-or-nothing, dry run, JSON."""

import datetime as dt
import unicodedata

import pytest

from kho.agencies.models import Agency
from kho.audit.models import Event

from .conftest import nfd, write_table

pytestmark = pytest.mark.django_db

HEADER = [
    "Mã định danh",
    "Mã cũ 13 ký tự",
    "Tên cơ quan",
    "Tên viết tắt",
    "Cấp",
    "Hệ thống",
    "Mã cơ quan cấp trên",
    "Trạng thái",
    "Hoạt động từ",
    "Kết thúc hoạt động",
]
GOOD = [
    HEADER,
    ["H49", "000.00.00.H49", "Ủy ban nhân dân tỉnh Quảng Ninh", "UBND tỉnh", "Cấp tỉnh", "Nhà nước", "", "", "", ""],
    [
        "H49.64",
        "",
        "Ủy ban nhân dân thành phố Hạ Long",
        "",
        "huyện",
        "state",
        "H49",
        "Đã kết thúc hoạt động",
        "2000",
        "30/06/2025",
    ],
    ["H49.64.33", "", "Ủy ban nhân dân phường Hồng Gai", "", "Cấp xã", "", "H49.64", "", "01/2000", ""],
    ["D49", "", "Tỉnh ủy Quảng Ninh", "", "Cấp tỉnh", "Đảng", "", "active", "", ""],
]


def _events(kind):
    return Event.objects.filter(event_type=kind).count()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_good_file_is_imported(kho, tmp_path, suffix):
    result = kho("import", "agencies", write_table(tmp_path / f"a{suffix}", GOOD))
    assert result.code == 0, result.err
    assert "Đã nhập 4 cơ quan" in result.out
    city = Agency.objects.get(code="H49.64")
    assert city.parent.code == "H49"
    assert (city.level, city.system, city.status) == ("district", "state", "ended")
    assert (city.valid_from, city.valid_to) == (dt.date(2000, 1, 1), dt.date(2025, 6, 30))
    ward = Agency.objects.get(code="H49.64.33")
    assert ward.parent == city and ward.level == "commune" and ward.valid_from == dt.date(2000, 1, 1)
    assert Agency.objects.get(code="D49").system == "party"
    assert Agency.objects.get(code="H49").legacy_code == "000.00.00.H49"
    event = Event.objects.get(event_type="creation", object_type="agencies-import")
    assert '"created":4' in event.data


def test_nfd_input_is_stored_nfc(kho, tmp_path):
    rows = [[nfd(cell) if isinstance(cell, str) else cell for cell in row] for row in GOOD]
    assert kho("import", "agencies", write_table(tmp_path / "a.csv", rows)).code == 0
    name = Agency.objects.get(code="H49").name
    assert name == "Ủy ban nhân dân tỉnh Quảng Ninh"
    assert unicodedata.is_normalized("NFC", name)


def test_english_headers(kho, tmp_path):
    rows = [
        ["code", "name", "level", "system", "parentCode"],
        ["T1", "Trung ương", "central", "party", ""],
        ["T1.2", "Ban", "Trung ương", "Đảng", "T1"],
    ]
    assert kho("import", "agencies", write_table(tmp_path / "a.csv", rows)).code == 0
    assert Agency.objects.get(code="T1.2").parent.code == "T1"


def test_parent_may_be_already_stored(kho, tmp_path):
    Agency.objects.create(code="H49", name="UBND tỉnh")
    rows = [["Mã định danh", "Tên cơ quan", "Mã cơ quan cấp trên"], ["H49.64", "UBND TP", "H49"]]
    assert kho("import", "agencies", write_table(tmp_path / "a.csv", rows)).code == 0
    assert Agency.objects.get(code="H49.64").parent.code == "H49"


BAD_ROWS = [
    (["h49", "", "Tên", "", "", "", "", "", "", ""], "Mã định danh", "không hợp lệ"),
    (["A" * 36, "", "Tên", "", "", "", "", "", "", ""], "Mã định danh", "không hợp lệ"),
    (["", "", "Tên", "", "", "", "", "", "", ""], "Mã định danh", "thiếu giá trị bắt buộc"),
    (["X1", "123", "Tên", "", "", "", "", "", "", ""], "Mã cũ 13 ký tự", "000.00.00.G09"),
    (["X1", "", "", "", "", "", "", "", "", ""], "Tên cơ quan", "thiếu giá trị bắt buộc"),
    (["X1", "", "T" * 301, "", "", "", "", "", "", ""], "Tên cơ quan", "tối đa 300"),
    (["X1", "", "Tên", "", "Cấp thôn", "", "", "", "", ""], "Cấp", "“Cấp thôn” không hợp lệ"),
    (["X1", "", "Tên", "", "", "Tư nhân", "", "", "", ""], "Hệ thống", "không hợp lệ"),
    (["X1", "", "Tên", "", "", "", "", "Tạm dừng", "", ""], "Trạng thái", "không hợp lệ"),
    (["X1", "", "Tên", "", "", "", "", "", "31/02/2020", ""], "Hoạt động từ", "ngày “31/02/2020” không hợp lệ"),
    (["X1", "", "Tên", "", "", "", "", "", "2020", "2019"], "Kết thúc hoạt động", "trước ngày bắt đầu"),
    (["X1", "", "Tên", "", "", "", "NOPE", "", "", ""], "Mã cơ quan cấp trên", "“NOPE” chưa có trong kho"),
    (["X1", "", "Tên", "", "", "", "X1", "", "", ""], "Mã cơ quan cấp trên", "chính nó"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_each_bad_value_is_reported_with_row_column_and_reason(kho, tmp_path, row, column, reason):
    result = kho("import", "agencies", write_table(tmp_path / "a.csv", [HEADER, row]))
    assert result.code == 2
    assert f"dòng 2, cột {column}: " in result.err
    assert reason in result.err
    assert Agency.objects.count() == 0


def test_parent_must_come_before_its_child(kho, tmp_path):
    rows = [
        HEADER,
        ["H49.64", "", "TP", "", "", "", "H49", "", "", ""],
        ["H49", "", "Tỉnh", "", "", "", "", "", "", ""],
    ]
    result = kho("import", "agencies", write_table(tmp_path / "a.csv", rows))
    assert result.code == 2
    assert "dòng 2, cột Mã cơ quan cấp trên: cơ quan cấp trên “H49” chưa có trong kho" in result.err


def test_several_bad_rows_are_reported_at_once_and_nothing_is_written(kho, tmp_path):
    Agency.objects.create(code="OLD", name="Cũ")
    rows = [
        HEADER,
        *GOOD[1:],
        ["H49", "", "Trùng", "", "", "", "", "", "", ""],
        ["OLD", "", "Đã có", "", "", "", "", "", "", ""],
        ["Y", "000.00.00.H49", "Trùng mã cũ", "", "xã", "", "", "", "", ""],
    ]
    before, events = Agency.objects.count(), Event.objects.count()
    result = kho("import", "agencies", write_table(tmp_path / "a.xlsx", rows))
    assert result.code == 2
    assert "dòng 6, cột Mã định danh: “H49” trùng với dòng 2" in result.err
    assert "dòng 7, cột Mã định danh: “OLD” đã có trong kho" in result.err
    assert "dòng 8, cột Mã cũ 13 ký tự: “000.00.00.H49” trùng với dòng 2" in result.err
    assert "Tệp có 3 lỗi" in result.err
    assert (Agency.objects.count(), Event.objects.count()) == (before, events)


def test_reimporting_the_same_file_is_a_conflict_exit_4(kho, tmp_path):
    path = write_table(tmp_path / "a.csv", GOOD)
    assert kho("import", "agencies", path).code == 0
    again = kho("import", "agencies", path, "--json")
    assert again.code == 4
    payload = again.json()
    assert payload["ok"] is False and payload["error"]["code"] == "import_conflict"
    assert {p["conflict"] for p in payload["problems"]} == {True}
    assert "dòng 2, cột Mã định danh: “H49” đã có trong kho" in payload["error"]["details"]
    assert Agency.objects.count() == 4


def test_dry_run_writes_nothing(kho, tmp_path):
    events = Event.objects.count()
    result = kho("import", "agencies", write_table(tmp_path / "a.csv", GOOD), "--dry-run", "--json")
    assert result.code == 0
    payload = result.json()
    assert payload == payload | {"ok": True, "dry_run": True, "kind": "agencies", "rows": 4, "created": 4}
    assert Agency.objects.count() == 0 and Event.objects.count() == events


def test_json_output_shape(kho, tmp_path):
    result = kho("import", "agencies", "--json", write_table(tmp_path / "a.csv", GOOD))
    assert result.code == 0
    payload = result.json()
    assert set(payload) == {
        "ok",
        "kind",
        "source",
        "sha256",
        "rows",
        "created",
        "fonds_created",
        "dry_run",
        "ignored_columns",
    }
    assert payload["source"] == "a.csv" and payload["sha256"].startswith("sha256:")


def test_missing_file_is_exit_3(kho, tmp_path):
    result = kho("import", "agencies", tmp_path / "khong-co.csv")
    assert result.code == 3
    assert "Không tìm thấy tệp" in result.err


def test_header_without_rows_is_exit_2(kho, tmp_path):
    result = kho("import", "agencies", write_table(tmp_path / "a.csv", [HEADER]))
    assert result.code == 2
    assert "không có dòng dữ liệu" in result.err
