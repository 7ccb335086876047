"""``/records``: records (hồ sơ) the user may view (``kho.access.selectors.records_for``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404
from kho.access.selectors import records_for
from kho.api.pagination import keyset_page
from kho.api.params import RecordFilter
from kho.api.routers._common import ERRORS, NOT_FOUND, user_of
from kho.api.schemas import RecordDetail, RecordPage
from kho.records.models import Record

router = Router(tags=["records"])


@router.get("", response={200: RecordPage, **ERRORS}, summary="List records")
def list_records(request: HttpRequest, filters: Query[RecordFilter]) -> dict[str, Any]:
    """Records the user may view, by file code; keyset-paginated (no total count: the table is large)."""
    qs = records_for(user_of(request)).select_related("fonds")
    if filters.fonds:
        qs = qs.filter(fonds__uid=filters.fonds)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.digitization_status:
        qs = qs.filter(digitization_status=filters.digitization_status)
    if filters.secrecy_level is not None:
        qs = qs.filter(secrecy_level=filters.secrecy_level)
    if filters.file_code_prefix:
        qs = qs.filter(file_code__startswith=filters.file_code_prefix)
    return keyset_page(qs, "file_code", filters.cursor, filters.limit)


@router.get("/{uid}", response={200: RecordDetail, **NOT_FOUND}, summary="Get a record")
def get_record(request: HttpRequest, uid: uuid.UUID) -> Record:
    """One record with every TT05 field; 404 alike for a missing and a hidden one."""
    return get_visible_or_404(user_of(request), Action.VIEW, Record.objects.select_related("fonds"), uid=uid)
