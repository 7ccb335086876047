"""The authentication backend: Django's ``ModelBackend`` that also refuses locked names and addresses."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from kho.access import signin
from kho.core.text import nfc


class GuardedModelBackend(ModelBackend):
    """Check the password first (the hasher always runs, also for unknown users), then the locks.

    Refusing a locked account only after hashing keeps its answer and its timing like a wrong password's.
    Passwords are compared in NFC form, as ``kho users`` stores them (Vietnamese keyboards differ).
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        """The user when the password is right and neither the name nor the address is locked."""
        if password is not None:
            password = nfc(password)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        name = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if signin.is_locked(name, signin.client_address(request)):
            return None
        return user
