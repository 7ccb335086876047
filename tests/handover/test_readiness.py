"""`kho handover readiness`: what still blocks the handover of an ending agency, and the days left."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.utils import timezone

from kho.agencies.models import Agency
from kho.handover.models import ReadinessSnapshot
from kho.handover.readiness import build_readiness
from kho.records.models import Document

from .conftest import digital_object, dissolution, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ending(world):
    """The district ends in ten days; files never checked, failed and stale; a document without metadata."""
    today = timezone.localdate()
    Agency.objects.filter(pk=world.district.pk).update(valid_to=today + dt.timedelta(days=10))
    world.district.refresh_from_db()
    long_ago = timezone.now() - dt.timedelta(days=45)
    digital_object(world.late, checked=None)
    digital_object(world.secret, checked=timezone.now(), ok=False)
    digital_object(Document.objects.get(record=world.records[0], ordinal=2), checked=long_ago)  # a stale copy
    Document.objects.filter(pk=world.late.pk).update(number_symbol="", subject="", type_code="")
    return world


def test_readiness_json(ending, kho):
    result = kho("handover", "readiness", "H49.64", "--fixity-days", "30")

    assert result.code == 0, result.err
    data = result.json()
    assert data["days_left"] == 10 and data["ready"] is False
    assert data["totals"] == {"records": 3, "documents": 6, "objects": 7}
    checks = data["checks"]
    assert [r[1] for r in checks["records"]["rows"]] == ["H49.64.2024.02.VP", "H49.64.2024.03.VP"]
    assert checks["metadata"]["rows"] == [["1", "H49.64.2024.03.VP.0000001", "số, ký hiệu, tên loại, trích yếu"]]
    fixity = {r[1]: r[3] for r in checks["fixity"]["rows"]}
    assert fixity["H49.64.2024.03.VP.0000001"] == "chưa kiểm tra"
    assert fixity["H49.64.2024.02.VP.0000003"] == "lỗi toàn vẹn"
    assert fixity["H49.64.2024.01.VP.0000002"].startswith("kiểm tra lần cuối")
    assert checks["fixity"]["count"] == 3
    assert checks["sheets"]["rows"] == [["1", "H49.64.2024.03.VP", "4", "2"]]
    wider = kho("handover", "readiness", "H49.64", "--fixity-days", "60").json()
    assert wider["checks"]["fixity"]["count"] == 2


def test_readiness_pdf(ending, kho, tmp_path):
    out = tmp_path / "san-sang.pdf"
    result = kho("handover", "readiness", "H49.64", "--format", "pdf", "--output", out, "--save", "--json")

    assert result.code == 0, result.err
    assert result.json()["days_left"] == 10
    text = pdf_text(out)
    for expected in (
        "BÁO CÁO MỨC SẴN SÀNG GIAO NHẬN TÀI LIỆU",
        "Ủy ban nhân dân huyện Hoành Bồ (mã H49.64)",
        "còn 10 ngày",
        "Hồ sơ chưa số hóa hoặc chưa kiểm tra (2)",
        "Tài liệu thiếu siêu dữ liệu chính",
        "H49.64.2024.03.VP.0000001",
        "lỗi toàn vẹn",
        "Hồ sơ có số tờ không khớp số trang đã quét (1)",
        "Chưa sẵn sàng: còn 7 mục cần xử lý.",
    ):
        assert expected in text, expected
    snapshot = ReadinessSnapshot.objects.get()
    assert snapshot.counts["fixity"] == 3 and snapshot.counts["days_left"] == 10


def test_readiness_xlsx(ending, kho, tmp_path):
    out = tmp_path / "san-sang.xlsx"
    assert kho("handover", "readiness", "H49.64", "--format", "xlsx", "--output", out).code == 0

    book = openpyxl.load_workbook(out)
    summary = [list(r) for r in book["Tổng hợp"].iter_rows(values_only=True)]
    assert summary[0][0] == "BÁO CÁO MỨC SẴN SÀNG GIAO NHẬN TÀI LIỆU"
    assert any(str(r[0]).startswith("Kết thúc hoạt động ngày") and "còn 10 ngày" in r[0] for r in summary)
    assert ["Hồ sơ chưa số hóa hoặc chưa kiểm tra", 2] in summary
    sheets = [list(r) for r in book["sheets"].iter_rows(values_only=True)]
    assert ["1", "H49.64.2024.03.VP", "4", "2"] in sheets


def test_days_left_from_a_stored_event_and_after_the_end(world):
    dissolution(world)  # not applied: valid_to is still empty
    report = build_readiness(world.district, today=dt.date(2025, 6, 21))
    assert (report.end_date, report.days_left) == (dt.date(2025, 7, 1), 10)
    later = build_readiness(world.district, today=dt.date(2025, 7, 11))
    assert later.days_left == -10 and "10 ngày trước" in later.heading_lines[2]


def test_ready_when_nothing_is_left(world):
    Document.objects.filter(pk__in=[world.late.pk, world.secret.pk]).delete()
    for record in world.records:
        record.digitization_status = "verified"
        record.number_of_paper = None
        record.save()
    report = build_readiness(world.district)
    assert report.ready and report.summary_line.startswith("Sẵn sàng")
