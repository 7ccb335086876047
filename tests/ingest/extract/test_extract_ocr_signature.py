"""Signature blocks as Tesseract reads rendered scans: merged columns, seal and signature debris."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kho.ingest.extract import ExtractedMetadata
from kho.ingest.extract._text import is_garbled

Extract = Callable[[str], ExtractedMetadata]

BODY = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 57/UBND-TH
Quảng Ninh, ngày 26 tháng 11 năm 2025
V/v số hóa tài liệu lưu trữ
Kính gửi: Các sở, ban, ngành.
Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.
"""


def test_merged_columns_keep_luu_line_and_seal_debris_out_of_the_title(extract: Extract) -> None:
    """Tesseract on a rendered scan with a red seal: both columns on one line, then seal debris."""
    text = BODY + (
        "Nơi nhận: KT. GIÁM ĐỐC\n"
        "- Như trên; PHÓ GIÁM ĐỐC .\n\n"
        "- Website Sở; :\n"
        "- Giám đốc, các PGĐ Sở; “55% ÏNH Đề\n"
        "- Lưu: VT, TCCB. ế ;)\n\n"
        "Dương Xuân Hải\n"
    )
    meta = extract(text)
    assert (meta.signer_authority, meta.signer_title, meta.signer) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Dương Xuân Hải")


def test_dashed_luu_line_is_not_a_signature_column(extract: Extract) -> None:
    text = BODY + (
        "Nơi nhận: KT. CHỦ TỊCH\n"
        "- Như trên; PHÓ CHỦ TỊCH\n"
        "- Cổng thông tin điện tử; : =\n\n"
        "- Lưu: VT, TH.\n\n"
        "Bùi Thanh Việt\n"
    )
    meta = extract(text)
    assert (meta.signer_authority, meta.signer_title, meta.signer) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Bùi Thanh Việt")


def test_party_block_merged_after_a_comma(extract: Extract) -> None:
    """Party "Nơi nhận" entries end with ",": the position after it is still the signature column."""
    text = BODY + (
        "Nơi nhận: T/M BAN THƯỜNG VỤ\n"
        "- Như trên, Đà ThN\n"
        "- Các đồng chí Tỉnh ủy viên, PHO BI THƯ\n"
        "- Kho Lưu trữ,\n"
        "- Lưu Văn phòng Tỉnh ủy. “\n"
        "Hồ Quang Phong\n"
    )
    meta = extract(text)
    assert (meta.signer_authority, meta.signer_title, meta.signer) == (
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Hồ Quang Phong",
    )
    assert "Các đồng chí Tỉnh ủy viên" in meta.recipients


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        ("“55% ÏNH Đề", True),  # Ï is no Vietnamese letter
        ("VT, TCCB. ế ;)", True),  # under 70 % letters
        ("", True),
        ("Ø", True),
        ("PHÓ GIÁM ĐỐC .", False),
        ("T/M BAN THƯỜNG VỤ", False),
        ("Nguyễn Thị Ngọc Ánh", False),
    ],
)
def test_is_garbled(text: str, *, garbled: bool) -> None:
    assert is_garbled(text) is garbled


def test_misread_noi_nhan_and_one_merged_line(extract: Extract) -> None:
    """ "Nơi nhộn" still anchors the block; a merged anchor line alone is enough; leading ": " is debris."""
    text = BODY + (
        "Nơi nhộn : TM. ỦY BAN NHÂN DÂN\n"
        "- Như trên; :\n"
        "- Thường trực HĐND; : CHU TỊCH\n\n"
        "- Thường trực Đảng ủy;\n"
        "- Lưu: VT, VP.\n\n"
        "Trần Thanh Thảo\n"
    )
    meta = extract(text)
    expected = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Thanh Thảo")
    assert (meta.signer_authority, meta.signer_title, meta.signer) == expected


def test_single_merged_anchor_line(extract: Extract) -> None:
    text = BODY + "Nơi nhận: BỘ TRƯỞNG\n- Bộ trưởng (để b/C); —\n\n- Cổng TTĐT Bộ;\n- Lưu: VT, VP.\n\nTrần Hữu Thắng\n"
    meta = extract(text)
    assert (meta.signer_title, meta.signer) == ("BỘ TRƯỞNG", "Trần Hữu Thắng")
