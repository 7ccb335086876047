"""How the PostgreSQL backend runs its queries: JIT compilation off, inside the search's own transaction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kho.records.models import Document
from kho.search.backends import SearchQuery, get_backend

pytestmark = pytest.mark.django_db


def test_search_turns_jit_off_before_its_first_query(doc, index):
    index(doc(subject="Kế hoạch lưu trữ"))
    with CaptureQueriesContext(connection) as queries:
        page = get_backend().search(SearchQuery(text="lưu trữ"), Document.objects.all())
    assert page.total == 1
    sql = [q["sql"] for q in queries.captured_queries]
    first_search = min(i for i, statement in enumerate(sql) if "search_documentindex" in statement)
    if connection.vendor == "postgresql":
        assert sql.index("SET LOCAL jit = off") < first_search
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
