"""Tests of extract_references: Vietnamese citations, Party dates, English renderings, own number excluded."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from kho.ingest.extract import Reference, extract_metadata, extract_references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thực hiện Công văn số 64-CV/TW, ngày 10/4/2025 của Ban Bí thư về công tác lưu trữ.",
            Reference("64-CV/TW", "Công văn", "2025-04-10", "Ban Bí thư"),
        ),
        (
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
            Reference("30/2020/NĐ-CP", "Nghị định", "2020-03-05", "Chính phủ"),
        ),
        (
            "Theo Hướng dẫn số 35-HD/VPTW, ngày 06-3-2009 của Văn phòng Trung ương Đảng, các cơ quan thực hiện.",
            Reference("35-HD/VPTW", "Hướng dẫn", "2009-03-06", "Văn phòng Trung ương Đảng"),
        ),
        (
            "Pursuant to Official Dispatch No. 64-CV/TW, dated April 10, 2025 of the Secretariat on archives;",
            Reference("64-CV/TW", "Công văn", "2025-04-10", "Secretariat"),
        ),
        (
            "Pursuant to Decree No. 30/2020/ND-CP dated March 5, 2020 of the Government on clerical work;",
            Reference("30/2020/ND-CP", "Nghị định", "2020-03-05", "Government"),
        ),
        (
            "(Tờ trình số 03-TTr/ĐU, ngày 17/10/2025), Bộ Chính trị kết luận",
            Reference("03-TTr/ĐU", "Tờ trình", "2025-10-17", None),
        ),
        (
            "Căn cứ Luật Lưu trữ số 33/2024/QH15;",
            Reference("33/2024/QH15", "Luật", None, None),
        ),
        (
            "tại văn bản số 621/BC-BTC ngày 11 tháng 11 năm 2025 của Bộ Tài chính nêu trên",
            Reference("621/BC-BTC", "Báo cáo", "2025-11-11", "Bộ Tài chính"),
        ),
    ],
)
def test_reference_forms(as_form: Callable[[str], str], text: str, expected: Reference) -> None:
    assert extract_references(as_form(text)) == [expected]


def test_reference_split_over_lines_and_deduplicated(as_form: Callable[[str], str]) -> None:
    text = "Căn cứ Nghị định số\n147/2024/NĐ-CP ngày 09 tháng 11\nnăm 2024 của Chính phủ;\nNghị định 147/2024/NĐ-CP."
    refs = extract_references(as_form(text))
    assert [ref.number_symbol for ref in refs] == ["147/2024/NĐ-CP"]
    assert refs[0].date == "2024-11-09"


def test_dates_and_plain_fractions_are_not_symbols(as_form: Callable[[str], str]) -> None:
    text = "Từ ngày 26/7/2020 đến 30/9/2020, tỷ lệ 1/2 số học sinh nghỉ học; số điện thoại 0906.040.219."
    assert extract_references(as_form(text)) == []


def test_own_number_is_not_a_reference(as_form: Callable[[str], str]) -> None:
    text = (
        "BỘ NỘI VỤ\nSố: 15/QĐ-BNV\nHà Nội, ngày 05 tháng 01 năm 2025\nQUYẾT ĐỊNH\nVề lưu trữ\n"
        "Căn cứ Nghị định số 30/2020/NĐ-CP;\nĐiều 1. Quyết định số 15/QĐ-BNV có hiệu lực từ ngày ký.\n"
    )
    assert [ref.number_symbol for ref in extract_references(as_form(text))] == ["30/2020/NĐ-CP"]
    assert extract_metadata(as_form(text)).references == ["30/2020/NĐ-CP"]
    assert extract_references(as_form(text), own_number_symbol="30/2020/NĐ-CP")[0].number_symbol == "15/QĐ-BNV"


def test_own_number_excluded_even_without_stroke_on_d() -> None:
    text = "So: 15/QD-BNV\nQUYET DINH\nVe luu tru\nCan cu Quyet dinh so 15/QĐ-BNV.\n"
    assert extract_metadata(text).references == []


def test_nfd_input_gives_nfc_output() -> None:
    text = unicodedata.normalize("NFD", "Căn cứ Công văn số 64-CV/TW, ngày 10/4/2025 của Ban Bí thư;")
    (ref,) = extract_references(text)
    assert ref.number_symbol == "64-CV/TW"
    assert ref.issuer == unicodedata.normalize("NFC", "Ban Bí thư")
