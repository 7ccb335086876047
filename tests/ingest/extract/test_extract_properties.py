"""Property tests (style rule 27): extract_metadata is total and its result keeps its contract."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kho.ingest.extract import REVIEW_THRESHOLD, ExtractedMetadata, extract_metadata, extract_references

KEYS = [
    "issuer",
    "issuer_parent",
    "number",
    "number_symbol",
    "doc_type",
    "doc_type_code",
    "issued_date",
    "place",
    "summary",
    "signer",
    "signer_title",
    "signer_authority",
    "classification",
    "urgency",
    "recipients",
    "references",
    "pages",
    "text",
    "confidence",
    "qc",
]

# Fragments of real headers, so that generated texts reach the deeper code paths, not only the fallbacks.
FRAGMENTS = [
    "Số: 15/QĐ-BNV",
    "Số 64-CV/TW",
    "S6: 1O/QD-",
    "Hà Nội, ngày 05 tháng 01 năm 2025",
    "ngày 31 tháng 02 năm 9999",
    "QUYẾT ĐỊNH",
    "KẾT LUẬN",
    "V/v",
    "Vlv ",
    "Kính gửi:",
    "Nơi nhận:",
    "- Lưu: VT;",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "T/M",
    "Q. ",
    "(Đã ký)",
    "Nguyễn Văn An",
    "MẬT",
    "HỎA TỐC",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "**",
    "*",
    "|",
    "\n",
    "\n\n",
    "-----",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
    "Official Dispatch No. 64-CV/TW, dated April 10, 2025 of the",
    "./.",
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40).map("".join)


def _check_contract(meta: ExtractedMetadata, source: str) -> None:
    data = meta.as_dict()
    assert list(data) == KEYS
    assert data["text"] == unicodedata.normalize("NFC", source)
    assert data["pages"] == 1
    assert isinstance(data["recipients"], list)
    assert isinstance(data["references"], list)
    assert all(0.0 <= value <= 1.0 for value in data["confidence"].values())
    assert set(meta.review_fields()) == {k for k, v in meta.confidence.items() if v < REVIEW_THRESHOLD}
    assert data["classification"] in (None, "MẬT", "TỐI MẬT", "TUYỆT MẬT")
    assert data["urgency"] in (None, "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")
    if meta.number_symbol is not None:
        assert meta.number_symbol not in meta.references
    for value in data.values():
        if isinstance(value, str) and value is not data["text"]:
            assert unicodedata.is_normalized("NFC", value)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    _check_contract(extract_metadata(text), text)
    extract_references(text)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_never_raises_on_document_like_text(text: str) -> None:
    _check_contract(extract_metadata(text), text)


@settings(max_examples=100, deadline=None)
@given(documents)
def test_nfc_and_nfd_inputs_give_the_same_result(text: str) -> None:
    nfc = extract_metadata(unicodedata.normalize("NFC", text)).as_dict()
    nfd = extract_metadata(unicodedata.normalize("NFD", text)).as_dict()
    assert nfc == nfd


@settings(max_examples=100, deadline=None)
@given(documents)
def test_extraction_is_deterministic_and_copies_are_independent(text: str) -> None:
    first = extract_metadata(text)
    data = first.as_dict()
    data["recipients"].append("x")
    data["confidence"]["issuer"] = 2.0
    assert extract_metadata(text) == first


def test_with_pages_and_qc_build_copies() -> None:
    meta = extract_metadata("Số: 15/QĐ-BNV")
    finding = {"code": "blank_page", "message": "Page %(page)s is blank.", "page": "2"}
    updated = meta.with_pages(3).with_qc([finding])
    assert (updated.pages, meta.pages) == (3, 1)
    assert updated.qc[-1] == finding
    assert finding not in meta.qc
    assert updated.qc[:-1] == meta.qc
