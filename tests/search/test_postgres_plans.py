"""How the PostgreSQL backend runs its queries: planner settings local to the search's own transaction."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kho.records.models import Document
from kho.search.backends import SearchQuery, get_backend
from kho.search.backends.postgres import PLANNER

pytestmark = pytest.mark.django_db


def test_search_sets_the_planner_up_before_its_first_query(doc, index):
    index(doc(subject="Kế hoạch lưu trữ"))
    with CaptureQueriesContext(connection) as queries:
        page = get_backend().search(SearchQuery(text="lưu trữ"), Document.objects.all())
    assert page.total == 1
    sql = [q["sql"] for q in queries.captured_queries]
    first_search = min(i for i, statement in enumerate(sql) if "search_documentindex" in statement)
    if connection.vendor == "postgresql":
        for statement in PLANNER:
            assert sql.index(statement) < first_search
        assert PLANNER[0] == "SET LOCAL jit = off"
    else:
        assert not any(statement.startswith("SET") for statement in sql)


def test_base_subquery_is_not_sorted(doc, index):
    """Document's default ordering (record, ordinal) must not be repeated for every matching row."""
    document = doc(subject="Kế hoạch lưu trữ")
    index(document)
    base = Document.objects.filter(secrecy_level__lte=0)
    with CaptureQueriesContext(connection) as queries:
        page = get_backend().search(SearchQuery(text="lưu trữ"), base)
    assert [hit.document_id for hit in page.hits] == [document.pk]
    searches = [q["sql"] for q in queries.captured_queries if "records_record" in q["sql"] or "U0" in q["sql"]]
    assert searches
    assert not any("file_code" in statement for statement in searches)


def test_matches_are_checked_by_key_without_joining_documents_on_postgresql(doc, index):
    """PostgreSQL hashes every document passing a filter for a join (1M: 100,000 rows); SQLite joins."""
    document = doc(subject="Kế hoạch lưu trữ", issued_date=date(2020, 5, 1))
    index(document)
    with CaptureQueriesContext(connection) as queries:
        page = get_backend().search(SearchQuery(text="lưu trữ", year_from=2020), Document.objects.all())
    assert [hit.document_id for hit in page.hits] == [document.pk]
    assert page.facets.by_year == {2020: 1}
    sql = [q["sql"] for q in queries.captured_queries]
    joined = [statement for statement in sql if 'JOIN "records_document"' in statement]
    if connection.vendor == "postgresql":
        assert [statement for statement in sql if "tsv @@" in statement]
        assert not joined
    else:
        assert joined
