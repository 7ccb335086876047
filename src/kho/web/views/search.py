"""The search screen: words and filters go to ``kho.search`` over the documents the user may search."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kho.access.levels import Action
from kho.access.selectors import documents_for
from kho.core.codetables import DOC_TYPE
from kho.search.backends import SearchPage, SearchQuery, get_backend
from kho.web.errors import page_view
from kho.web.forms import SearchForm
from kho.web.paging import page_number

PAGE_SIZE = 20


def _query(data: dict[str, Any], page: int) -> SearchQuery:
    return SearchQuery(
        text=data.get("q") or "",
        agency_ids=(data["agency"],) if data.get("agency") else (),
        fonds_ids=(data["fonds"],) if data.get("fonds") else (),
        type_codes=(data["type"],) if data.get("type") else (),
        year_from=data.get("year_from"),
        year_to=data.get("year_to"),
        secrecy_levels=(data["secrecy"],) if data.get("secrecy") is not None else (),
        digitization_status=data.get("status") or None,
        page=page,
        page_size=PAGE_SIZE,
    )


def _results(user: Any, result: SearchPage) -> list[dict[str, Any]]:
    """The hits in rank order with their documents (looked up again through the user's selector)."""
    ids = [hit.document_id for hit in result.hits]
    documents = documents_for(user, Action.SEARCH).filter(pk__in=ids).select_related("record__fonds")
    by_id = {document.pk: document for document in documents}
    return [{"hit": hit, "document": by_id[hit.document_id]} for hit in result.hits if hit.document_id in by_id]


@page_view
def search(request: HttpRequest) -> HttpResponse:
    """Show the form; with words or filters, the ranked hits with highlighted snippets and facets."""
    form = SearchForm(request.GET or None, user=request.user)
    context: dict[str, Any] = {"form": form, "result": None}
    if request.GET and form.is_valid():
        query = _query(form.cleaned_data, page_number(request.GET.get("page")))
        result = get_backend().search(query, base=documents_for(request.user, Action.SEARCH))
        context.update(
            {
                "result": result,
                "hits": _results(request.user, result),
                "type_facets": [
                    (code, DOC_TYPE.get(code, code or "—"), n) for code, n in result.facets.by_type.items()
                ],
                "year_facets": sorted(result.facets.by_year.items(), reverse=True),
                "page_number": query.page,
                "has_next": query.page < result.pages,
            }
        )
    return render(request, "web/search.html", context)
