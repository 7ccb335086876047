"""Request schemas of the API: query filters, pages and bodies.

Every free-text parameter is bounded and refuses control characters (PostgreSQL cannot store NUL), and
every number is bounded, so a malformed request is a 422, never a database error.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from kho.search.backends import MAX_PAGE_SIZE as SEARCH_MAX_PAGE_SIZE

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"

Text = Annotated[str, StringConstraints(max_length=200, pattern=_NO_CONTROL)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=_NO_CONTROL)]
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=400, pattern=r"^[A-Za-z0-9_-]+$")]
Year = Annotated[int, Field(ge=1, le=9999)]
Level = Annotated[int, Field(ge=0, le=3)]


class PageParams(Schema):
    """Keyset pagination: ``cursor`` is the ``next_cursor`` of the previous page."""

    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class AgencyFilter(PageParams):
    """Filters of the agency list."""

    q: Text | None = Field(None, description="Part of the code or name (case-insensitive).")
    parent: uuid.UUID | None = None
    level: Code | None = None
    status: Code | None = None


class FondsFilter(PageParams):
    """Filters of the fonds list."""

    q: Text | None = Field(None, description="Part of the code or name (case-insensitive).")
    agency: uuid.UUID | None = None
    status: Code | None = None


class RecordFilter(PageParams):
    """Filters of the record list."""

    fonds: uuid.UUID | None = None
    year: Year | None = None
    digitization_status: Code | None = None
    secrecy_level: Level | None = None
    file_code_prefix: Code | None = None


class DocumentFilter(PageParams):
    """Filters of the document list."""

    record: uuid.UUID | None = None
    fonds: uuid.UUID | None = None
    type_code: Code | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    number_symbol: Code | None = None
    secrecy_level: Level | None = None
    verification_status: Code | None = None


class SearchParams(Schema):
    """A full-text search: words, the number/symbol field, filters and a page."""

    q: Annotated[str, StringConstraints(max_length=1000, pattern=_NO_CONTROL)] = ""
    number_symbol: Code | None = None
    agency: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    fonds: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    type_code: list[Code] = Field(default_factory=list, max_length=20)
    year_from: Year | None = None
    year_to: Year | None = None
    digitization_status: Code | None = None
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=SEARCH_MAX_PAGE_SIZE)


class FixityCheckIn(Schema):
    """A sampled fixity check, run while the request waits."""

    sample: int = Field(10, ge=1, le=100)


class UploadBatchIn(Schema):
    """Open an upload batch on a record (the caller must be allowed to digitize into it)."""

    record: uuid.UUID


class EventsParams(Schema):
    """How many of the latest events to return."""

    limit: int = Field(50, ge=1, le=500)
