"""``/search``: full-text search over the documents the user may search (``kho.search`` backend).

The backend computes hits, totals, facets and snippets only from ``documents_for(user, SEARCH)``; agency
and fonds filters name objects by uid and are resolved among those the user may search, so an unknown or
hidden uid narrows the result to nothing instead of being ignored.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from kho.access.levels import Action
from kho.access.selectors import agencies_for, documents_for, fonds_for
from kho.api.params import SearchParams
from kho.api.routers._common import ERRORS, user_of
from kho.api.schemas import SearchOut
from kho.search.backends import SearchQuery, get_backend

router = Router(tags=["search"])


def _ids(visible: QuerySet[Any], uids: list[uuid.UUID]) -> tuple[int, ...] | None:
    """Internal ids of the named objects among ``visible``; None when some named were not found."""
    if not uids:
        return ()
    ids = tuple(visible.filter(uid__in=uids).values_list("pk", flat=True))
    return ids if len(ids) == len(set(uids)) else None


@router.get("", response={200: SearchOut, **ERRORS}, summary="Search documents")
def search_documents(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Words (accent-insensitive), number/symbol and filters; one page of hits with snippets and facets."""
    user = user_of(request)
    base = documents_for(user, Action.SEARCH)
    agency_ids = _ids(agencies_for(user, Action.SEARCH), params.agency)
    fonds_ids = _ids(fonds_for(user, Action.SEARCH), params.fonds)
    if agency_ids is None or fonds_ids is None:
        base = base.none()
    query = SearchQuery(
        text=params.q,
        number_symbol=params.number_symbol,
        agency_ids=agency_ids or (),
        fonds_ids=fonds_ids or (),
        type_codes=tuple(params.type_code),
        year_from=params.year_from,
        year_to=params.year_to,
        digitization_status=params.digitization_status,
        page=params.page,
        page_size=params.page_size,
    )
    page = get_backend().search(query, base)
    documents = base.select_related("record").in_bulk([hit.document_id for hit in page.hits])
    return {
        "total": page.total,
        "total_exact": page.total_exact,
        "ranked": page.ranked,
        "page": query.page,
        "page_size": query.page_size,
        "pages": page.pages,
        "took_ms": page.took_ms,
        # The score is the hit's place in the ranking, never the backend's own number: SQLite's bm25 is
        # computed over the whole index, so its value tells how many documents the user may not see
        # (and how many of them hold a word) (issue #6).
        "hits": [
            {"score": 1.0 / (query.offset + place), "snippet": hit.snippet, "document": documents[hit.document_id]}
            for place, hit in enumerate(page.hits, start=1)
            if hit.document_id in documents  # deleted since it was indexed
        ],
        "facets": {
            "by_type": page.facets.by_type,
            "by_year": {str(year): count for year, count in page.facets.by_year.items()},
        },
    }
