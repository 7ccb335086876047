"""`kho handover import`: reorganization tables (old communes → new commune), all or nothing."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from kho.agencies.models import Agency, AgencyStatus
from kho.handover.models import Participant, ReorganizationEvent
from kho.records.models import Fonds
from tests import factories

from .conftest import write_table

pytestmark = pytest.mark.django_db

HEADER = [
    "Cơ quan cũ (mã)",
    "Tên cơ quan cũ",
    "Cơ quan mới (mã)",
    "Tên cơ quan mới",
    "Hình thức",
    "Ngày hiệu lực",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan nhận phông",
]


@pytest.fixture
def communes(world):
    """Three communes of the district, each with an open fonds."""
    made = []
    for n, name in ((1, "Sơn Dương"), (2, "Dân Chủ"), (3, "Quảng La")):
        commune = factories.agency(f"H49.64.{n:02d}", name=f"Ủy ban nhân dân xã {name}", parent=world.district)
        factories.fonds(owner=commune)
        made.append(commune)
    return made


def _good_rows():
    return [
        HEADER,
        [
            "H49.64.01",
            "UBND xã Sơn Dương",
            "H49.64.90",
            "Ủy ban nhân dân xã Hoành Bồ",
            "Sáp nhập",
            "01/07/2025",
            "1680/NQ-UBTVQH15",
            "16/06/2025",
            "",
        ],
        [
            "H49.64.02",
            "UBND xã Dân Chủ",
            "H49.64.90",
            "Ủy ban nhân dân xã Hoành Bồ",
            "sáp nhập",
            "01/07/2025",
            "1680/NQ-UBTVQH15",
            "16/06/2025",
            "",
        ],
        [
            "H49.64.03",
            "UBND xã Quảng La",
            "H49.64.90",
            "",
            "Hợp nhất",
            "01/07/2025",
            "1680/NQ-UBTVQH15",
            "16/06/2025",
            "",
        ],
        [
            "H49.64",
            "UBND huyện Hoành Bồ",
            "H49.01",
            "",
            "Giải thể",
            "01/07/2025",
            "1234/QĐ-UBND",
            "16/06/2025",
            "H49.20",
        ],
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rows_with_the_same_new_agency_form_one_merge_event(world, communes, kho, tmp_path, suffix):
    path = write_table(tmp_path / f"sap-xep{suffix}", _good_rows())

    result = kho("handover", "import", path, "--json")

    assert result.code == 0, result.err
    data = result.json()
    assert data["agencies_created"] == ["H49.64.90"]
    dissolve, merge = sorted(data["events"], key=lambda e: e["kind"])
    assert merge["predecessors"] == ["H49.64.01", "H49.64.02", "H49.64.03"] and merge["successors"] == ["H49.64.90"]
    assert dissolve["predecessors"] == ["H49.64"] and dissolve["successors"] == ["H49.01"]
    new = Agency.objects.get(code="H49.64.90")
    assert (new.name, new.valid_from, new.parent, new.level) == (
        "Ủy ban nhân dân xã Hoành Bồ",
        dt.date(2025, 7, 1),
        world.district,
        communes[0].level,
    )
    assert ReorganizationEvent.objects.filter(applied_at__isnull=True).count() == 2
    assert Participant.objects.get(agency=world.district).fonds_receiver == world.archive
    assert Agency.objects.get(code="H49.64.01").status == AgencyStatus.ENDING


def test_import_and_apply(world, communes, kho, tmp_path):
    path = write_table(tmp_path / "sap-xep.csv", _good_rows())

    result = kho("handover", "import", path, "--apply", "--json")

    assert result.code == 0, result.err
    assert len(result.json()["applied"]) == 2
    assert set(Fonds.objects.filter(status="closed").values_list("code", flat=True)) == {
        "PH49.64",
        "PH49.64.01",
        "PH49.64.02",
        "PH49.64.03",
    }
    assert Fonds.objects.get(agency__code="H49.64.90").status == "open"
    again = kho("handover", "import", path)
    assert again.code == 4 and "đã được nhập trước đây" in again.err


def test_every_bad_row_is_named_and_nothing_is_written(world, communes, kho, tmp_path):
    rows = [
        HEADER,
        ["H49.64.01", "", "H49.64.90", "Xã Hoành Bồ", "Sáp nhập", "01/07/2025", "1680/NQ", "16/06/2025", ""],
        ["H49.64.02", "", "H49.64.90", "Xã Hoành Bồ", "Sáp nhập", "02/07/2025", "1680/NQ", "16/06/2025", ""],
        ["H49.99", "", "H49.64.91", "", "Sáp nhập", "01/07/2025", "1681/NQ", "", ""],
        ["H49.64.03", "", "H49.64.92", "Xã Mới", "Sáp nhập lại", "31/02/2025", "1682/NQ", "", ""],
        ["H49.64", "", "", "", "Giải thể", "01/07/2025", "", "", "H49.77"],
        ["H49.64.03", "", "h49.64.03", "", "Đổi tên", "01/07/2025", "9/QĐ", "", ""],
    ]
    path = write_table(tmp_path / "loi.csv", rows)
    before = (Agency.objects.count(), ReorganizationEvent.objects.count())

    result = kho("handover", "import", path, "--json")

    assert result.code == 2
    problems = {(p["row"], p["column"]) for p in _problems(result)}
    assert {
        (3, "Ngày hiệu lực"),  # differs from row 2 of the same decision
        (4, "Cơ quan cũ (mã)"),  # unknown old agency
        (4, "Cơ quan mới (mã)"),  # new agency without a name
        (5, "Hình thức"),  # unknown kind
        (5, "Ngày hiệu lực"),  # 31/02
        (6, "Số quyết định"),  # missing
        (6, "Cơ quan nhận phông"),  # unknown receiver
        (7, "Tên cơ quan mới"),  # rename without a new name
    } <= problems
    assert (Agency.objects.count(), ReorganizationEvent.objects.count()) == before
    text = kho("handover", "import", path)
    assert "dòng 4, cột Cơ quan cũ (mã): cơ quan “H49.99” chưa có trong kho" in text.err


def _problems(result):
    return [
        {"row": int(line.split(",")[0].removeprefix("dòng ")), "column": line.split("cột ")[1].split(":")[0]}
        for line in result.json()["error"]["details"]
    ]


def test_refusals_are_reported_on_the_row(world, communes, kho, tmp_path):
    Agency.objects.filter(code="H49.64.02").update(status=AgencyStatus.ENDED, valid_to=dt.date(2025, 1, 1))
    rows = [HEADER, *_good_rows()[1:3]]
    path = write_table(tmp_path / "da-ket-thuc.csv", rows)

    result = kho("handover", "import", path, "--json")

    assert result.code == 2
    details = result.json()["error"]["details"]
    assert details == ["dòng 2, cột Hình thức: cơ quan cũ H49.64.02 đã kết thúc hoạt động từ 01/01/2025"]
    assert not Agency.objects.filter(code="H49.64.90").exists()


def test_nfd_headers_and_values_are_read(world, communes, kho, tmp_path):
    rows = [[unicodedata.normalize("NFD", cell) for cell in row] for row in _good_rows()]
    path = write_table(tmp_path / "nfd.xlsx", rows)

    result = kho("handover", "import", path, "--dry-run", "--json")

    assert result.code == 0, result.err
    assert result.json()["dry_run"] and len(result.json()["events"]) == 2
    assert not ReorganizationEvent.objects.exists()
