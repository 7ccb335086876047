"""The search screen: words with or without marks, filters, highlighted snippets, facets, paging."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from kho.search.backends import get_backend
from tests.web.conftest import add_text, make_document

pytestmark = pytest.mark.django_db

LUU_TRU = "H49.64.33.2024.01.VP.0000001"


def search(client, **params):
    response = client.get(reverse("web:search"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("words", ["lưu trữ", "luu tru", "LƯU TRỮ", unicodedata.normalize("NFD", "lưu trữ")])
def test_words_with_or_without_marks_find_the_document(world, client_for, words):
    html = search(client_for("reader"), q=words)
    assert LUU_TRU in html and "<mark>" in html
    assert "<mark>lưu</mark>" in html.casefold() or "<mark>lưu" in html.casefold()


def test_empty_form_shows_no_results(world, client_for):
    html = search(client_for("reader"))
    assert 'role="search"' in html and 'class="hits"' not in html


def test_filters_and_facets(world, client_for):
    client = client_for("archivist")
    html = search(client, q="", type="22")
    assert "16/CV-UBND" in html and "15/QĐ-UBND" not in html
    html = search(client, q="", year_from="2022", year_to="2022")
    assert "05/TB-UBND" in html and "16/CV-UBND" not in html
    html = search(client, q="", agency=str(world.agencies["b"].pk))
    assert "05/TB-UBND" in html and "15/QĐ-UBND" not in html
    html = search(client, q="", fonds=str(world.fonds["a"].pk), status="digitized")
    assert "15/QĐ-UBND" in html and "05/TB-UBND" not in html
    html = search(client, q="", secrecy="1")
    assert "17/QĐ-UBND" in html and "15/QĐ-UBND" not in html
    html = search(client, q="ủy ban")
    assert "Quyết định" in html and 'class="count"' in html and "2024" in html  # facets by type and year


def test_bad_filters_are_reported_on_the_form(world, client_for):
    html = search(client_for("reader"), q="x", year_from="2025", year_to="2020")
    assert "không được trước" in html and 'class="hits"' not in html
    html = search(client_for("reader"), q="x", agency="999999")
    assert "Select a valid choice" in html or "lựa chọn" in html.casefold() or "hợp lệ" in html


def test_pages_of_results(world, client_for):
    record = world.records["r2"]
    documents = []
    for n in range(1, 26):
        document = make_document(record, n, subject=f"Báo cáo lưu trữ số {n}")
        add_text(document, "Báo cáo công tác lưu trữ.")
        documents.append(document)
    get_backend().index([d.pk for d in documents])
    client = client_for("reader")
    first = search(client, q="bao cao")
    assert "25 tài liệu" in first and 'rel="next"' in first and "Trang 1/2" in first
    second = search(client, q="bao cao", page="2")
    assert 'rel="prev"' in second and 'rel="next"' not in second and second.count('class="hit"') == 5


def test_past_the_count_limit_the_screen_says_more_than(world, client_for, monkeypatch):
    record = world.records["r2"]
    documents = [make_document(record, n, subject=f"Báo cáo lưu trữ số {n}") for n in range(1, 5)]
    get_backend().index([d.pk for d in documents])
    client = client_for("reader")
    assert "4 tài liệu" in search(client, q="bao cao") and "Hơn" not in search(client, q="bao cao")
    monkeypatch.setattr(type(get_backend()), "count_limit", 2)
    html = search(client, q="bao cao")
    assert "Hơn 2 tài liệu" in html and "4 tài liệu" not in html
