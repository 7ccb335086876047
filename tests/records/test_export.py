"""`kho export inventory`: CSV and XLSX content, totals in words, access event, and export → import round trip."""

import csv
import datetime as dt

import openpyxl
import pytest

from kho.audit.models import Event
from kho.records.inventory.columns import EXPORT_COLUMNS, INVENTORY_COLUMNS
from kho.records.models import Fonds, Record

from .conftest import AGENCY_CODE, FONDS_CODE

pytestmark = pytest.mark.django_db

STANDARD = [
    "Số TT",
    "Số, ký hiệu hồ sơ",
    "Tiêu đề hồ sơ",
    "Thời gian tài liệu",
    "Thời hạn bảo quản",
    "Số tờ/Số trang",
    "Ghi chú",
]
SKIP = {"id", "uid", "created_at", "updated_at", "fonds_id"}


@pytest.fixture
def records(fonds):
    """Fifteen records created out of order, with varied fields (one secret, one with open dates)."""
    made = []
    for n in (3, 1, 2, *range(4, 16)):
        made.append(
            Record.objects.create(
                fonds=fonds,
                file_code=f"{AGENCY_CODE}.2020.{n:02d}.VP",
                file_number=f"{n:02d}.VP",
                year=2020,
                title=f"Hồ sơ hội nghị cán bộ, công chức năm 2020 số {n}",
                start_date=dt.date(2020, 1, n),
                end_date=dt.date(2020, 12, 31),
                maintenance="02" if n % 2 else "01",
                number_of_paper=n,
                number_of_page=2 * n if n != 5 else None,
                description="Ghi chú" if n == 4 else "",
                language="01,02" if n == 6 else "01",
            )
        )
    Record.objects.filter(file_code=f"{AGENCY_CODE}.2020.07.VP").update(
        secrecy_level=2, mode="03", box="Hộp 7", risk_recovery=True, risk_recovery_status="02"
    )
    Record.objects.filter(file_code=f"{AGENCY_CODE}.2020.08.VP").update(start_date=None, end_date=dt.date(2020, 5, 5))
    Record.objects.filter(file_code=f"{AGENCY_CODE}.2020.09.VP").update(start_date=None, end_date=None)
    return made


def _snapshot():
    return sorted(
        ({k: v for k, v in row.items() if k not in SKIP} for row in Record.objects.values()),
        key=lambda row: row["file_code"],
    )


def test_csv_content(kho, tmp_path, records):
    out = tmp_path / "muc-luc.csv"
    result = kho("export", "inventory", "--fonds", FONDS_CODE, "--format", "csv", "--output", out)
    assert result.code == 0, result.err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:7] == STANDARD
    assert rows[0][7:9] == ["Mã phông", "Mã hồ sơ"]
    assert rows[0] == [c.header for c in EXPORT_COLUMNS]
    data = rows[1:-1]
    assert [r[0] for r in data] == [str(n) for n in range(1, 16)]
    assert [r[8] for r in data] == sorted(r[8] for r in data)
    assert data[0][:7] == [
        "1",
        "01.VP",
        "Hồ sơ hội nghị cán bộ, công chức năm 2020 số 1",
        "2020",
        "70 năm",
        "1 tờ/2 trang",
        "",
    ]
    assert data[1][3] == "02/01/2020 - 31/12/2020"
    assert data[4][5] == "5 tờ/"
    assert rows[-1] == ["Tổng số: 15 hồ sơ. Viết bằng chữ: mười lăm hồ sơ."]


def test_xlsx_content(kho, tmp_path, records):
    out = tmp_path / "muc-luc.xlsx"
    assert kho("export", "inventory", "--fonds", FONDS_CODE, "--output", out).code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "MỤC LỤC HỒ SƠ"
    assert values[1][0] == f"Phông: Phông UBND phường Hồng Gai (mã phông {FONDS_CODE})"
    assert values[2][0] == f"Cơ quan: Ủy ban nhân dân phường Hồng Gai (mã {AGENCY_CODE})"
    header_at = next(i for i, row in enumerate(values) if row[0] == "Số TT")
    assert values[header_at][:7] == STANDARD
    assert sheet.cell(header_at + 1, 1).font.bold
    assert sheet.cell(header_at + 2, 3).alignment.wrap_text
    assert sheet.column_dimensions["C"].width == 60
    data = [row for row in values[header_at + 1 :] if isinstance(row[0], int)]
    assert len(data) == 15 and data[0][1] == "01.VP" and data[0][5] == "1/2"
    assert values[-1][0] == "Tổng số: 15 hồ sơ. Viết bằng chữ: mười lăm hồ sơ."


def test_export_records_an_access_event(kho, tmp_path, records):
    before = Event.objects.filter(event_type="access").count()
    result = kho(
        "export", "inventory", "--fonds", FONDS_CODE, "--format", "csv", "--output", tmp_path / "x.csv", "--json"
    )
    payload = result.json()
    assert payload == payload | {"ok": True, "fonds": FONDS_CODE, "format": "csv", "records": 15}
    event = Event.objects.filter(event_type="access").latest("seq")
    assert Event.objects.filter(event_type="access").count() == before + 1
    assert (event.object_type, event.object_id) == ("fonds", FONDS_CODE)
    assert payload["sha256"] in event.data


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_a_fresh_fonds(kho, tmp_path, records, fmt):
    before = _snapshot()
    out = tmp_path / f"muc-luc.{fmt}"
    assert kho("export", "inventory", "--fonds", FONDS_CODE, "--format", fmt, "--output", out).code == 0
    Record.objects.all().delete()
    Fonds.objects.all().delete()
    result = kho("import", "records", out, "--json")
    assert result.code == 0, result.out + result.err
    assert result.json()["fonds_created"] == [FONDS_CODE]
    assert result.json()["created"] == 15
    assert _snapshot() == before
    assert Fonds.objects.get().name == "Phông UBND phường Hồng Gai"


def test_reimporting_an_export_into_the_same_fonds_is_a_conflict(kho, tmp_path, records):
    out = tmp_path / "muc-luc.xlsx"
    assert kho("export", "inventory", "--fonds", FONDS_CODE, "--output", out).code == 0
    again = kho("import", "records", out)
    assert again.code == 4
    assert "dòng 7, cột Mã hồ sơ: hồ sơ “H49.64.33.2020.01.VP” đã có trong kho" in again.err


def test_default_output_name_in_current_directory(kho, tmp_path, monkeypatch, records):
    monkeypatch.chdir(tmp_path)
    assert kho("export", "inventory", "--fonds", FONDS_CODE, "--format", "csv").code == 0
    assert (tmp_path / f"muc-luc-{FONDS_CODE}.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".muc-luc")] == []


def test_empty_fonds(kho, tmp_path, fonds):
    out = tmp_path / "e.csv"
    assert kho("export", "inventory", "--fonds", FONDS_CODE, "--format", "csv", "--output", out).code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[-1] == "Tổng số: 0 hồ sơ. Viết bằng chữ: không hồ sơ."


def test_unknown_fonds_is_exit_3(kho, tmp_path, fonds):
    result = kho("export", "inventory", "--fonds", "NOPE", "--output", tmp_path / "x.xlsx")
    assert result.code == 3
    assert "Không có phông mã “NOPE”" in result.err
    assert not (tmp_path / "x.xlsx").exists()


def test_unwritable_output_is_exit_2(kho, tmp_path, fonds):
    result = kho("export", "inventory", "--fonds", FONDS_CODE, "--output", tmp_path / "no-dir" / "x.xlsx")
    assert result.code == 2
    assert "Không ghi được" in result.err


def test_inventory_columns_lead_the_export():
    assert EXPORT_COLUMNS[: len(INVENTORY_COLUMNS)] == INVENTORY_COLUMNS
