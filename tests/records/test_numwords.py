"""number_to_vietnamese_words: the table of readings used for "viết bằng chữ" totals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kho.core.numwords import number_to_vietnamese_words

TABLE = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (9, "chín"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (19, "mười chín"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (205, "hai trăm linh năm"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1050, "một nghìn không trăm năm mươi"),
    (1500, "một nghìn năm trăm"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (10_000, "mười nghìn"),
    (15_000, "mười lăm nghìn"),
    (21_000, "hai mươi mốt nghìn"),
    (100_000, "một trăm nghìn"),
    (105_000, "một trăm linh năm nghìn"),
    (1_000_000, "một triệu"),
    (1_000_001, "một triệu không trăm linh một"),
    (1_050_000, "một triệu không trăm năm mươi nghìn"),
    (2_000_005, "hai triệu không trăm linh năm"),
    (12_345_678, "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám"),
    (1_000_000_000, "một tỷ"),
    (1_000_000_005, "một tỷ không trăm linh năm"),
    (1_000_000_000_000, "một nghìn tỷ"),
    (
        1_234_567_891,
        "một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt",
    ),
]


@pytest.mark.parametrize(("number", "words"), TABLE)
def test_reading(number, words):
    assert number_to_vietnamese_words(number) == words


@pytest.mark.parametrize("bad", [-1, -100])
def test_negative_is_refused(bad):
    with pytest.raises(ValueError, match="negative"):
        number_to_vietnamese_words(bad)


@pytest.mark.parametrize("bad", [1.0, "1", True, None])
def test_non_integer_is_refused(bad):
    with pytest.raises(TypeError):
        number_to_vietnamese_words(bad)


WORDS = {
    "không",
    "một",
    "mốt",
    "hai",
    "ba",
    "bốn",
    "tư",
    "năm",
    "lăm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mươi",
    "trăm",
    "linh",
    "nghìn",
    "triệu",
    "tỷ",
}


@given(st.integers(min_value=0, max_value=10**15))
def test_any_number_reads_in_known_words(number):
    words = number_to_vietnamese_words(number)
    assert words == words.strip()
    assert "  " not in words
    assert set(words.split()) <= WORDS


@given(st.integers(min_value=1, max_value=10**12))
def test_never_starts_with_zero_or_linh(number):
    first = number_to_vietnamese_words(number).split()[0]
    assert first not in {"không", "linh", "mươi", "trăm", "lăm", "mốt", "tư"}
