"""Leak checks for the ``base`` seam: a document outside ``base`` never shows, in any part of a page."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kho.records.models import Document
from kho.search.backends import SearchQuery, get_backend
from tests import factories
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_fonds(doc, index):
    """The same words in a visible and in a hidden fonds, with distinct types and years."""
    visible_record, hidden_record = factories.record(), factories.record()
    visible = [doc(record=visible_record, subject="Lưu trữ Đảng bộ", type_code="02", issued_date=date(2020, 1, 1))]
    hidden = [
        doc(
            record=hidden_record,
            subject="Lưu trữ Đảng bộ bí mật",
            type_code="22",
            issued_date=date(1999, 1, 1),
            text="HIDDEN lưu trữ",
        ),
        doc(record=hidden_record, number_symbol="64-CV/TW", type_code="22", issued_date=date(1999, 2, 1)),
    ]
    index(*visible, *hidden)
    base = Document.objects.filter(record=visible_record)
    return base, visible, hidden


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("luu tru", None),
        ("Đảng", None),
        ("", None),
        ("hidden", None),
        ("", "64-CV/TW"),
        ("64-CV/TW", None),
        ("bi mat", None),
    ],
)
def test_outside_base_is_never_in_hits_totals_facets_or_snippets(two_fonds, search, text, symbol):
    base, visible, hidden = two_fonds
    page = search(text, base=base, number_symbol=symbol, page_size=100)
    assert set(ids(page)) <= {d.pk for d in visible}
    assert page.total == len(page.hits)
    assert "22" not in page.facets.by_type
    assert 1999 not in page.facets.by_year
    assert all("bí mật" not in hit.snippet and "HIDDEN" not in hit.snippet for hit in page.hits)


def test_everything_is_found_with_the_full_base(two_fonds, search):
    _base, visible, hidden = two_fonds
    assert search("luu tru").total == 2
    assert search("", number_symbol="64-CV/TW").total == 1


def test_empty_base_finds_nothing(two_fonds, search):
    page = search("luu tru", base=Document.objects.none())
    assert (page.total, page.hits, page.facets.by_type) == (0, (), {})


def test_base_with_its_own_ordering_joins_and_distinct(two_fonds, search):
    base, visible, _hidden = two_fonds
    fancy = (
        Document.objects.filter(record__fonds__agency__isnull=False, pk__in=base).order_by("-issued_date").distinct()
    )
    assert ids(search("luu tru", base=fancy)) == [d.pk for d in visible]


def test_base_is_combined_in_sql_not_evaluated(two_fonds):
    base, visible, _hidden = two_fonds
    with CaptureQueriesContext(connection) as queries:
        page = get_backend().search(SearchQuery(text="luu tru"), base)
    assert ids(page) == [d.pk for d in visible]
    assert base._result_cache is None  # the queryset itself was never run in Python
    searches = [q["sql"] for q in queries.captured_queries if "records_document" in q["sql"]]
    # facets and total, then the page (both hold base's SQL); "tru" is a word of the index, so whether it
    # is one of base's documents is checked too (typing ahead)
    assert len(searches) == 3
    # PostgreSQL runs the search in a transaction with its planner settings (SAVEPOINT, SET LOCAL, RELEASE here).
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL ")
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(control)]
    assert len(statements) <= 5  # and the word lookup, the snippets


def test_a_word_only_outside_base_does_not_stop_typing_ahead(doc, index, search):
    """A word only hidden documents hold must not change which visible documents are found (issue #6)."""
    visible_record, hidden_record = factories.record(), factories.record()
    visible = doc(record=visible_record, subject="Kế hoạch Tamarind2024")
    hidden = doc(record=hidden_record, subject="Kế hoạch Tamarind")
    index(visible, hidden)
    base = Document.objects.filter(record=visible_record)
    assert ids(search("Tamarind", base=base)) == [visible.pk]  # as a prefix, as if ``hidden`` did not exist
    assert ids(search("Tamarind")) == [hidden.pk]  # a whole word of the searched documents: taken as typed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40), symbol=st.one_of(st.none(), st.text(max_size=20)))
def test_any_text_is_a_page_never_an_error(two_fonds, search, text, symbol):
    base, visible, _hidden = two_fonds
    page = search(text, base=base, number_symbol=symbol)
    assert set(ids(page)) <= {d.pk for d in visible}
