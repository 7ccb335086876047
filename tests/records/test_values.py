"""Cell value parsers: TT05 dates and periods, code tables, counts; the date parser only raises its own error."""

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kho.core import codetables as ct
from kho.records.inventory import values as v

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/2020", (D(2020, 3, 5), D(2020, 3, 5))),
        ("5/3/2020", (D(2020, 3, 5), D(2020, 3, 5))),
        ("05.03.2020", (D(2020, 3, 5), D(2020, 3, 5))),
        ("06-3-2009", (D(2009, 3, 6), D(2009, 3, 6))),
        ("2020-03-05", (D(2020, 3, 5), D(2020, 3, 5))),
        ("03/2020", (D(2020, 3, 1), D(2020, 3, 31))),
        ("02/2024", (D(2024, 2, 1), D(2024, 2, 29))),
        ("2020", (D(2020, 1, 1), D(2020, 12, 31))),
        ("01/2020 - 12/2020", (D(2020, 1, 1), D(2020, 12, 31))),
        ("2020-2021", (D(2020, 1, 1), D(2021, 12, 31))),
        ("2020 – 2021", (D(2020, 1, 1), D(2021, 12, 31))),
        ("05/03/2020 - 10/2021", (D(2020, 3, 5), D(2021, 10, 31))),
        ("15-03-2020 - 20-03-2020", (D(2020, 3, 15), D(2020, 3, 20))),
        ("2019 đến 2020", (D(2019, 1, 1), D(2020, 12, 31))),
    ],
)
def test_parse_period(text, expected):
    assert v.parse_period(text) == expected


@pytest.mark.parametrize(
    "text", ["", "13/2020", "31/02/2020", "2020/13", "năm 2020", "2021 - 2020", "0999", "1/1/20", "١٢/٢٠٢٠", "20200"]
)
def test_parse_period_refuses(text):
    with pytest.raises(v.DateParseError):
        v.parse_period(text)


def test_parse_date_end_takes_the_last_day():
    assert v.parse_date("2020") == D(2020, 1, 1)
    assert v.parse_date("2020", end=True) == D(2020, 12, 31)
    assert v.parse_date("02/2023", end=True) == D(2023, 2, 28)


@given(st.text(max_size=40))
def test_date_parsers_raise_only_their_own_error(text):
    for parse in (v.parse_period, v.parse_date, lambda t: v.parse_date(t, end=True)):
        with contextlib.suppress(v.DateParseError):
            parse(text)


@given(st.from_regex(r"[0-9]{1,2}[/.\- ]{1,3}[0-9]{1,4}( ?[-–] ?[0-9/]{1,10})?", fullmatch=True))
def test_date_like_text_raises_only_date_error(text):
    try:
        start, end = v.parse_period(text)
    except v.DateParseError:
        return
    assert start <= end


@given(st.dates(min_value=D(1000, 1, 1)), st.dates(min_value=D(1000, 1, 1)))
def test_format_period_round_trips(a, b):
    start, end = min(a, b), max(a, b)
    assert v.parse_period(v.format_period(start, end)) == (start, end)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("01", "01"),
        ("1", "01"),
        ("Vĩnh viễn", "01"),
        ("VĨNH VIỄN", "01"),
        ("vinh vien", "01"),
        ("70 năm", "02"),
        ("01 - Vĩnh viễn", "01"),
        ("Khác", "07"),
    ],
)
def test_parse_retention(text, code):
    assert v.parse_code(ct.RETENTION, text) == code


@pytest.mark.parametrize("text", ["08", "0", "70", "vĩnh", "100 năm"])
def test_parse_retention_refuses(text):
    with pytest.raises(v.ValueProblem, match="bảng mã"):
        v.parse_code(ct.RETENTION, text)


def test_parse_languages():
    assert v.parse_languages(ct.LANGUAGE, "01") == "01"
    assert v.parse_languages(ct.LANGUAGE, "Tiếng Việt, Tiếng Anh") == "01,02"
    assert v.parse_languages(ct.LANGUAGE, "Việt; Pháp; 01") == "01,03"
    assert v.parse_languages(ct.LANGUAGE, "Hán Nôm") == "09"
    with pytest.raises(v.ValueProblem, match="Klingon"):
        v.parse_languages(ct.LANGUAGE, "Klingon")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/30", (12, 30)),
        ("12 / 30", (12, 30)),
        ("12 tờ/30 trang", (12, 30)),
        ("12", (12, None)),
        ("/30", (None, 30)),
        ("12/", (12, None)),
    ],
)
def test_parse_sheets_pages(text, expected):
    assert v.parse_sheets_pages(text) == expected


@pytest.mark.parametrize("text", ["/", "a/b", "12/30/40", "-1/2"])
def test_parse_sheets_pages_refuses(text):
    with pytest.raises(v.ValueProblem):
        v.parse_sheets_pages(text)


@pytest.mark.parametrize(("sheets", "pages"), [(12, 30), (None, 30), (12, None), (0, 0)])
def test_sheets_pages_round_trip(sheets, pages):
    for words in (False, True):
        assert v.parse_sheets_pages(v.format_sheets_pages(sheets, pages, words=words)) == (sheets, pages)


def test_parse_int_and_bool():
    assert v.parse_int("12") == 12
    assert v.parse_int("12.0") == 12
    for bad in ("-1", "1,5", "12345678901", "x"):
        with pytest.raises(v.ValueProblem):
            v.parse_int(bad)
    assert v.parse_bool("Có") is True
    assert v.parse_bool("0") is False
    with pytest.raises(v.ValueProblem):
        v.parse_bool("có lẽ")
