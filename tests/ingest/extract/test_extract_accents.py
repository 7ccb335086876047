"""Tone-mark restoration of agency names read by OCR (``restore_accents``) and its use by the extractor."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kho.core.text import fold_vi
from kho.ingest.extract import ExtractedMetadata
from kho.ingest.extract._accents import restore_accents
from kho.ingest.extract._admin_words import GENERIC, PLACE_NAMES

Extract = Callable[[str], ExtractedMetadata]


@pytest.mark.parametrize(
    ("ocr", "expected"),
    [
        ("ỦY BAN NHÂN DÂN TĨNH HÀ TỈNH", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"),  # the phrase decides each "tinh"
        ("UY BAN NHAN DAN TINH HA TINH", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"),  # all marks lost
        ("ĐÃNG ỦY XÃ TIÊN YÊN", "ĐẢNG ỦY XÃ TIÊN YÊN"),
        ("DANG BO TINH QUANG NINH", "ĐẢNG BỘ TỈNH QUẢNG NINH"),  # đ read as d comes back too
        ("HUYỆN ŨY KIM SƠN", "HUYỆN ỦY KIM SƠN"),
        ("SỞ VĂN HÓA, THẾ THAO VÀ DU LỊCH", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),  # punctuation kept
        ("BAN CHẤP HÀNH TRUNG ƯƠNG", "BAN CHẤP HÀNH TRUNG ƯƠNG"),
        ("PHÓ CHŨ TỊCH", "PHÓ CHỦ TỊCH"),
        ("T/M BAN THUỜNG VỤ", "T/M BAN THƯỜNG VỤ"),
        ("KT. BỘ TRUỞNG", "KT. BỘ TRƯỞNG"),
        ("Ủy ban nhân dân tinh Quảng Tri", "Ủy ban nhân dân tỉnh Quảng Trị"),  # case of each word kept
        ("ủy ban nhân dân tĩnh", "ủy ban nhân dân tỉnh"),
        ("THÀNH PHỐ HỒ CHI MINH", "THÀNH PHỐ HỒ CHÍ MINH"),
        ("BÀ RỊA - VŨNG TAU", "BÀ RỊA - VŨNG TÀU"),
    ],
)
def test_tone_marks_are_restored(ocr: str, expected: str, as_form: Callable[[str], str]) -> None:
    assert restore_accents(as_form(ocr)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "XÃ THANH SƠN",  # "thanh" is THÀNH in THÀNH PHỐ, but a lone syllable of a name is not touched
        "ĐẢNG ỦY XÃ HÒA AN",  # "hoa" is HÓA in VĂN HÓA: no phrase covers it here
        "CÔNG TY TNHH MỘT THÀNH VIÊN",  # no word of the vocabulary
        "TRƯỜNG TRUNG HỌC",  # "truong" alone is TRƯỞNG or TRƯỜNG: ambiguous, left alone
        "ỦY BAN NHÂN DÂN TỈNH KHÁNH HOÀ",  # old tone placement of a known name is kept as printed
        "UỶ BAN NHÂN DÂN",
        "",
        "12/UBND-VX",
    ],
)
def test_unknown_ambiguous_and_correct_words_are_untouched(text: str, as_form: Callable[[str], str]) -> None:
    assert restore_accents(as_form(text)) == text


def test_ambiguous_folded_phrase_is_left_alone() -> None:
    # "BỘ GIÁO DỤC" and "BỘ GIAO THÔNG" share the folded bigram "bo giao": without the next word, no choice.
    assert restore_accents("BỘ GIAÓ") == "BỘ GIAÓ"
    assert restore_accents("BỘ GIAO DỤC VÀ ĐÀO TẠO") == "BỘ GIÁO DỤC VÀ ĐÀO TẠO"
    assert restore_accents("BỘ GIÁO THÔNG VẬN TẢI") == "BỘ GIAO THÔNG VẬN TẢI"


def test_none_passes_and_output_is_nfc() -> None:
    assert restore_accents(None) is None
    nfd = unicodedata.normalize("NFD", "TĨNH ỦY CAO BẰNG")
    result = restore_accents(nfd)
    assert result == "TỈNH ỦY CAO BẰNG"
    assert result is not None
    assert unicodedata.is_normalized("NFC", result)


def test_vocabulary_is_consistent() -> None:
    """Entries are upper case NFC and no phrase is listed twice with different marks."""
    seen: dict[str, str] = {}
    for phrase in (*GENERIC, *PLACE_NAMES):
        assert phrase == phrase.upper()
        assert unicodedata.is_normalized("NFC", phrase)
        assert seen.setdefault(fold_vi(phrase), phrase) == phrase, phrase


def test_extractor_restores_issuer_parent_and_title(extract: Extract) -> None:
    text = "\n".join(
        [
            "ĐÃNG BỘ TĨNH HÀ TỈNH          ĐẢNG CỘNG SẢN VIỆT NAM",
            "HUYỆN ŨY CẨM XUYÊN",
            "*",
            "Số 12-CV/HU                   Cẩm Xuyên, ngày 05 tháng 3 năm 2025",
            "V/v tổng kết công tác lưu trữ",
            "Kính gửi: Các chi bộ trực thuộc.",
            "Huyện ủy đề nghị các chi bộ thực hiện./.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu Văn phòng Huyện ủy.",
            "T/M BAN THUỜNG VỤ",
            "PHÓ BÍ THU",
            "Nguyễn Văn An",
        ]
    )
    meta = extract(text)
    assert meta.issuer == "HUYỆN ỦY CẨM XUYÊN"
    assert meta.issuer_parent == "ĐẢNG BỘ TỈNH HÀ TĨNH"
    assert meta.signer_authority == "T/M BAN THƯỜNG VỤ"
    assert meta.signer_title == "PHÓ BÍ THƯ"
    assert meta.signer == "Nguyễn Văn An"


_VOCABULARY_WORDS = sorted({word for phrase in (*GENERIC, *PLACE_NAMES) for word in phrase.split()})
_OCR_TEXT = st.lists(
    st.one_of(
        st.sampled_from(_VOCABULARY_WORDS),
        st.sampled_from(_VOCABULARY_WORDS).map(fold_vi),
        st.sampled_from(_VOCABULARY_WORDS).map(str.lower),
        st.text(max_size=6),
    ),
    max_size=12,
).map(" ".join)


@given(_OCR_TEXT)
def test_restoration_is_idempotent_and_changes_only_marks(text: str) -> None:
    once = restore_accents(text)
    assert once is not None
    assert restore_accents(once) == once
    assert fold_vi(once) == fold_vi(unicodedata.normalize("NFC", text))


@given(_OCR_TEXT)
def test_nfd_input_gives_the_same_result(text: str) -> None:
    assert restore_accents(unicodedata.normalize("NFD", text)) == restore_accents(text)
