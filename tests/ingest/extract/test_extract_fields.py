"""Field-by-field tests of extract_metadata on State and Party documents written for the tests.

Every test takes the ``extract`` fixture, so it runs on the NFC and on the NFD form of its input.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kho.ingest.extract import REVIEW_THRESHOLD, ExtractedMetadata, extract_metadata

Extract = Callable[[str], ExtractedMetadata]

STATE_QD = """BỘ NỘI VỤ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 15/QĐ-BNV
Hà Nội, ngày 05 tháng 01 năm 2025
QUYẾT ĐỊNH
Về việc ban hành Quy chế lưu trữ
hồ sơ điện tử của Bộ Nội vụ
BỘ TRƯỞNG BỘ NỘI VỤ
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;
Theo đề nghị của Chánh Văn phòng Bộ,
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy chế lưu trữ hồ sơ điện tử.
Điều 2. Quyết định số 15/QĐ-BNV này có hiệu lực từ ngày ký./.
Nơi nhận:
- Như Điều 3;
- Văn phòng Chính phủ;
- Lưu: VT, VP.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
(Đã ký)
Nguyễn Văn An
"""

STATE_CV = """UBND TỈNH BẮC NINH
SỞ NỘI VỤ
Số: 12/SNV-VTLT
V/v hướng dẫn chỉnh lý tài liệu
trước khi sáp nhập
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bắc Ninh, ngày 3 tháng 4 năm 2025
Kính gửi:
- Ủy ban nhân dân các xã, phường;
- Các cơ quan chuyên môn thuộc UBND tỉnh.
Thực hiện Công văn số 64-CV/TW, ngày 10/4/2025 của Ban Bí thư về công tác lưu trữ, Sở Nội vụ đề nghị
các cơ quan thực hiện./.
Nơi nhận:
- Như trên;
- Lưu: VT, VTLT.
GIÁM ĐỐC

Trần Thị Bình
"""

STATE_UBND_QD = """ỦY BAN NHÂN DÂN
TỈNH PHÚ THỌ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 84/2025/QĐ-UBND
Phú Thọ, ngày 15 tháng 11 năm 2025
QUYẾT ĐỊNH
QUY ĐỊNH THỜI GIAN HOẠT ĐỘNG CỦA CÁC ĐẠI LÝ INTERNET
TRÊN ĐỊA BÀN TỈNH PHÚ THỌ
ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ
Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;
QUYẾT ĐỊNH:
Điều 1. Phạm vi điều chỉnh./.
Nơi nhận:
- Văn phòng Chính phủ;
- Lưu: VT, VX.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Phùng Thị Kim Nga
"""

PARTY_CV = """BAN CHẤP HÀNH TRUNG ƯƠNG
*
ĐẢNG CỘNG SẢN VIỆT NAM
Số 64-CV/TW
Hà Nội, ngày 10 tháng 4 năm 2025
V/v chỉ đạo công tác lưu trữ tài liệu khi sắp xếp tổ chức bộ máy
Kính gửi: Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung ương
Thực hiện Kết luận số 127-KL/TW, ngày 28-02-2025 của Bộ Chính trị, Ban Bí thư yêu cầu các cấp ủy quản lý
chặt chẽ hồ sơ, tài liệu./.
Nơi nhận:
- Như trên,
- Lưu Văn phòng Trung ương Đảng.
T/M BAN BÍ THƯ
(Đã ký)
Trần Cẩm Tú
"""

PARTY_KL = """BAN CHẤP HÀNH TRUNG ƯƠNG
*
ĐẢNG CỘNG SẢN VIỆT NAM
Số 127-KL/TW
Hà Nội, ngày 28 tháng 02 năm 2025
KẾT LUẬN
CỦA BỘ CHÍNH TRỊ, BAN BÍ THƯ
VỀ TRIỂN KHAI NGHIÊN CỨU, ĐỀ XUẤT TIẾP TỤC SẮP XẾP TỔ CHỨC BỘ MÁY
-----
Tại phiên họp ngày 28/02/2025, Bộ Chính trị, Ban Bí thư kết luận như sau:
1. Giao Đảng ủy Chính phủ chủ trì.
Nơi nhận:
- Các tỉnh ủy, thành ủy,
- Lưu Văn phòng Trung ương Đảng.
T/M BỘ CHÍNH TRỊ
Trần Cẩm Tú
"""

PARTY_TT = """ĐẢNG BỘ TỈNH NGHỆ AN
TỈNH ỦY
*
ĐẢNG CỘNG SẢN VIỆT NAM
Số 05-TT/TU
Nghệ An, ngày 06 tháng 3 năm 2024
THÔNG TRI
về lãnh đạo công tác lưu trữ tài liệu của Đảng
Thực hiện Hướng dẫn số 36-HD/VPTW, ngày 03-4-2018 của Văn phòng Trung ương Đảng, Ban Thường vụ Tỉnh ủy
yêu cầu:./.
Nơi nhận:
- Các huyện ủy,
- Lưu Văn phòng Tỉnh ủy.
T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ THƯỜNG TRỰC
Hoàng Văn Nam
"""

MARKDOWN_CV = """**VĂN
PHÒNG CHÍNH PHỦ**
--------
|
**CỘNG
HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số:
11298/VPCP-KTTH
*V/v: động lực tăng
trưởng kinh tế trong những tháng cuối năm 2025*
|
*Hà Nội, ngày 17
tháng 11 năm 2025*
|
**Kính gửi:** Bộ trưởng, Thủ trưởng các cơ quan ngang Bộ, cơ quan thuộc
Chính phủ
Xét báo cáo của Bộ Tài chính tại văn bản số 621/BC-BTC ngày 11 tháng 11 năm 2025, Phó Thủ tướng có ý kiến./.
|
*Nơi nhận**:*
- Như trên;
- Thủ tướng Chính phủ;
- Lưu: VT, KTTH (02).
|
**KT. BỘ TRƯỞNG,
CHỦ NHIỆM**
PHÓ CHỦ NHIỆM
**Mai Thị Thu Vân**
"""


def test_state_decision_all_fields(extract: Extract) -> None:
    meta = extract(STATE_QD)
    assert meta.issuer == "BỘ NỘI VỤ"
    assert meta.issuer_parent is None
    assert (meta.number, meta.number_symbol) == ("15", "15/QĐ-BNV")
    assert (meta.doc_type, meta.doc_type_code) == ("Quyết định", "02")
    assert (meta.place, meta.issued_date) == ("Hà Nội", "2025-01-05")
    assert meta.summary == "ban hành Quy chế lưu trữ hồ sơ điện tử của Bộ Nội vụ"
    assert (meta.signer, meta.signer_title, meta.signer_authority) == (
        "Nguyễn Văn An",
        "THỨ TRƯỞNG",
        "KT. BỘ TRƯỞNG",
    )
    assert meta.recipients == ["Như Điều 3", "Văn phòng Chính phủ"]
    assert meta.references == ["30/2020/NĐ-CP"]
    assert meta.classification is None
    assert meta.urgency is None
    assert meta.review_fields() == []


def test_state_cong_van_with_parent_and_kinh_gui(extract: Extract) -> None:
    meta = extract(STATE_CV)
    assert (meta.issuer_parent, meta.issuer) == ("UBND TỈNH BẮC NINH", "SỞ NỘI VỤ")
    assert (meta.number, meta.number_symbol) == ("12", "12/SNV-VTLT")
    assert (meta.doc_type, meta.doc_type_code) == ("Công văn", "22")
    assert meta.summary == "hướng dẫn chỉnh lý tài liệu trước khi sáp nhập"
    assert (meta.place, meta.issued_date) == ("Bắc Ninh", "2025-04-03")
    assert meta.recipients == [
        "Ủy ban nhân dân các xã, phường",
        "Các cơ quan chuyên môn thuộc UBND tỉnh",
        "Như trên",
    ]
    assert (meta.signer, meta.signer_title, meta.signer_authority) == ("Trần Thị Bình", "GIÁM ĐỐC", None)
    assert meta.references == ["64-CV/TW"]


def test_state_ubnd_decision_tm_kt(extract: Extract) -> None:
    meta = extract(STATE_UBND_QD)
    assert (meta.issuer, meta.issuer_parent) == ("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", None)
    assert meta.number_symbol == "84/2025/QĐ-UBND"
    assert meta.summary == ("QUY ĐỊNH THỜI GIAN HOẠT ĐỘNG CỦA CÁC ĐẠI LÝ INTERNET TRÊN ĐỊA BÀN TỈNH PHÚ THỌ")
    assert meta.signer_authority == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"
    assert (meta.signer_title, meta.signer) == ("PHÓ CHỦ TỊCH", "Phùng Thị Kim Nga")


def test_party_cong_van(extract: Extract) -> None:
    meta = extract(PARTY_CV)
    assert (meta.issuer, meta.issuer_parent) == ("BAN CHẤP HÀNH TRUNG ƯƠNG", None)
    assert (meta.number, meta.number_symbol) == ("64", "64-CV/TW")
    assert (meta.doc_type, meta.doc_type_code) == ("Công văn", "22")
    assert meta.issued_date == "2025-04-10"
    assert meta.summary == "chỉ đạo công tác lưu trữ tài liệu khi sắp xếp tổ chức bộ máy"
    assert meta.recipients == ["Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung ương", "Như trên"]
    assert (meta.signer, meta.signer_title, meta.signer_authority) == ("Trần Cẩm Tú", None, "T/M BAN BÍ THƯ")
    assert meta.references == ["127-KL/TW"]


def test_party_conclusion_keeps_literal_type(extract: Extract) -> None:
    meta = extract(PARTY_KL)
    assert (meta.doc_type, meta.doc_type_code) == ("Kết luận", "32")
    assert meta.number_symbol == "127-KL/TW"
    assert meta.issued_date == "2025-02-28"
    assert meta.summary == (
        "CỦA BỘ CHÍNH TRỊ, BAN BÍ THƯ VỀ TRIỂN KHAI NGHIÊN CỨU, ĐỀ XUẤT TIẾP TỤC SẮP XẾP TỔ CHỨC BỘ MÁY"
    )
    assert meta.signer == "Trần Cẩm Tú"


def test_party_thong_tri_provincial_committee(extract: Extract) -> None:
    meta = extract(PARTY_TT)
    assert (meta.issuer_parent, meta.issuer) == ("ĐẢNG BỘ TỈNH NGHỆ AN", "TỈNH ỦY")
    assert (meta.doc_type, meta.doc_type_code) == ("Thông tri", "32")
    assert meta.number_symbol == "05-TT/TU"
    assert (meta.place, meta.issued_date) == ("Nghệ An", "2024-03-06")
    assert meta.summary == "về lãnh đạo công tác lưu trữ tài liệu của Đảng"
    assert (meta.signer_authority, meta.signer_title, meta.signer) == (
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "Hoàng Văn Nam",
    )


def test_markdown_header_split_over_lines(extract: Extract) -> None:
    meta = extract(MARKDOWN_CV)
    assert meta.issuer == "VĂN PHÒNG CHÍNH PHỦ"
    assert meta.number_symbol == "11298/VPCP-KTTH"
    assert meta.summary == "động lực tăng trưởng kinh tế trong những tháng cuối năm 2025"
    assert meta.issued_date == "2025-11-17"
    assert meta.recipients[0] == "Bộ trưởng, Thủ trưởng các cơ quan ngang Bộ, cơ quan thuộc Chính phủ"
    assert "Lưu: VT, KTTH (02)" not in meta.recipients
    assert meta.signer_authority == "KT. BỘ TRƯỞNG, CHỦ NHIỆM"
    assert (meta.signer_title, meta.signer) == ("PHÓ CHỦ NHIỆM", "Mai Thị Thu Vân")


# --- number and symbol ----------------------------------------------------------------------------------


def _cv(number_line: str) -> str:
    return STATE_CV.replace("Số: 12/SNV-VTLT", number_line)


@pytest.mark.parametrize(
    ("line", "number", "symbol"),
    [
        ("Số: 15/QĐ-BNV", "15", "15/QĐ-BNV"),
        ("Số: 30/2020/NĐ-CP", "30", "30/2020/NĐ-CP"),
        ("Số 14514-CV/VPTW", "14514", "14514-CV/VPTW"),
        ("Số: 1906 /SGDĐT-CTrTT", "1906", "1906/SGDĐT-CTrTT"),
        ("Số: 11554/VPCP-V.I", "11554", "11554/VPCP-V.I"),
        ("Số: 136/TTr-SVHTT&DL", "136", "136/TTr-SVHTT&DL"),
        ("Số:\n84/2025/QĐ-UBND", "84", "84/2025/QĐ-UBND"),
        ("Số: 3783/QĐ-\nUBND", "3783", "3783/QĐ-UBND"),
    ],
)
def test_number_symbol_forms(extract: Extract, line: str, number: str, symbol: str) -> None:
    meta = extract(_cv(line))
    assert (meta.number, meta.number_symbol) == (number, symbol)
    assert meta.confidence["number_symbol"] >= 0.9


@pytest.mark.parametrize("label", ["Sô:", "S6:", "Số :", "So:", "SỐ:"])
def test_number_label_ocr_noise(extract: Extract, label: str) -> None:
    meta = extract(_cv(f"{label} 12/SNV-VTLT"))
    assert meta.number_symbol == "12/SNV-VTLT"


def test_number_digit_misread_as_letter_o(extract: Extract) -> None:
    meta = extract(_cv("Số: 1O/SNV-VTLT"))
    assert (meta.number, meta.number_symbol) == ("10", "10/SNV-VTLT")
    assert "number_symbol" in meta.review_fields()


def test_symbol_without_stroke_on_d_is_kept_but_flagged(extract: Extract) -> None:
    text = STATE_QD.replace("Số: 15/QĐ-BNV", "So: 15/QD-BNV").replace("QUYẾT ĐỊNH\nVề", "QUYET DINH\nVề")
    meta = extract(text)
    assert meta.number_symbol == "15/QD-BNV"
    assert meta.confidence["number_symbol"] < 0.8
    assert "number_symbol" in meta.review_fields()
    assert (meta.doc_type, meta.doc_type_code) == ("Quyết định", "02")
    assert any(finding["field"] == "number_symbol" for finding in meta.qc)


def test_no_number_label_means_no_number(extract: Extract) -> None:
    meta = extract("Kính gửi: Thuế tỉnh Tây Ninh.\nCục Thuế nhận được công văn số 2094/TNI-CNTK của Thuế tỉnh.")
    assert meta.number_symbol is None
    assert meta.number is None
    assert meta.confidence["number_symbol"] == 0.0
    assert "number_symbol" in meta.review_fields()
    assert meta.references == ["2094/TNI-CNTK"]


# --- document type --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_line", "symbol", "name", "code"),
    [
        ("QUYẾT ĐỊNH", "15/QĐ-BNV", "Quyết định", "02"),
        ("NGHỊ QUYẾT", "375/NQ-CP", "Nghị quyết", "01"),
        ("CHỈ THỊ", "05/CT-TTg", "Chỉ thị", "03"),
        ("CÔNG ĐIỆN", "220/CĐ-TTg", "Công điện", "23"),
        ("THÔNG BÁO KẾT LUẬN", "432-TB/VPTW", "Thông báo", "07"),
        ("KẾ HOẠCH", "980/KH-UBND", "Kế hoạch", "10"),
        ("TỜ TRÌNH", "12/TTr-UBND", "Tờ trình", "15"),
        ("THÔNG TƯ", "33/2025/TT-BKHCN", "Thông tư", "32"),
        ("NGHỊ ĐỊNH", "30/2020/NĐ-CP", "Nghị định", "32"),
        ("QUYET DINH", "15/QĐ-BNV", "Quyết định", "02"),
    ],
)
def test_doc_type_from_type_line(extract: Extract, type_line: str, symbol: str, name: str, code: str) -> None:
    text = STATE_QD.replace("QUYẾT ĐỊNH\nVề", f"{type_line}\nVề").replace("15/QĐ-BNV", symbol)
    meta = extract(text)
    assert (meta.doc_type, meta.doc_type_code) == (name, code)


@pytest.mark.parametrize(
    ("symbol", "name", "code"),
    [
        ("12/UBND-VX", "Công văn", "22"),
        ("25/BC-UBND", "Báo cáo", "14"),
        ("40-HD/VPTW", "Hướng dẫn", "08"),
        ("66-QĐ/TW", "Quyết định", "02"),
        ("02-KH/TU", "Kế hoạch", "10"),
        ("46/VBHN-BTC", "Văn bản hợp nhất", "32"),
    ],
)
def test_doc_type_from_symbol_when_no_type_line(extract: Extract, symbol: str, name: str, code: str) -> None:
    text = f"ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: {symbol}\nNghệ An, ngày 18 tháng 11 năm 2025\nNội dung.\n"
    meta = extract(text)
    assert (meta.doc_type, meta.doc_type_code) == (name, code)


# --- place and date -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "place", "date"),
    [
        ("Hà Nội, ngày 05 tháng 01 năm 2020", "Hà Nội", "2020-01-05"),
        ("Hà Nội, ngày 5 tháng 1 năm 2020", "Hà Nội", "2020-01-05"),
        ("Đà Nẵng, ngày 26tháng 7 năm 2020", "Đà Nẵng", "2020-07-26"),
        ("Ha Noi, ngay 10 thang 4 nam 2025", "Ha Noi", "2025-04-10"),
        ("Thành phố Hồ Chí Minh, ngày 28 tháng 11 năm 2025", "Thành phố Hồ Chí Minh", "2025-11-28"),
        ("TP. Hồ Chí Minh, ngày 28 tháng 11 năm 2025", "TP. Hồ Chí Minh", "2025-11-28"),
        ("Hà Nội ngày 01 tháng 12 năm 2025", "Hà Nội", "2025-12-01"),
        ("Hà Nội, ngày 21 tháng 11 năm\n2025", "Hà Nội", "2025-11-21"),
    ],
)
def test_place_and_date_forms(extract: Extract, line: str, place: str, date: str) -> None:
    meta = extract(STATE_CV.replace("Bắc Ninh, ngày 3 tháng 4 năm 2025", line))
    assert (meta.place, meta.issued_date) == (place, date)


def test_date_with_letter_o_for_zero_is_read_and_flagged(extract: Extract) -> None:
    meta = extract(STATE_CV.replace("ngày 3 tháng 4 năm 2025", "ngày 1O tháng 4 năm 2025"))
    assert meta.issued_date == "2025-04-10"
    assert "issued_date" in meta.review_fields()


def test_invalid_date_is_not_returned(extract: Extract) -> None:
    meta = extract(STATE_CV.replace("ngày 3 tháng 4 năm 2025", "ngày 31 tháng 02 năm 2025"))
    assert meta.issued_date is None
    assert meta.confidence["issued_date"] == 0.0


def test_body_date_is_not_the_issue_date(extract: Extract) -> None:
    text = "Kính gửi: Sở Nội vụ\nNgày 15 tháng 11 năm 2025, tại Hà Nội, Bộ Nội vụ đã họp.\n"
    assert extract(text).issued_date is None


# --- summary (trích yếu) --------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["V/v", "V/v:", "Vlv", "Ví", "V/V", "v/v"])
def test_vv_prefix_variants(extract: Extract, prefix: str) -> None:
    meta = extract(STATE_CV.replace("V/v hướng dẫn", f"{prefix} hướng dẫn"))
    assert meta.summary == "hướng dẫn chỉnh lý tài liệu trước khi sáp nhập"
    assert meta.doc_type == "Công văn"


def test_vv_alone_on_its_line(extract: Extract) -> None:
    meta = extract(STATE_CV.replace("V/v hướng dẫn", "V/v\nhướng dẫn"))
    assert meta.summary == "hướng dẫn chỉnh lý tài liệu trước khi sáp nhập"


def test_summary_stops_at_authority_heading_and_can_cu(extract: Extract) -> None:
    meta = extract(STATE_UBND_QD)
    assert "CĂN CỨ" not in (meta.summary or "").upper()
    assert not (meta.summary or "").endswith("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ")


def test_summary_ve_viec_prefix_removed_in_upper_case(extract: Extract) -> None:
    text = STATE_UBND_QD.replace("QUY ĐỊNH THỜI GIAN", "VỀ VIỆC QUY ĐỊNH THỜI GIAN")
    assert (extract(text).summary or "").startswith("QUY ĐỊNH THỜI GIAN")


# --- signature ------------------------------------------------------------------------------------------


def _signed(block: str) -> str:
    return STATE_CV.replace("GIÁM ĐỐC\n\nTrần Thị Bình\n", block)


@pytest.mark.parametrize(
    ("block", "authority", "title", "signer"),
    [
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nLê Văn Cường\n", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Cường"),
        ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nVõ Thị Hoa\n", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Võ Thị Hoa"),
        (
            "TL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG\n(Đã ký)\nĐỗ Minh Tâm\n",
            "TL. GIÁM ĐỐC",
            "CHÁNH VĂN PHÒNG",
            "Đỗ Minh Tâm",
        ),
        (
            "TUQ. CHỦ TỊCH\nGIÁM ĐỐC SỞ NỘI VỤ\nNgô Quang Huy\n",
            "TUQ. CHỦ TỊCH",
            "GIÁM ĐỐC SỞ NỘI VỤ",
            "Ngô Quang Huy",
        ),
        ("Q. GIÁM ĐỐC\n\nBùi Văn Long\n", "Q. GIÁM ĐỐC", "GIÁM ĐỐC", "Bùi Văn Long"),
        ("T/M BAN THƯỜNG VỤ\nBÍ THƯ\nPhan Văn Mãi\n", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Phan Văn Mãi"),
        ("K/T BÍ THƯ\nPHÓ BÍ THƯ\nĐặng Văn Hải\n", "K/T BÍ THƯ", "PHÓ BÍ THƯ", "Đặng Văn Hải"),
        (
            "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG\nLý Thị Mai\n",
            "T/L BAN THƯỜNG VỤ",
            "CHÁNH VĂN PHÒNG",
            "Lý Thị Mai",
        ),
        (
            "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nThượng tướng Vũ Hải Sản\n",
            "KT. BỘ TRƯỞNG",
            "THỨ TRƯỞNG",
            "Vũ Hải Sản",
        ),
    ],
)
def test_signature_authorities(extract: Extract, block: str, authority: str | None, title: str, signer: str) -> None:
    meta = extract(_signed(block))
    assert (meta.signer_authority, meta.signer_title, meta.signer) == (authority, title, signer)


def test_signature_found_before_appendix(extract: Extract) -> None:
    text = STATE_UBND_QD + "PHỤ LỤC\nDANH MỤC THỦ TỤC HÀNH CHÍNH\nSTT\nTên thủ tục\n1\nCấp phép\n"
    assert extract(text).signer == "Phùng Thị Kim Nga"


def test_signature_in_ocr_lines_merged_with_noi_nhan(extract: Extract) -> None:
    text = STATE_CV.split("Nơi nhận:")[0] + (
        "Nơi nhận: GIÁM ĐỐC\n"
        "Như trên; (Đã ký và đóng dấu)\n"
        "Bộ Nội vụ;\n"
        "Thành ủy, HĐND, UBND thành phố; Lê Thị Bích Thuận\n"
        "Lưu: VT, VTLT.\n"
    )
    meta = extract(text)
    assert (meta.signer_title, meta.signer) == ("GIÁM ĐỐC", "Lê Thị Bích Thuận")
    assert meta.recipients[-3:] == ["Như trên", "Bộ Nội vụ", "Thành ủy, HĐND, UBND thành phố"]


def test_no_signature_block(extract: Extract) -> None:
    meta = extract(STATE_CV.split("Nơi nhận:")[0])
    assert meta.signer is None
    assert meta.confidence["signer"] == 0.0
    assert {"code": "missing_field", "field": "signer"}.items() <= next(
        finding for finding in meta.qc if finding["field"] == "signer"
    ).items()


# --- stamps ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mark", ["MẬT", "TỐI MẬT", "TUYỆT MẬT"])
def test_secrecy_stamp(extract: Extract, mark: str) -> None:
    meta = extract(STATE_CV.replace("V/v hướng dẫn", f"{mark}\nV/v hướng dẫn"))
    assert meta.classification == mark
    assert meta.confidence["classification"] >= 0.9


@pytest.mark.parametrize(("mark", "expected"), [("KHẨN", "KHẨN"), ("THƯỢNG KHẨN", "THƯỢNG KHẨN"),
                                                ("HỎA TỐC", "HỎA TỐC"), ("HOẢ TỐC", "HỎA TỐC")])  # fmt: skip
def test_urgency_stamp(extract: Extract, mark: str, expected: str) -> None:
    meta = extract(STATE_CV.replace("V/v hướng dẫn", f"{mark}\nV/v hướng dẫn"))
    assert meta.urgency == expected


def test_secrecy_and_urgency_together(extract: Extract) -> None:
    meta = extract(STATE_CV.replace("V/v hướng dẫn", "TỐI MẬT\nHỎA TỐC\nV/v hướng dẫn"))
    assert (meta.classification, meta.urgency) == ("TỐI MẬT", "HỎA TỐC")


def test_words_mat_and_khan_in_sentences_are_not_stamps(extract: Extract) -> None:
    text = STATE_CV.replace(
        "Sở Nội vụ đề nghị",
        "Khẩn trương bảo vệ bí mật nhà nước; tài liệu mật phải được quản lý chặt chẽ.\nSở Nội vụ đề nghị",
    ).replace("V/v hướng dẫn chỉnh lý", "V/v khẩn trương bảo vệ bí mật và chỉnh lý")
    meta = extract(text)
    assert (meta.classification, meta.urgency) == (None, None)


# --- recipients -----------------------------------------------------------------------------------------


def test_recipients_drop_archive_line(extract: Extract) -> None:
    meta = extract(STATE_QD)
    assert all(not item.startswith("Lưu") for item in meta.recipients)


def test_recipients_ocr_list_without_dashes(extract: Extract) -> None:
    text = STATE_CV.replace(
        "- Ủy ban nhân dân các xã, phường;\n- Các cơ quan chuyên môn thuộc UBND tỉnh.",
        "Ủy ban nhân dân các xã, phường;\nCác cơ quan chuyên môn thuộc UBND tỉnh.",
    )
    assert extract(text).recipients[:2] == ["Ủy ban nhân dân các xã, phường", "Các cơ quan chuyên môn thuộc UBND tỉnh"]


@pytest.mark.parametrize(
    ("line", "expected", "lowered"),
    [
        ("Số:'09/KH-STC Lạng Sơn, ngày 11 tháng 10 năm 2025", "09/KH-STC", False),  # stray quote after the colon
        ("Số44-KLĐU „ Vĩnh Bảo, ngày 08 tháng 4 năm 2025", "44-KL/ĐU", True),  # Party slash lost by OCR
        ("Số 09-CV/\u00d0U Quang Trung, ngày 08 tháng 7 năm 2025", "09-CV/ĐU", False),  # eth read for Đ
    ],
)
def test_ocr_confusions_seen_on_rendered_scans(line: str, expected: str, *, lowered: bool) -> None:
    meta = extract_metadata(f"ĐẢNG ỦY XÃ QUANG TRUNG\n*\n{line}\nKẾT LUẬN\nvề công tác lưu trữ\n")
    assert meta.number_symbol == expected
    assert (meta.confidence["number_symbol"] < REVIEW_THRESHOLD) is lowered


def test_vv_whose_second_v_ocr_lost() -> None:
    text = (
        "TỈNH ỦY AN GIANG\n*\nSố 1998-CV/TU Rạch Giá, ngày 15 tháng 5 năm 2025\nV/ quản lý hồ sơ\nKính gửi: Các ban\n"
    )
    meta = extract_metadata(text)
    assert meta.summary == "quản lý hồ sơ"
    assert meta.doc_type_code == "22"


def test_vv_with_a_fraction_slash_and_a_speck() -> None:
    text = (
        "TỈNH ỦY ĐỒNG NAI\n*\nSố 02-CV/TU Biên Hòa, ngày 28 tháng 7 năm 2025\n"
        "V\u2044%v thu thập tài liệu vào Kho Lưu trữ Tỉnh\nủy\n\nKính gửi: - Các đảng ủy trực thuộc;\n"
    )
    assert extract_metadata(text).summary == "thu thập tài liệu vào Kho Lưu trữ Tỉnh ủy"
