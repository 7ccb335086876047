"""``/agencies``: agencies the user may view (``kho.access.selectors.agencies_for``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404
from kho.access.selectors import agencies_for
from kho.agencies.models import Agency
from kho.api.pagination import keyset_page
from kho.api.params import AgencyFilter
from kho.api.routers._common import ERRORS, NOT_FOUND, user_of
from kho.api.schemas import AgencyOut, AgencyPage

router = Router(tags=["agencies"])


@router.get("", response={200: AgencyPage, **ERRORS}, summary="List agencies")
def list_agencies(request: HttpRequest, filters: Query[AgencyFilter]) -> dict[str, Any]:
    """Agencies in the user's scope, by code; keyset-paginated."""
    qs = agencies_for(user_of(request)).select_related("parent")
    if filters.q:
        qs = qs.filter(Q(code__icontains=filters.q) | Q(name__icontains=filters.q))
    if filters.parent:
        qs = qs.filter(parent__uid=filters.parent)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return keyset_page(qs, "code", filters.cursor, filters.limit)


@router.get("/{uid}", response={200: AgencyOut, **NOT_FOUND}, summary="Get an agency")
def get_agency(request: HttpRequest, uid: uuid.UUID) -> Agency:
    """One agency; 404 alike for a missing and a hidden one."""
    return get_visible_or_404(user_of(request), Action.VIEW, Agency.objects.select_related("parent"), uid=uid)
