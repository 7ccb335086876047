"""Counting, facets and the unranked page in one pass; filter tags in the GIN index (PostgreSQL, issue #4).

The results must be the same on both databases; the SQL shape is checked on PostgreSQL only.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from kho.records.models import Document
from kho.search.backends import SearchQuery, get_backend
from kho.search.backends.postgres import MANY_MATCHES, tags_and_rest
from tests import factories
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's SQL and indexes")


@pytest.fixture
def unranked(monkeypatch):
    """Every search with words is listed most recently added first (``rank_limit`` 0)."""
    monkeypatch.setattr(type(get_backend()), "rank_limit", 0)


def statements(queries: CaptureQueriesContext, word: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if word in q["sql"]]


# --- filter tags (pure) ---------------------------------------------------------------------------------


def test_filters_that_fit_become_tags_and_the_rest_stays_in_sql():
    tags, rest = tags_and_rest(SearchQuery(year_from=2003, year_to=2004, type_codes=("02", ""), fonds_ids=(17,)))
    assert tags == "('t02' | 't') & ('f17') & ('y2003' | 'y2004')"
    assert not rest
    tags, rest = tags_and_rest(SearchQuery())
    assert (tags, rest) == ("", Q())


@pytest.mark.parametrize(
    ("fields", "kept"),
    [
        ({"year_from": 2003}, "year__gte"),  # open range
        ({"year_to": 2003}, "year__lte"),
        ({"year_from": 1900, "year_to": 2000}, "year__gte"),  # more than 64 years
        ({"type_codes": ("0'2",)}, "type_code__in"),  # never quoted into a tsquery
        ({"type_codes": ("Đ1",)}, "type_code__in"),
    ],
)
def test_filters_that_do_not_fit_stay_b_tree_conditions(fields, kept):
    tags, rest = tags_and_rest(SearchQuery(**fields))
    assert tags == ""
    assert kept in str(rest)


# --- the same results on both databases ----------------------------------------------------------------


def test_an_unranked_page_lists_the_newest_matches_page_by_page(doc, index, search, unranked):
    docs = [doc(subject="Lưu trữ", type_code="02" if n % 2 else "22") for n in range(5)]
    docs.append(doc(subject="Khác"))
    index(*docs)
    page = search("lưu trữ", page_size=2)
    assert (page.total, page.total_exact, page.ranked) == (5, True, False)
    assert ids(page) == [docs[4].pk, docs[3].pk]
    assert ids(search("lưu trữ", page=3, page_size=2)) == [docs[0].pk]
    assert ids(search("lưu trữ", page=4, page_size=2)) == []
    assert page.facets.by_type == {"02": 2, "22": 3}
    assert "<mark>Lưu</mark>" in page.hits[0].snippet


def test_a_deleted_document_is_never_listed(doc, index, search, unranked):
    kept, gone = doc(subject="Lưu trữ"), doc(subject="Lưu trữ")
    index(kept, gone)
    gone.delete()  # its entry outlives it until the after-commit task runs
    page = search("lưu trữ")
    assert (ids(page), page.total, page.facets.by_type) == ([kept.pk], 1, {"": 1})


def test_base_decides_the_unranked_page_and_its_facets(doc, index, search, unranked):
    visible_record, hidden_record = factories.record(), factories.record()
    visible = doc(record=visible_record, subject="Lưu trữ", type_code="02", issued_date=date(2020, 1, 1))
    hidden = doc(record=hidden_record, subject="Lưu trữ", type_code="22", issued_date=date(1999, 1, 1))
    index(visible, hidden)
    page = search("lưu trữ", base=Document.objects.filter(record=visible_record))
    assert (ids(page), page.total) == ([visible.pk], 1)
    assert (page.facets.by_type, page.facets.by_year) == ({"02": 1}, {2020: 1})
    assert search("lưu trữ", base=Document.objects.none()).total == 0


def test_filters_narrow_through_tags_and_the_documents_table_still_decides(doc, index, search):
    old = doc(subject="Lưu trữ", type_code="02", issued_date=date(1999, 6, 1))
    new = doc(subject="Lưu trữ", type_code="22", issued_date=date(2003, 6, 1))
    index(old, new)
    assert ids(search("lưu trữ", year_from=2000, year_to=2005)) == [new.pk]
    assert ids(search("lưu trữ", year_from=1999, year_to=1999, type_codes=["02"])) == [old.pk]
    assert ids(search("lưu trữ", type_codes=["22"], fonds_ids=[new.record.fonds_id])) == [new.pk]
    assert ids(search("lưu trữ", year_from=1000, year_to=2999)) != []  # too wide for tags: B-tree
    Document.objects.filter(pk=new.pk).update(issued_date=date(2010, 1, 1))  # no signal: copies are stale
    assert search("lưu trữ", year_from=2003, year_to=2003).total == 0  # the table says 2010
    assert search("lưu trữ", year_from=2010, year_to=2010).total == 0  # the copy says 2003


# --- PostgreSQL's SQL --------------------------------------------------------------------------------------


@on_postgres
def test_the_migration_replaces_the_words_index_by_words_and_tags():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_documentindex'")
        names = {name for (name,) in cursor.fetchall()}
    assert "search_documentindex_tsv_tags" in names
    assert "search_documentindex_tsv" not in names


@on_postgres
def test_one_lookup_per_match_counts_checks_and_lists(doc, index, unranked):
    docs = [doc(subject="Lưu trữ", issued_date=date(2003, 1, 1)) for _ in range(3)]
    index(*docs)
    with CaptureQueriesContext(connection) as queries:
        page = get_backend().search(SearchQuery(text="lưu trữ", year_from=2003, year_to=2003), Document.objects.all())
    assert ids(page) == [d.pk for d in reversed(docs)]
    counting = statements(queries, "kho_search_tags(")
    assert len(counting) == 1  # no second pass for the page
    assert counting[0].count('"records_document"') == 1
    assert not statements(queries, "enable_bitmapscan")


@on_postgres
def test_past_the_count_limit_the_page_is_read_by_document_id(doc, index, monkeypatch):
    docs = [doc(subject="Lưu trữ") for _ in range(4)]
    index(*docs)
    monkeypatch.setattr(type(get_backend()), "count_limit", 2)
    with CaptureQueriesContext(connection) as queries:
        page = get_backend().search(SearchQuery(text="lưu trữ", page_size=2), Document.objects.all())
    assert (page.total, page.total_exact, ids(page)) == (2, False, [docs[3].pk, docs[2].pk])
    sql = [q["sql"] for q in queries.captured_queries]
    on, off = sql.index(MANY_MATCHES[0]), sql.index(MANY_MATCHES[1])
    assert on < off
    assert any("ORDER BY" in statement for statement in sql[on:off])
