"""Vietnamese full-text search through the backend of the database in use (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from kho.records.models import Document
from kho.search.backends import SearchBackend, SearchQuery, get_backend
from kho.search.exceptions import SearchQueryError
from tests import factories
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(doc, index):
    """Five documents whose words differ only by marks."""
    docs = {
        "luu_tru": doc(subject="Về công tác lưu trữ hồ sơ", text="Hướng dẫn lưu trữ tài liệu điện tử."),
        "dang": doc(subject="Nghị quyết của Đảng bộ", text="Ban Chấp hành Đảng bộ tỉnh họp."),
        "dang_plain": doc(subject="Tình hình đang triển khai", text="Công việc đang được làm."),
        "quyet_dinh": doc(subject="QUYẾT ĐỊNH về việc thành lập", text="Quyết định này có hiệu lực."),
        "da_nang": doc(subject="Công văn gửi Đà Nẵng", text="Độc lập - Tự do - Hạnh phúc"),
    }
    index(*docs.values())
    return docs


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("luu tru", "luu_tru"),
        ("LƯU TRỮ", "luu_tru"),
        ("quyet dinh", "quyet_dinh"),
        ("QUYET DINH", "quyet_dinh"),
        ("Quyết định", "quyet_dinh"),
        ("da nang", "da_nang"),
        ("doc lap", "da_nang"),
        ("Độc lập", "da_nang"),
    ],
)
def test_folded_words_find_the_accented_original(corpus, search, text, key):
    page = search(text)
    assert corpus[key].pk in ids(page)
    for nfd in (unicodedata.normalize("NFD", text), unicodedata.normalize("NFKD", text)):
        assert ids(search(nfd)) == ids(page)


def test_dang_finds_dang_and_dang(corpus, search):
    assert set(ids(search("dang"))) >= {corpus["dang"].pk, corpus["dang_plain"].pk}


@pytest.mark.parametrize(("typed", "first"), [("đảng", "dang"), ("Đảng", "dang"), ("đang", "dang_plain")])
def test_words_typed_with_marks_rank_exact_matches_first(corpus, search, typed, first):
    page = search(typed)
    assert ids(page)[0] == corpus[first].pk
    assert {corpus["dang"].pk, corpus["dang_plain"].pk} <= set(ids(page))
    assert ids(search(unicodedata.normalize("NFD", typed))) == ids(page)


def test_all_words_must_match(corpus, search):
    assert ids(search("luu tru dang")) == []
    assert ids(search("luu tru")) == [corpus["luu_tru"].pk]


def test_an_unknown_last_word_of_three_letters_or_more_is_a_prefix(corpus, doc, index, search):
    danh = doc(subject="Danh sách cán bộ")
    index(danh)
    assert ids(search("quyet din")) == [corpus["quyet_dinh"].pk]
    assert ids(search("hieu luc")) == [corpus["quyet_dinh"].pk]
    assert ids(search("hieu lu")) == []  # two letters: too short to expand
    assert ids(search("sac")) == [danh.pk]  # "sách"
    assert set(ids(search("dan"))) == {corpus["luu_tru"].pk}  # "dẫn" is a word: no expansion
    assert danh.pk not in ids(search("dang"))  # a word of the index is taken as typed
    page = search("quyết địn")
    assert ids(page) == [corpus["quyet_dinh"].pk]
    assert "<mark>ĐỊNH</mark>" in page.hits[0].snippet or "<mark>định</mark>" in page.hits[0].snippet


def test_record_title_organ_and_signer_are_searched(doc, index, search):
    record = factories.record(title="Hồ sơ Hội nghị cán bộ chủ chốt")
    document = doc(record=record, organ_name="Tỉnh ủy Gia Lai", signer="Nguyễn Văn Bình")
    index(document)
    for text in ("hoi nghi can bo", "gia lai", "nguyen van binh"):
        assert ids(search(text)) == [document.pk]


@pytest.mark.parametrize("text", ["QD", "qd", "QĐ", "Qđ", "12/QĐ-TTg", "qd ttg", "12 qđ"])
def test_number_symbol_in_text_search(doc, index, search, text):
    document = doc(number_symbol="12/QĐ-TTg", subject="Về việc phê duyệt")
    other = doc(number_symbol="64-CV/TW", subject="Về việc phê duyệt")
    index(document, other)
    assert ids(search(text)) == [document.pk]


@pytest.mark.parametrize("symbol", ["64-CV/TW", "64-cv/tw", "64 CV TW", "CV/TW", "64"])
def test_number_symbol_filter_matches_the_symbol_field_only(doc, index, search, symbol):
    wanted = doc(number_symbol="64-CV/TW", subject="Về lưu trữ")
    cites = doc(number_symbol="15-QĐ/TW", subject="Thực hiện Công văn 64-CV/TW về lưu trữ")
    index(wanted, cites)
    assert ids(search(number_symbol=symbol)) == [wanted.pk]
    assert ids(search("lưu trữ", number_symbol=symbol)) == [wanted.pk]


def test_symbol_in_the_symbol_field_ranks_first(doc, index, search):
    cites = doc(number_symbol="15-QĐ/TW", subject="Thực hiện Công văn 64-CV/TW")
    wanted = doc(number_symbol="64-CV/TW", subject="Về lưu trữ")
    index(wanted, cites)
    assert ids(search("64-CV/TW"))[0] == wanted.pk


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "*",
        "AND OR NEAR(",
        "NOT",
        "a:b",
        "{symbol}:x",
        "^",
        "(",
        ")",
        '"luu',
        "luu*",
        "-",
        "\\",
        "%",
        "_",
        "'; DROP TABLE records_document; --",
        "\x00",
        'NEAR("a" "b", 2)',
        "body:luu",
        "luu OR tru",
        "𝔘𝔫𝔦",
    ],
)
def test_query_syntax_is_never_interpreted(corpus, search, text):
    page = search(text)
    assert 0 <= len(page.hits) <= page.total


def test_operators_are_words(corpus, search):
    assert search("luu OR tru").total == 0
    assert search("NOT luu").total == 0
    assert ids(search('"luu tru"')) == [corpus["luu_tru"].pk]


def test_empty_text_lists_documents_most_recently_added_first(doc, index, search):
    old, new = doc(issued_date=date(2001, 1, 1)), doc(issued_date=date(2020, 1, 1))
    undated = doc(issued_date=None)
    index(old, new, undated)
    assert ids(search("")) == [undated.pk, new.pk, old.pk]
    assert ids(search("  ** ")) == [undated.pk, new.pk, old.pk]
    assert not search("").ranked


def test_unindexed_documents_are_not_found(doc, search):
    doc(subject="Lưu trữ")
    assert search("luu tru").total == 0


def test_filters(doc, index, search):
    """Every filter, with text and without; b and c are classified, so they are found by number only."""
    agency = factories.agency()
    fonds_a = factories.fonds(owner=agency)
    record_a = factories.record(in_fonds=fonds_a, digitization_status="digitized")
    record_b = factories.record(secrecy_level=1)
    a = doc(record=record_a, number_symbol="1-LT", type_code="02", issued_date=date(2019, 12, 31))
    b = doc(record=record_b, number_symbol="2-LT", type_code="22", issued_date=date(2021, 1, 1))
    c = doc(record=record_a, number_symbol="3-LT", type_code="22", issued_date=date(2020, 6, 1), secrecy_level=2)
    index(a, b, c)
    cases = {
        "agency_ids": ((agency.pk,), {a.pk, c.pk}),
        "fonds_ids": ((fonds_a.pk,), {a.pk, c.pk}),
        "type_codes": (("22",), {b.pk, c.pk}),
        "year_from": (2020, {b.pk, c.pk}),
        "year_to": (2020, {a.pk, c.pk}),
        "max_secrecy": (0, {a.pk}),
        "secrecy_levels": ((0, 1), {a.pk, b.pk}),
        "digitization_status": ("digitized", {a.pk, c.pk}),
    }
    for name, (value, expected) in cases.items():
        for text, symbol in (("lt", None), ("", None), ("", "LT")):
            page = search(text, number_symbol=symbol, **{name: value})
            assert set(ids(page)) == expected, (name, text)
            assert page.total == len(expected), (name, text)
            assert sum(page.facets.by_type.values()) == len(expected), (name, text)
    assert set(ids(search("lt", year_from=2020, year_to=2020, type_codes=["22"]))) == {c.pk}


def test_the_documents_table_decides_filters_and_facets_not_the_index_copies(doc, index, search):
    """Until a document is indexed again, its entry's copies of type and year may be out of date."""
    changed = doc(subject="Lưu trữ", type_code="02", issued_date=date(2019, 1, 1))
    index(changed)
    Document.objects.filter(pk=changed.pk).update(type_code="22", issued_date=date(2021, 1, 1))  # no signal
    page = search("lưu trữ")
    assert ids(page) == [changed.pk]
    assert page.facets.by_type == {"22": 1}
    assert page.facets.by_year == {2021: 1}
    assert search("lưu trữ", type_codes=["02"]).total == 0
    assert search("", year_from=2019, year_to=2019).total == 0


def test_an_entry_outliving_its_document_is_never_found(doc, index, search):
    kept, gone = doc(subject="Lưu trữ"), doc(subject="Lưu trữ")
    index(kept, gone)
    gone.delete()  # the index entry is removed after commit: never, inside this test's transaction
    for text in ("lưu trữ", ""):
        page = search(text)
        assert ids(page) == [kept.pk]
        assert page.total == 1
        assert sum(page.facets.by_type.values()) == 1


def test_facets_count_every_match_not_just_the_page(doc, index, search):
    docs = [doc(subject="Lưu trữ", type_code="02", issued_date=date(2019, 1, 1)) for _ in range(3)]
    docs += [doc(subject="Lưu trữ", type_code="22", issued_date=date(2020, 1, 1)) for _ in range(2)]
    docs += [doc(subject="Lưu trữ", type_code="", issued_date=None), doc(subject="Khác")]
    index(*docs)
    page = search("lưu trữ", page_size=2)
    assert page.total == 6
    assert page.facets.by_type == {"": 1, "02": 3, "22": 2}
    assert page.facets.by_year == {2019: 3, 2020: 2}
    assert search("lưu trữ", type_codes=["22"]).facets.by_type == {"22": 2}


def test_pagination_is_stable_and_complete(doc, index, search):
    docs = [doc(subject=f"Báo cáo lưu trữ số {n}") for n in range(7)]
    index(*docs)
    pages = [search("luu tru", page=n, page_size=3) for n in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [3, 3, 1, 0]
    assert {p.total for p in pages} == {7}
    assert pages[0].pages == 3
    seen = [pk for p in pages for pk in ids(p)]
    assert sorted(seen) == sorted(d.pk for d in docs)
    assert ids(search("luu tru", page_size=100)) == seen


@pytest.mark.parametrize(
    "fields",
    [
        {"page": 0},
        {"page_size": 0},
        {"page_size": 101},
        {"year_from": 0},
        {"year_from": 2020, "year_to": 2019},
        {"text": "x" * 1001},
    ],
)
def test_out_of_range_queries_are_refused(fields):
    with pytest.raises(SearchQueryError) as error:
        SearchQuery(**fields)
    assert error.value.details


def test_page_size_of_100_is_allowed_and_lists_become_tuples():
    query = SearchQuery(page_size=100, type_codes=["01"], fonds_ids=[3])
    assert query.type_codes == ("01",)
    assert query.fonds_ids == (3,)


def test_the_backend_follows_the_protocol_and_matches_the_vendor():
    backend = get_backend()
    assert isinstance(backend, SearchBackend)
    assert backend.vendor == get_backend().vendor


def test_more_matches_than_the_rank_limit_are_listed_most_recently_added_first(doc, index, search, monkeypatch):
    docs = [doc(subject="Lưu trữ", issued_date=date(2000 + n, 1, 1)) for n in range(4)]
    index(*docs)
    backend_class = type(get_backend())
    monkeypatch.setattr(backend_class, "rank_limit", 3)
    page = search("lưu trữ")
    assert (page.ranked, page.total) == (False, 4)
    assert ids(page) == [d.pk for d in reversed(docs)]
    assert "<mark>Lưu</mark>" in page.hits[0].snippet
    monkeypatch.setattr(backend_class, "rank_limit", 4)
    assert search("lưu trữ").ranked
    assert not search("").ranked


def test_past_the_count_limit_the_total_is_a_lower_bound_without_facets(doc, index, search, monkeypatch):
    docs = [doc(subject="Lưu trữ", type_code="02") for _ in range(5)]
    index(*docs)
    monkeypatch.setattr(type(get_backend()), "count_limit", 3)
    page = search("luu tru", page_size=2)
    assert (page.total, page.total_exact, page.ranked) == (3, False, False)
    assert page.facets.by_type == {} and page.facets.by_year == {}
    assert ids(page) == [docs[4].pk, docs[3].pk]
    assert ids(search("luu tru", page=3, page_size=2)) == [docs[0].pk]  # pages go on past the bound
    monkeypatch.setattr(type(get_backend()), "count_limit", 5)
    exact = search("luu tru")
    assert (exact.total, exact.total_exact, exact.facets.by_type) == (5, True, {"02": 5})
