"""Token changes and token checking: ``CreateTokenAction``, ``RevokeTokenAction``, ``authenticate``.

The two actions are ``check()`` + ``execute()`` (style.md rules 1, 2): ``execute`` runs in one transaction
and appends an ACCESS event naming the token by id and prefix, never its secret. ``actor=None`` is the local
operator at the server's shell (``kho tokens``); a signed-in actor may manage their own tokens, and another
user's only with ``manage_users``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kho.access._subject import subject_for  # TODO(lead): a public role check for system actions
from kho.access.exceptions import AccessDeniedError
from kho.access.levels import Action, Decision, role_decision
from kho.api import _keys
from kho.api.exceptions import TokenAlreadyRevokedError, UnknownTokenError, UnknownTokenUserError
from kho.api.models import ApiToken
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.exceptions import BadInputError
from kho.core.text import N_, clean

# Writing last_used_at on every request would serialise all requests on SQLite; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(seconds=60)
MAX_EXPIRY_DAYS = 3650
NAME_MAX = 100


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A created token: ``token`` is the only copy of the secret, to show once."""

    row: ApiToken
    token: str


def _check_actor(actor: Any, owner: Any) -> None:
    """Allow the local operator, the token's owner, and holders of ``manage_users``."""
    if actor is None or getattr(actor, "pk", None) == getattr(owner, "pk", object()):
        return
    subject = subject_for(actor)
    decision = subject if isinstance(subject, Decision) else role_decision(subject.role, Action.MANAGE_USERS)
    if not decision.allowed:
        raise AccessDeniedError(decision)


def _event(actor: Any, row: ApiToken, detail: str, change: str) -> None:
    log.append(
        EventType.ACCESS,
        agent=log.user_agent(actor),
        object_type=ApiToken._meta.label_lower,
        object_id=str(row.pk),
        detail=detail % {"user": row.user.get_username(), "prefix": row.prefix},
        data={
            "change": change,
            "user": row.user.get_username(),
            "name": row.name,
            "prefix": row.prefix,
            "expires_at": row.expires_at.isoformat() if row.expires_at else None,
            "via": "cli" if actor is None else "api",
        },
    )


class CreateTokenAction:
    """Create a token for ``username`` named ``name``, valid ``expires_days`` days (None: until revoked)."""

    def __init__(self, username: str, name: str, *, expires_days: int | None = None, actor: Any = None) -> None:
        self.username = clean(username)
        self.name = clean(name)
        self.expires_days = expires_days
        self.actor = actor

    def check(self) -> Any:
        """Validate the name and expiry, find the user, check the actor; return the user."""
        if not self.name or len(self.name) > NAME_MAX:
            raise BadInputError(N_("Tên khóa API cần từ 1 đến %(max)s ký tự."), max=NAME_MAX)
        if self.expires_days is not None and not 1 <= self.expires_days <= MAX_EXPIRY_DAYS:
            raise BadInputError(N_("Số ngày hiệu lực cần từ 1 đến %(max)s."), max=MAX_EXPIRY_DAYS)
        user = get_user_model().objects.filter(username=self.username).first()
        if user is None:
            raise UnknownTokenUserError(username=self.username)
        _check_actor(self.actor, user)
        return user

    def execute(self) -> IssuedToken:
        """Create the row (hash only) and its event in one transaction; return the one copy of the secret."""
        user = self.check()
        key = _keys.generate()
        expires = timezone.now() + timedelta(days=self.expires_days) if self.expires_days else None
        with transaction.atomic():
            row = ApiToken.objects.create(
                user=user, name=self.name, prefix=key.prefix, key_hash=key.key_hash, expires_at=expires
            )
            _event(self.actor, row, "API token %(prefix)s created for %(user)s.", "create")
        return IssuedToken(row=row, token=key.token)


class RevokeTokenAction:
    """Revoke token ``token_id``: it stops working at once; the row stays for the record."""

    def __init__(self, token_id: int, *, actor: Any = None) -> None:
        self.token_id = token_id
        self.actor = actor

    def check(self) -> ApiToken:
        """Find the token, refuse one already revoked, check the actor."""
        row = ApiToken.objects.select_related("user").filter(pk=self.token_id).first()
        if row is None:
            raise UnknownTokenError(id=self.token_id)
        if row.revoked_at is not None:
            raise TokenAlreadyRevokedError(id=self.token_id)
        _check_actor(self.actor, row.user)
        return row

    def execute(self) -> ApiToken:
        """Mark the token revoked and append the event, in one transaction."""
        row = self.check()
        with transaction.atomic():
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            _event(self.actor, row, "API token %(prefix)s of %(user)s revoked.", "revoke")
        return row


def authenticate(token: str, now: datetime | None = None) -> Any:
    """The active user owning ``token`` when it is usable, else None (the caller answers 401).

    One indexed query by the public prefix, then a constant-time comparison of the SHA-256 hashes; an
    unknown prefix is compared against a dummy hash so it costs the same work.
    """
    now = now or timezone.now()
    prefix = _keys.split(token)
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first() if prefix else None
    good = _keys.matches(token, row.key_hash if row else _keys.DUMMY_HASH)
    if row is None or not good or not row.is_usable(now) or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
