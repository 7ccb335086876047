"""`kho import records FILE`: the inventory columns plus the TT05 fields, fonds rules, all-or-nothing."""

import datetime as dt
import unicodedata

import pytest

from kho.audit.models import Event
from kho.records.choices import FondsStatus
from kho.records.models import Fonds, Record

from .conftest import AGENCY_CODE, FONDS_CODE, RECORD_HEADER, nfd, record_row, write_table

pytestmark = pytest.mark.django_db

FULL_HEADER = [
    *RECORD_HEADER,
    "Chế độ sử dụng",
    "Độ mật",
    "Ngôn ngữ",
    "Từ khóa",
    "Tổng số tài liệu",
    "Tình trạng vật lý",
    "Ký hiệu thông tin",
    "Mức độ tin cậy",
    "Mã hồ sơ gốc giấy",
    "Chế độ dự phòng",
    "Tình trạng dự phòng",
    "Kho",
    "Giá",
    "Hộp",
    "Người lập hồ sơ",
]
FULL_EXTRA = [
    "Sử dụng có điều kiện",
    "Thường",
    "Tiếng Việt, Tiếng Pháp",
    "văn thư",
    "12",
    "Bình thường",
    "VT",
    "Số hóa",
    "H49.K1.G2.H3.15",
    "1",
    "01",
    "Kho 1",
    "Giá 2",
    "Hộp 3",
    "Nguyễn Thị Lan",
]


def _import(kho, tmp_path, rows, *args, name="r.csv"):
    return kho("import", "records", write_table(tmp_path / name, rows), *args)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_good_inventory_is_imported(kho, tmp_path, fonds, suffix):
    rows = [RECORD_HEADER, record_row(1), record_row(2, period="05/03/2021", retention="70 năm"), record_row(3)]
    result = _import(kho, tmp_path, rows, name=f"r{suffix}")
    assert result.code == 0, result.err
    assert "Đã nhập 3 hồ sơ" in result.out
    first = Record.objects.get(file_code="H49.64.33.2020.01.VP")
    assert first.fonds == fonds and first.year == 2020 and first.file_number == "01.VP"
    assert (first.start_date, first.end_date) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert (first.number_of_paper, first.number_of_page, first.maintenance) == (1, 2, "01")
    second = Record.objects.get(file_code="H49.64.33.2020.02.VP")
    assert (second.start_date, second.end_date, second.maintenance) == (dt.date(2021, 3, 5),) * 2 + ("02",)
    event = Event.objects.get(event_type="accession")
    assert event.object_type == "records-import" and '"created":3' in event.data


def test_all_tt05_columns(kho, tmp_path, fonds):
    assert _import(kho, tmp_path, [FULL_HEADER, record_row(1) + FULL_EXTRA]).code == 0
    record = Record.objects.get()
    assert (record.mode, record.secrecy_level, record.language, record.keyword) == ("02", 0, "01,03", "văn thư")
    assert (record.total_doc, record.format, record.infor_sign, record.confidence_level) == (12, "02", "VT", "02")
    assert (record.paper_file_code, record.risk_recovery, record.risk_recovery_status) == (
        "H49.K1.G2.H3.15",
        True,
        "01",
    )
    assert (record.storage_room, record.shelf, record.box, record.compiled_by) == (
        "Kho 1",
        "Giá 2",
        "Hộp 3",
        "Nguyễn Thị Lan",
    )


def test_secret_record_gets_mode_03(kho, tmp_path, fonds):
    rows = [[*RECORD_HEADER, "Độ mật"], record_row(1) + ["Tối mật"], record_row(2) + ["MẬT"]]
    assert _import(kho, tmp_path, rows).code == 0
    assert set(Record.objects.values_list("secrecy_level", "mode")) == {(2, "03"), (1, "03")}


def test_english_headers_and_legacy_prefix(kho, tmp_path, fonds):
    rows = [
        ["fondCode", "fileCode", "title", "maintenance", "startDate", "endDate", "numberOfPaper", "mode"],
        [FONDS_CODE, "000.00.33.H49.2010.01.TH", "Hồ sơ", "01", "2010", "06/2011", "5", "01"],
    ]
    assert _import(kho, tmp_path, rows).code == 0
    record = Record.objects.get()
    assert (record.year, record.file_number, record.end_date) == (2010, "01.TH", dt.date(2011, 6, 30))


def test_fonds_code_prefix_is_accepted(kho, tmp_path, fonds):
    assert _import(kho, tmp_path, [RECORD_HEADER, record_row(1, code=f"{FONDS_CODE}.1999.7")]).code == 0
    assert Record.objects.get().year == 1999


def test_nfd_input_is_stored_nfc(kho, tmp_path, fonds):
    rows = [[nfd(h) for h in RECORD_HEADER], record_row(1, title=nfd("Hồ sơ Đại hội Đảng bộ phường"))]
    assert _import(kho, tmp_path, rows).code == 0
    title = Record.objects.get().title
    assert title == "Hồ sơ Đại hội Đảng bộ phường" and unicodedata.is_normalized("NFC", title)


def test_missing_fonds_is_created_when_named_fully(kho, tmp_path, agency):
    header = [*RECORD_HEADER, "Tên phông", "Mã cơ quan"]
    rows = [header, record_row(1, fonds="PNEW") + ["Phông mới", AGENCY_CODE], record_row(2, fonds="PNEW") + ["", ""]]
    result = _import(kho, tmp_path, rows, "--json")
    assert result.code == 0, result.err
    assert result.json()["fonds_created"] == ["PNEW"]
    new = Fonds.objects.get(code="PNEW")
    assert (new.name, new.agency, new.records.count()) == ("Phông mới", agency, 2)


def test_missing_fonds_without_name_is_an_error_reported_once(kho, tmp_path, agency):
    rows = [RECORD_HEADER, record_row(1, fonds="PNEW"), record_row(2, fonds="PNEW")]
    result = _import(kho, tmp_path, rows)
    assert result.code == 2
    assert "dòng 2, cột Mã phông: phông “PNEW” chưa có trong kho" in result.err
    assert "(2 dòng)" in result.err and result.err.count("PNEW") == 1
    assert not Fonds.objects.filter(code="PNEW").exists()


def test_missing_fonds_with_unknown_agency(kho, tmp_path, agency):
    rows = [[*RECORD_HEADER, "Tên phông", "Mã cơ quan"], record_row(1, fonds="PNEW") + ["Phông mới", "Z99"]]
    result = _import(kho, tmp_path, rows)
    assert result.code == 2
    assert "dòng 2, cột Mã cơ quan: cơ quan “Z99” chưa có trong kho" in result.err


def test_closed_fonds_accepts_no_records_exit_4(kho, tmp_path, fonds):
    Fonds.objects.filter(pk=fonds.pk).update(status=FondsStatus.CLOSED, closed_on=dt.date(2025, 6, 30))
    result = _import(kho, tmp_path, [RECORD_HEADER, record_row(1), record_row(2)])
    assert result.code == 4
    assert "dòng 2, cột Mã phông: phông “P49.64.33” đã đóng từ 30/06/2025" in result.err
    assert "(2 dòng)" in result.err
    assert Record.objects.count() == 0


def test_fonds_and_agency_must_agree_with_stored_fonds(kho, tmp_path, fonds):
    rows = [[*RECORD_HEADER, "Tên phông", "Mã cơ quan"], record_row(1) + ["Phông khác", "H49"]]
    result = _import(kho, tmp_path, rows)
    assert result.code == 2
    assert "cột Tên phông: khác tên của phông" in result.err
    assert "cột Mã cơ quan: phông “P49.64.33” thuộc cơ quan “H49.64.33”" in result.err


BAD = [
    (dict(code="X.2020.01"), "Mã hồ sơ", "phải có dạng"),
    (dict(code=f"{AGENCY_CODE}.20.01"), "Mã hồ sơ", "phải có dạng"),
    (dict(code=f"{AGENCY_CODE}.2020"), "Mã hồ sơ", "phải có dạng"),
    (dict(code=f"{AGENCY_CODE}.2020..01"), "Mã hồ sơ", "phải có dạng"),
    (dict(code=f"{AGENCY_CODE}.2999.01"), "Mã hồ sơ", "ở tương lai"),
    (dict(code=f"{AGENCY_CODE}.2020." + "9" * 90), "Mã hồ sơ", "tối đa 100"),
    (dict(title=" "), "Tiêu đề hồ sơ", "thiếu giá trị bắt buộc"),
    (dict(title="T" * 1001), "Tiêu đề hồ sơ", "dài 1001 ký tự, tối đa 1000"),
    (dict(period="32/01/2020"), "Thời gian tài liệu", "ngày “32/01/2020” không hợp lệ"),
    (dict(period="2021 - 2020"), "Thời gian tài liệu", "bắt đầu sau ngày kết thúc"),
    (dict(retention="Lâu dài"), "Thời hạn bảo quản", "không có trong bảng mã"),
    (dict(fonds=""), "Mã phông", "thiếu giá trị bắt buộc"),
]


@pytest.mark.parametrize(("kwargs", "column", "reason"), BAD)
def test_each_bad_value_is_reported(kho, tmp_path, fonds, kwargs, column, reason):
    result = _import(kho, tmp_path, [RECORD_HEADER, record_row(1, **kwargs)])
    assert result.code == 2
    assert f"dòng 2, cột {column}: " in result.err
    assert reason in result.err
    assert Record.objects.count() == 0


EXTRA_BAD = [
    ("Chế độ sử dụng", "04", "không có trong bảng mã"),
    ("Độ mật", "Bí mật", "không hợp lệ"),
    ("Ngôn ngữ", "Tiếng Klingon", "không có trong bảng mã"),
    ("Tổng số tài liệu", "mười", "không phải số nguyên"),
    ("Tình trạng vật lý", "Rách", "không có trong bảng mã"),
    ("Mức độ tin cậy", "Cao", "không có trong bảng mã"),
    ("Chế độ dự phòng", "có lẽ", "không hợp lệ"),
    ("Ký hiệu thông tin", "K" * 31, "tối đa 30"),
    ("Số lượng tờ", "-3", "không phải số nguyên"),
    ("Thời gian bắt đầu", "2020/05", "không hợp lệ"),
]


@pytest.mark.parametrize(("column", "value", "reason"), EXTRA_BAD)
def test_each_bad_tt05_value_is_reported(kho, tmp_path, fonds, column, value, reason):
    result = _import(kho, tmp_path, [[*RECORD_HEADER, column], record_row(1) + [value]])
    assert result.code == 2
    assert f"dòng 2, cột {column}: " in result.err and reason in result.err


def test_cross_field_rules(kho, tmp_path, fonds):
    header = [*RECORD_HEADER, "Độ mật", "Chế độ sử dụng", "Chế độ dự phòng", "Thời gian bắt đầu", "Số lượng trang"]
    rows = [header, record_row(1) + ["Mật", "Công khai", "1", "05/05/2019", "99"]]
    result = _import(kho, tmp_path, rows)
    assert result.code == 2
    assert "cột Chế độ sử dụng: hồ sơ có độ mật phải có chế độ sử dụng 03" in result.err
    assert "cột Tình trạng dự phòng: bắt buộc khi có chế độ dự phòng" in result.err
    assert "cột Thời gian bắt đầu: mâu thuẫn với cột “Thời gian tài liệu”" in result.err
    assert "cột Số lượng trang: mâu thuẫn với cột “Số tờ/Số trang”" in result.err


def test_several_bad_rows_reported_at_once_nothing_written(kho, tmp_path, fonds):
    Record.objects.create(fonds=fonds, file_code=f"{AGENCY_CODE}.2019.01", title="Đã có")
    rows = [
        RECORD_HEADER,
        record_row(1),
        record_row(2, period="2020/2021"),
        record_row(3, code=f"{AGENCY_CODE}.2019.01"),
        record_row(4),
        record_row(5, code=f"{AGENCY_CODE}.2020.01.VP"),
        record_row(6, retention=""),
    ]
    counts = (Record.objects.count(), Fonds.objects.count(), Event.objects.count())
    result = _import(kho, tmp_path, rows, "--json", name="r.xlsx")
    assert result.code == 2
    details = result.json()["error"]["details"]
    assert details == [
        "dòng 3, cột Thời gian tài liệu: ngày “2020/2021” không hợp lệ: cần DD/MM/YYYY, MM/YYYY hoặc YYYY",
        "dòng 4, cột Mã hồ sơ: hồ sơ “H49.64.33.2019.01” đã có trong kho",
        "dòng 6, cột Mã hồ sơ: “H49.64.33.2020.01.VP” trùng với dòng 2",
    ]
    assert (Record.objects.count(), Fonds.objects.count(), Event.objects.count()) == counts


def test_only_conflicts_give_exit_4_and_mixed_give_exit_2(kho, tmp_path, fonds):
    path = write_table(tmp_path / "r.csv", [RECORD_HEADER, record_row(1), record_row(2)])
    assert kho("import", "records", path).code == 0
    again = kho("import", "records", path)
    assert again.code == 4
    assert "dòng 2, cột Mã hồ sơ: hồ sơ “H49.64.33.2020.01.VP” đã có trong kho" in again.err
    mixed = _import(kho, tmp_path, [RECORD_HEADER, record_row(1), record_row(3, period="x")], name="m.csv")
    assert mixed.code == 2
    assert Record.objects.count() == 2


def test_dry_run_writes_nothing_and_reports(kho, tmp_path, agency):
    header = [*RECORD_HEADER, "Tên phông", "Mã cơ quan"]
    rows = [header, record_row(1, fonds="PNEW") + ["Phông mới", AGENCY_CODE]]
    events = Event.objects.count()
    result = _import(kho, tmp_path, rows, "--dry-run")
    assert result.code == 0
    assert "chưa ghi gì (--dry-run)" in result.out and "Sẽ tạo phông: PNEW" in result.out
    assert (Record.objects.count(), Fonds.objects.count(), Event.objects.count()) == (0, 0, events)


def test_dry_run_with_problems_is_exit_2(kho, tmp_path, fonds):
    result = _import(kho, tmp_path, [RECORD_HEADER, record_row(1, period="x")], "--dry-run")
    assert result.code == 2 and "dòng 2, cột Thời gian tài liệu" in result.err


def test_json_error_shape(kho, tmp_path, fonds):
    payload = _import(kho, tmp_path, [RECORD_HEADER, record_row(1, period="x")], "--json").json()
    assert payload["ok"] is False
    assert set(payload["error"]) == {"code", "message", "details"}
    assert payload["problems"] == [
        {
            "row": 2,
            "column": "Thời gian tài liệu",
            "conflict": False,
            "reason": "ngày “x” không hợp lệ: cần DD/MM/YYYY, MM/YYYY hoặc YYYY",
        }
    ]


def test_corrupt_and_empty_files_via_cli(kho, tmp_path, fonds):
    corrupt = tmp_path / "c.xlsx"
    corrupt.write_bytes(b"not a zip")
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    missing_column = write_table(tmp_path / "m.csv", [["Mã phông", "Tiêu đề hồ sơ"], ["P", "T"]])
    for path, message in ((corrupt, "không phải tệp XLSX hợp lệ"), (empty, "rỗng"), (missing_column, "Mã hồ sơ")):
        result = kho("import", "records", path)
        assert result.code == 2 and message in result.err
        assert "Traceback" not in result.err
    assert kho("import", "records", tmp_path / "none.xlsx").code == 3
