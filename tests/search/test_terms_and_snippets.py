"""Pure parts of search: query parsing, backend query rendering and highlighted snippets."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kho.core.text import fold_vi, nfc
from kho.search.backends import SearchQuery
from kho.search.backends.postgres import tsquery_exact, tsquery_match
from kho.search.backends.sqlite import fts5_exact, fts5_match, fts5_tags
from kho.search.snippets import fold_aligned, highlight
from kho.search.terms import MAX_TERMS, fold, parse_query, symbol_terms

VIETNAMESE = st.text(
    alphabet=st.sampled_from(
        list(
            "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọ"
            "ồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ỄẾỆỨỰ-/.,'\"*():<>&"
        )
    ),
    max_size=60,
)


def test_words_are_folded_into_groups():
    parsed = parse_query("Đảng  64-CV/TW lưu_trữ")
    assert parsed.groups == (("dang",), ("64", "cv", "tw"), ("luu", "tru"))
    assert parsed.exact == ("đảng", "lưu", "trữ")
    assert parsed.prefix and parsed.prefix_term == "tru"
    assert parsed.terms == {"dang", "64", "cv", "tw", "luu", "tru"}


def test_a_short_last_word_is_not_a_prefix_and_garbage_is_empty():
    assert not parse_query("luu tr").prefix
    assert parse_query("luu tru").prefix
    assert parse_query('" * AND ( NEAR').groups == (("and",), ("near",))
    assert parse_query("  ** () ").is_empty
    assert not parse_query("", number_symbol="64-CV/TW").is_empty


def test_terms_are_capped():
    assert sum(len(g) for g in parse_query(" ".join(["a"] * 100)).groups) == MAX_TERMS


def test_symbol_terms():
    assert symbol_terms("64-CV/TW") == "64 cv tw"
    assert symbol_terms("12/QĐ-TTg") == "12 qd ttg"
    assert symbol_terms("") == ""


def test_rendered_queries_quote_every_term():
    parsed = parse_query("đảng 64-CV/TW lưu", number_symbol="QĐ")
    words = '({symbol title meta body} : ("dang" "64 cv tw" "luu"*)) AND (symbol : ("qd"))'
    assert fts5_match(parsed) == words
    assert fts5_exact(parsed) == words + ' AND (exact : ("đảng" "lưu"))'
    assert tsquery_match(parsed) == "'dang' & ('64' <-> 'cv' <-> 'tw') & 'luu':* & 'qd':A"
    assert tsquery_exact(parsed) == "'đảng' & 'lưu'"


def test_filters_become_fts5_tags():
    query = SearchQuery(text="x", type_codes=["02", ""], fonds_ids=[7], year_from=2019, year_to=2021)
    assert fts5_tags(query) == ["tags : (t02 OR tx)", "tags : (f7)", "tags : (y2019 OR y2020 OR y2021)"]
    assert fts5_tags(SearchQuery(year_from=1900)) == []  # too wide: SQL alone
    assert fts5_tags(SearchQuery(type_codes=["0'2"])) == []  # not a plain code: SQL alone


@given(VIETNAMESE, st.one_of(st.none(), VIETNAMESE))
def test_nfd_and_nfc_queries_parse_the_same(text, symbol):
    nfd = unicodedata.normalize("NFD", text)
    assert parse_query(nfd, symbol and unicodedata.normalize("NFD", symbol)) == parse_query(text, symbol)


@given(VIETNAMESE)
def test_fast_fold_equals_fold_vi_on_vietnamese(text):
    assert fold(text) == fold_vi(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold_vi(text)


@given(st.text(max_size=80))
def test_rendered_queries_hold_only_quoted_words(text):
    parsed = parse_query(text)
    for group in parsed.groups:
        assert all(term.isalnum() and '"' not in term and "'" not in term for term in group)
    if parsed.groups:
        assert fts5_match(parsed).count('"') == 2 * len(parsed.groups)


def test_snippet_marks_the_original_accented_words():
    snippet, matched = highlight("Ban Chấp hành Đảng bộ và đang làm", {"dang"})
    assert snippet == "Ban Chấp hành <mark>Đảng</mark> bộ và <mark>đang</mark> làm"
    assert matched == 2


def test_snippet_escapes_html_and_marks_inside_it():
    snippet, _ = highlight('<script>alert("lưu trữ")</script> & lưu', {"luu"})
    assert "<script>" not in snippet
    assert snippet == ("&lt;script&gt;alert(&quot;<mark>lưu</mark> trữ&quot;)&lt;/script&gt; &amp; <mark>lưu</mark>")


def test_snippet_prefix_and_nfd_text():
    snippet, _ = highlight(unicodedata.normalize("NFD", "Quyết định lưu trữ"), {"quyet"}, prefix="tr")
    assert snippet == "<mark>Quyết</mark> định lưu <mark>trữ</mark>"


def test_long_text_shows_the_window_with_the_matches():
    text = "mở đầu " * 100 + "Đảng bộ tỉnh Gia Lai" + " kết thúc" * 100
    snippet, matched = highlight(text, {"dang", "gia"}, width=80)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>Đảng</mark>" in snippet and "<mark>Gia</mark>" in snippet
    assert matched == 2
    assert len(snippet) < 140


def test_no_match_shows_the_beginning():
    assert highlight("Một hai ba", {"bon"}) == ("Một hai ba", 0)


@given(st.text(max_size=200))
def test_folding_keeps_positions(text):
    text = nfc(text)
    assert len(fold_aligned(text)) == len(text)


@pytest.mark.parametrize("text", ["Đà Nẵng", "ĐỘC LẬP", "ß ﬁ İ", "e\u0301\u0301"])
def test_folding_is_one_character_per_character(text):
    assert len(fold_aligned(nfc(text))) == len(nfc(text))
