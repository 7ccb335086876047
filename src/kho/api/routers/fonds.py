"""``/fonds``: fonds the user may view (``kho.access.selectors.fonds_for``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404
from kho.access.selectors import fonds_for
from kho.api.pagination import keyset_page
from kho.api.params import FondsFilter
from kho.api.routers._common import ERRORS, NOT_FOUND, user_of
from kho.api.schemas import FondsDetail, FondsPage
from kho.records.models import Fonds

router = Router(tags=["fonds"])


@router.get("", response={200: FondsPage, **ERRORS}, summary="List fonds")
def list_fonds(request: HttpRequest, filters: Query[FondsFilter]) -> dict[str, Any]:
    """Fonds in the user's scope, by code; keyset-paginated."""
    qs = fonds_for(user_of(request)).select_related("agency")
    if filters.q:
        qs = qs.filter(Q(code__icontains=filters.q) | Q(name__icontains=filters.q))
    if filters.agency:
        qs = qs.filter(agency__uid=filters.agency)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return keyset_page(qs, "code", filters.cursor, filters.limit)


@router.get("/{uid}", response={200: FondsDetail, **NOT_FOUND}, summary="Get a fonds")
def get_fonds(request: HttpRequest, uid: uuid.UUID) -> Fonds:
    """One fonds; 404 alike for a missing and a hidden one."""
    return get_visible_or_404(user_of(request), Action.VIEW, Fonds.objects.select_related("agency"), uid=uid)
