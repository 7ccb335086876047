"""``kho search query`` and its errors (``kho search reindex`` is covered in test_indexing)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kho.search.management.commands.search import plain
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(doc, index):
    fonds = factories.fonds(code="P-GL")
    record = factories.record(in_fonds=fonds)
    party = doc(
        record=record,
        number_symbol="64-CV/TW",
        type_code="22",
        issued_date=date(2025, 4, 10),
        subject="Về lưu trữ tài liệu của Đảng",
        text="Ban Chấp hành <b>Đảng</b> bộ",
    )
    other = doc(number_symbol="12/QĐ-TTg", type_code="02", issued_date=date(2019, 1, 1), subject="Đang lưu trữ")
    index(party, other)
    return fonds, party, other


def test_query_json(archive, kho):
    _fonds, party, other = archive
    result = kho("search", "query", "đảng", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["total"] == 2
    assert [hit["document_id"] for hit in data["hits"]] == [party.pk, other.pk]
    assert data["hits"][0]["number_symbol"] == "64-CV/TW"
    assert data["hits"][0]["snippet"] == "Ban Chấp hành &lt;b&gt;<mark>Đảng</mark>&lt;/b&gt; bộ"
    assert data["facets"] == {"type": {"02": 1, "22": 1}, "year": {"2019": 1, "2025": 1}}


@pytest.mark.parametrize(
    "options",
    [
        ["--fonds", "P-GL"],
        ["--type", "22"],
        ["--year-from", "2020"],
        ["--year-to", "2030", "--year-from", "2025"],
        ["--symbol", "64-CV/TW"],
        ["--symbol", "cv/tw"],
    ],
)
def test_query_filters(archive, kho, options):
    _fonds, party, _other = archive
    result = kho("search", "query", "luu", "tru", *options, "--json")
    assert result.code == 0, result.err
    assert [hit["document_id"] for hit in result.json()["hits"]] == [party.pk]


def test_query_prints_marks_for_a_terminal(archive, kho):
    result = kho("search", "query", "lưu", "trữ")
    assert result.code == 0, result.err
    assert "Tìm thấy 2 tài liệu" in result.out
    assert "[lưu] [trữ]" in result.out
    assert "64-CV/TW" in result.out


@pytest.mark.parametrize(
    ("options", "code"),
    [
        (["--fonds", "NO-SUCH"], 3),
        (["--type", "99"], 2),
        (["--year-from", "2021", "--year-to", "2020"], 2),
        (["--page", "0"], 2),
        (["--page-size", "500"], 2),
    ],
)
def test_bad_input_is_an_exit_code_not_a_traceback(archive, kho, options, code):
    result = kho("search", "query", "luu", *options, "--json")
    assert result.code == code
    assert result.json()["ok"] is False
    assert "Traceback" not in result.err


def test_plain():
    assert plain("a &lt;b&gt; <mark>Đảng</mark>") == "a <b> [Đảng]"


def test_a_command_line_search_is_an_access_event(archive, kho):
    from kho.audit.models import Event

    assert kho("search", "query", "luu", "tru", "--type", "22", "--json").code == 0
    event = Event.objects.filter(event_type="access", object_type="cli:search").get()
    data = json.loads(event.data) if isinstance(event.data, str) else event.data
    assert data["query"] == {"q": "luu tru", "type": "22", "page": 1} and data["total"] == 1
    assert data["via"] == "cli" and data["decision"] == "allowed"
    assert kho("search", "query", "luu", "--page", "0").code == 2  # refused input is not a search
    assert Event.objects.filter(object_type="cli:search").count() == 1
