"""Bearer-token authentication for every API operation (``Authorization: Bearer kho_…``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja.security import HttpBearer

from kho.access import signin
from kho.api.actions import authenticate

__all__ = ["TokenAuth"]


class TokenAuth(HttpBearer):
    """Resolve the token to its active user, or None (django-ninja then raises ``AuthenticationError``: 401)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The user owning ``token`` when it is usable; also set as ``request.user`` for the audit log.

        Wrong tokens count against the client address like failed sign-ins (``kho.access.signin``); a
        locked address gets 401 for every token until the lock ends or ``kho users unlock --address``.
        """
        address = signin.client_address(request)
        if signin.is_locked("", address):
            return None
        user = authenticate(token)
        if user is None:
            with transaction.atomic():
                signin.record_failure("", address, via="api")
            return None
        request.user = user
        return user
