"""Keyset pagination over a unique, indexed column: no OFFSET scans and no COUNT over large tables.

A page is ``limit + 1`` rows read in key order after the cursor; the extra row only says whether there
is a next page. The cursor is the last key of the page, base64url-encoded (opaque to clients).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from kho.api.exceptions import InvalidCursorError

M = TypeVar("M", bound=Model)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_INT_KEY = 2**63  # larger values overflow a 64-bit column (SQLite raises OverflowError)

__all__ = ["decode_cursor", "encode_cursor", "keyset_page"]


def encode_cursor(key: str) -> str:
    """The opaque cursor of ``key``."""
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, cast: Callable[[str], Any] = str) -> Any:
    """The key a cursor names, through ``cast``; ``InvalidCursorError`` for anything this API did not produce."""
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        if not key or _CONTROL.search(key):
            raise InvalidCursorError
        value = cast(key)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursorError from None
    if isinstance(value, int) and not 0 <= value < MAX_INT_KEY:
        raise InvalidCursorError
    return value


def keyset_page(
    qs: QuerySet[M], key: str, cursor: str | None, limit: int, cast: Callable[[str], Any] = str
) -> dict[str, Any]:
    """One page of ``qs`` ordered by the unique column ``key``: ``{"items": [...], "next_cursor": ...}``.

    ``cast`` turns a decoded cursor into the column's type (``int`` for integer keys).
    """
    if cursor:
        qs = qs.filter(**{f"{key}__gt": decode_cursor(cursor, cast)})
    rows = list(qs.order_by(key)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(str(getattr(rows[-1], key))) if more and rows else None
    return {"items": rows, "next_cursor": next_cursor}
