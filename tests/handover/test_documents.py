"""`kho handover documents`: handover record, inventories and secret list, as PDF and XLSX."""

from __future__ import annotations

import openpyxl
import pytest

from kho.audit.models import Event
from kho.core.codetables import SecrecyLevel
from kho.handover.actions import ApplyReorganizationAction
from kho.handover.documents import HandoverOptions, build_bundle, build_handover_documents
from tests import factories
from tests.access.helpers import user

from .conftest import dissolution, document, pdf_text

pytestmark = pytest.mark.django_db

ROOT = "sha256:" + "ab12" * 16
NAMES = ["bien-ban-giao-nhan", "muc-luc-ho-so", "muc-luc-van-ban", "danh-muc-tai-lieu-mat"]


def _args(out, *extra):
    return ["handover", "documents", "--fonds", "PH49.64", "--receiver", "H49.20", "--output", out, *extra]


def test_handover_record_pdf(world, kho, tmp_path):
    ApplyReorganizationAction(dissolution(world, receivers={})).execute()  # custody with Home Affairs
    out = tmp_path / "giao-nhan"
    result = kho(
        *_args(out, "--root-hash", ROOT.upper().replace("SHA256", "sha256"), "--place", "Quảng Ninh"),
        "--giver-name",
        "Nguyễn Văn An",
        "--giver-position",
        "Phó Giám đốc Sở Nội vụ",
        "--receiver-name",
        "Trần Thị Bình",
        "--receiver-position",
        "Giám đốc Trung tâm Lưu trữ lịch sử",
        "--shelf-metres",
        "0,5",
        "--json",
    )
    assert result.code == 0, result.err
    files = result.json()["files"]
    assert [f.rsplit("/", 1)[1] for f in files] == [f"{name}-PH49.64.pdf" for name in NAMES]

    text = pdf_text(out / "bien-ban-giao-nhan-PH49.64.pdf")
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN",
        "BÊN GIAO: Sở Nội vụ tỉnh Quảng Ninh",  # the custody holder hands over
        "BÊN NHẬN: Trung tâm Lưu trữ lịch sử tỉnh Quảng Ninh",
        "Nguyễn Văn An",
        "Giám đốc Trung tâm Lưu trữ lịch sử",
        "Căn cứ Quyết định số 1234/QĐ-UBND ngày 16/06/2025 của Ủy ban nhân dân tỉnh Quảng Ninh về việc giải thể",
        "1. Tên khối tài liệu giao nộp: Phông Ủy ban nhân dân huyện Hoành Bồ (mã phông PH49.64)",
        "2. Thời gian của tài liệu: 2024 - 2025",
        "Tổng số hộp (cặp): 2 (hai) hộp",
        "Tổng số hồ sơ (đơn vị bảo quản): 3 (ba) hồ sơ",
        "Quy ra mét giá: 0,5 mét",
        "Tài liệu điện tử: 2 (hai) hồ sơ, 4 (bốn) tệp tin; tổng dung lượng 4,0 MB",
        "Tốt: 3 hồ sơ",
        ROOT,
        "ĐẠI DIỆN BÊN GIAO",
        "ĐẠI DIỆN BÊN NHẬN",
        "Quảng Ninh, ngày",
    ):
        assert expected in text, expected
    event = Event.objects.filter(detail="handover documents generated").get()
    assert event.object_id == "PH49.64" and event.payload["root_hash"] == ROOT and len(event.payload["files"]) == 4


def test_placeholder_when_no_root_hash_and_bad_hash_refused(world, kho, tmp_path):
    assert kho(*_args(tmp_path)).code == 0
    text = pdf_text(tmp_path / "bien-ban-giao-nhan-PH49.64.pdf")
    assert "Mã băm SHA-256 của gói tài liệu điện tử: ………" in text and "ghi khi xuất gói" in text
    bad = kho(*_args(tmp_path / "x", "--root-hash", "md5:1234"))
    assert bad.code == 2 and "sha256:<64" in bad.err
    assert not (tmp_path / "x").exists()


def test_record_inventory_rows_and_total_in_words(world, kho, tmp_path):
    assert kho(*_args(tmp_path)).code == 0
    text = pdf_text(tmp_path / "muc-luc-ho-so-PH49.64.pdf")
    assert "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU" in text
    for header in ("Số TT", "Tiêu đề hồ sơ", "Thời hạn bảo quản", "Số tờ/Số trang"):
        assert header in text
    assert "Hồ sơ công tác văn phòng năm 2024 số 3" in text and "01/2024 - 08/2025" in text
    assert "Tổng số: 3 hồ sơ. Viết bằng chữ: ba hồ sơ." in text

    assert kho(*_args(tmp_path, "--format", "xlsx")).code == 0
    sheet = openpyxl.load_workbook(tmp_path / "muc-luc-ho-so-PH49.64.xlsx").active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows.index(
        [
            "Số TT",
            "Số, ký hiệu hồ sơ",
            "Tiêu đề hồ sơ",
            "Thời gian tài liệu",
            "Thời hạn bảo quản",
            "Số tờ/Số trang",
            "Ghi chú",
        ]
    )
    assert rows[header + 1] == [1, "01.VP", "Hồ sơ công tác văn phòng năm 2024 số 1", "2024", "Vĩnh viễn", "4/", None]
    assert rows[-1] == ["Tổng số: 3 hồ sơ. Viết bằng chữ: ba hồ sơ."] + [None] * 6 or rows[-1][0].startswith(
        "Tổng số: 3"
    )


def test_document_inventory_per_record(world, kho, tmp_path):
    assert kho(*_args(tmp_path, "--format", "xlsx")).code == 0
    sheet = openpyxl.load_workbook(tmp_path / "muc-luc-van-ban-PH49.64.xlsx").active
    rows = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    assert [
        "STT",
        "Số, ký hiệu văn bản",
        "Ngày tháng năm",
        "Tên loại và trích yếu",
        "Tác giả",
        "Tờ số/Trang số",
        "Ghi chú",
    ] in rows
    assert ["Hồ sơ số 02.VP (H49.64.2024.02.VP): Hồ sơ công tác văn phòng năm 2024 số 2"] in rows
    assert [1, "01/UBND-VP", "01/03/2024", "Công văn V/v báo cáo công tác số 1", "UBND huyện Hoành Bồ", "1-2"] in rows
    assert [
        3,
        "03/UBND-VP",
        "03/03/2024",
        "Công văn Kế hoạch bảo vệ bí mật nhà nước",
        "UBND huyện Hoành Bồ",
        "5-6",
        "MẬT",
    ] in rows
    assert ["Hồ sơ có 3 văn bản."] in rows
    assert rows[-1] == ["Tổng số: 6 văn bản. Viết bằng chữ: sáu văn bản."]
    assert kho(*_args(tmp_path)).code == 0
    text = pdf_text(tmp_path / "muc-luc-van-ban-PH49.64.pdf")
    assert "MỤC LỤC VĂN BẢN, TÀI LIỆU TRONG HỒ SƠ" in text and "Công văn ban hành sau ngày giải thể" in text


def test_document_lists_are_read_anew_for_each_renderer_in_file_code_order(world):
    """The sections come from the database each time they are iterated (issue #5: never held whole)."""
    empty = factories.record("H49.64.2024.00.VP", in_fonds=world.fonds, title="Hồ sơ chưa có văn bản")
    bundle = build_bundle(world.fonds, world.archive, None)
    first = list(bundle.documents.records)
    document(world.records[2], subject="Văn bản thêm sau khi lập")
    second = list(bundle.documents.records)

    assert [s.heading.split(" (")[1].split(")")[0] for s in first] == [
        empty.file_code,
        *(r.file_code for r in world.records),
    ]
    assert first[0].rows == [] and first[0].total_line == "Hồ sơ có 0 văn bản."
    assert [[row.seq for row in s.rows] for s in first] == [[], [1, 2], [1, 2, 3], [1]]
    assert first[:3] == second[:3] and [row.seq for row in second[3].rows] == [1, 2]
    assert bundle.documents.total_line.startswith("Tổng số: 6 văn bản.")


def test_document_lists_leave_out_records_the_user_may_not_see(world):
    secret_record = world.records[1]
    secret_record.secrecy_level = SecrecyLevel.MAT
    secret_record.save()
    reader = user(role="archivist", agencies=[world.province])
    bundle = build_bundle(world.fonds, world.archive, None, user=reader)
    sections = list(bundle.documents.records)
    assert all(secret_record.file_code not in s.heading for s in sections) and len(sections) == 2
    assert bundle.documents.total_line.startswith(f"Tổng số: {sum(len(s.rows) for s in sections)} văn bản.")


def test_secret_list_for_the_local_operator(world, kho, tmp_path):
    assert kho(*_args(tmp_path)).code == 0
    text = pdf_text(tmp_path / "danh-muc-tai-lieu-mat-PH49.64.pdf")
    assert "DANH MỤC TÀI LIỆU CÓ ĐÓNG DẤU CHỈ MỨC ĐỘ MẬT" in text
    assert "03/UBND-VP" in text and "Kế hoạch bảo vệ bí mật nhà nước" in text and "MẬT" in text
    assert "Tổng số: 1 tài liệu mật. Viết bằng chữ: một tài liệu mật. (MẬT: 1)" in text


def test_secret_details_only_for_a_cleared_user(world, tmp_path):
    uncleared = user(role="archivist", agencies=[world.province])
    bundle = build_bundle(world.fonds, world.archive, None, user=uncleared)
    [row] = bundle.secrets.rows
    assert row.withheld and row.level == "MẬT" and row.number_symbol == "—"
    assert "Kế hoạch" not in row.type_and_subject
    assert "1 tài liệu vượt quá độ mật" in bundle.secrets.withheld_text
    assert all("Kế hoạch" not in r.type_and_subject for rec in bundle.documents.records for r in rec.rows)

    cleared = user(role="archivist", agencies=[world.province], clearance=SecrecyLevel.MAT)
    [row] = build_bundle(world.fonds, world.archive, None, user=cleared).secrets.rows
    assert not row.withheld and row.type_and_subject == "Công văn Kế hoạch bảo vệ bí mật nhà nước"


def test_build_handover_documents_is_callable_by_the_package_exporter(world, tmp_path):
    paths = build_handover_documents(
        world.fonds, world.archive, ROOT, output_dir=tmp_path, fmt="xlsx", options=HandoverOptions(place="Hạ Long")
    )
    assert [p.name for p in paths] == [f"{name}-PH49.64.xlsx" for name in NAMES]
    lines = [r[0] for r in openpyxl.load_workbook(paths[0]).active.iter_rows(values_only=True)]
    assert f"Mã băm SHA-256 của gói tài liệu điện tử: {ROOT}" in lines
    assert "BÊN GIAO: Ủy ban nhân dân huyện Hoành Bồ" in lines


def test_unknown_fonds_or_receiver(world, kho, tmp_path):
    assert kho("handover", "documents", "--fonds", "NOPE", "--receiver", "H49.20", "--output", tmp_path).code == 3
    assert kho("handover", "documents", "--fonds", "PH49.64", "--receiver", "X1", "--output", tmp_path).code == 3
    same = kho("handover", "documents", "--fonds", "PH49.64", "--receiver", "H49.64", "--output", tmp_path)
    assert same.code == 2 and "trùng bên giao" in same.err


def test_layout_is_pure_and_draws_the_party_header(tmp_path):
    """The renderers take plain dataclasses: no database is needed to draw a Party fonds' record."""
    from kho.handover.layout.model import HandoverRecord, Party
    from kho.handover.layout.pdf import handover_record_pdf

    doc = HandoverRecord(
        party_header=True,
        issuer=Party("Văn phòng Tỉnh ủy", "Đảng bộ tỉnh Quảng Ninh"),
        place_date="Hạ Long, ngày 01 tháng 07 năm 2025",
        title="BIÊN BẢN",
        subtitle="Về việc giao nhận hồ sơ, tài liệu phông Huyện ủy Hoành Bồ",
        legal_basis=["Căn cứ Hướng dẫn số 17-HD/VPTW;"],
        giver=Party("Huyện ủy Hoành Bồ"),
        receiver=Party("Kho lưu trữ Tỉnh ủy Quảng Ninh"),
        fonds_line="1. Tên khối tài liệu giao nộp: Phông Huyện ủy Hoành Bồ.",
        time_span="2. Thời gian của tài liệu: 1994 - 2025.",
        quantity_lines=["Tổng số hồ sơ (đơn vị bảo quản): 21 (hai mươi mốt) hồ sơ"],
        condition_lines=["Tình trạng vật lý: Tốt: 21 hồ sơ."],
        inventory_line="5. Mục lục hồ sơ kèm theo.",
        root_hash_line="Mã băm SHA-256 của gói tài liệu điện tử: ……",
        closing="Biên bản này được lập thành hai bản; mỗi bên giữ một bản./.",
    )
    text = pdf_text(handover_record_pdf(doc, tmp_path / "bb.pdf"))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "CỘNG HÒA XÃ HỘI" not in text
    assert "ĐẢNG BỘ TỈNH QUẢNG NINH" in text and "hai mươi mốt" in text and "Đại diện là ông (bà): ……" in text


def test_after_the_event_the_previous_custodian_hands_over(world, kho, tmp_path):
    ApplyReorganizationAction(dissolution(world)).execute()  # custody already with the archive
    result = kho(*_args(tmp_path, "--format", "xlsx"))
    assert result.code == 0, result.err
    lines = [
        r[0]
        for r in openpyxl.load_workbook(tmp_path / "bien-ban-giao-nhan-PH49.64.xlsx").active.iter_rows(values_only=True)
    ]
    assert "BÊN GIAO: Ủy ban nhân dân huyện Hoành Bồ" in lines
    assert "BÊN NHẬN: Trung tâm Lưu trữ lịch sử tỉnh Quảng Ninh" in lines
