"""What every router shares: the authenticated user and the documented error responses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kho.api.schemas import ErrorOut

# Documented on every operation: the one error shape (kho.api.errors) for these statuses.
ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 422: ErrorOut}
NOT_FOUND: dict[int, type[ErrorOut]] = {**ERRORS, 404: ErrorOut}


def user_of(request: HttpRequest) -> Any:
    """The user the bearer token belongs to (set by ``kho.api.auth.TokenAuth``)."""
    return getattr(request, "auth", None)
