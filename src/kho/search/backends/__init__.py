"""Search backends behind one interface; :func:`get_backend` picks the one for the database in use."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from kho.search.backends.base import (
    MAX_PAGE_SIZE,
    SearchBackend,
    SearchFacets,
    SearchHit,
    SearchPage,
    SearchQuery,
)
from kho.search.exceptions import SearchUnavailableError

__all__ = [
    "MAX_PAGE_SIZE",
    "SearchBackend",
    "SearchFacets",
    "SearchHit",
    "SearchPage",
    "SearchQuery",
    "get_backend",
]


def get_backend(using: str = DEFAULT_DB_ALIAS) -> SearchBackend:
    """The backend of database ``using``: SQLite FTS5 or PostgreSQL full text, by ``connection.vendor``.

    Raises:
        SearchUnavailableError: on any other database.
    """
    vendor = connections[using].vendor
    if vendor == "sqlite":
        from kho.search.backends.sqlite import SqliteFtsBackend

        return SqliteFtsBackend(using)
    if vendor == "postgresql":
        from kho.search.backends.postgres import PostgresFtsBackend

        return PostgresFtsBackend(using)
    raise SearchUnavailableError(vendor=vendor)
