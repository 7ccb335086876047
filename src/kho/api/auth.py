"""Bearer-token authentication for every API operation (``Authorization: Bearer kho_…``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from kho.api.actions import authenticate

__all__ = ["TokenAuth"]


class TokenAuth(HttpBearer):
    """Resolve the token to its active user, or None (django-ninja then raises ``AuthenticationError``: 401)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The user owning ``token`` when it is usable; also set as ``request.user`` for the audit log."""
        user = authenticate(token)
        if user is not None:
            request.user = user
        return user
