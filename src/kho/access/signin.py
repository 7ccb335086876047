"""Sign-in throttling, lockout and the TOTP second factor, with their state in the database.

One counter per user name and one per client address (``SignInThrottle``). Every failed sign-in, wrong
second-factor code and wrong API token is counted by ``record_failure`` (called from the
``user_login_failed`` receiver in ``kho.access.signals`` and from the API's token check). Reaching the
limit locks the name or address for ``KHO_LOGIN_LOCKOUT_SECONDS`` and appends a SIGN_IN failure event;
failures while locked do not extend the lock (so nobody can keep an account locked for ever by
hammering it, only for as long as they keep hammering). ``GuardedModelBackend`` refuses locked names and
addresses *after* running the password hasher, so a locked account, a wrong password and an unknown
user name answer alike and take about as long.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kho.access import totp
from kho.access._totp_seal import SealedSecretError, open_secret, seal_secret
from kho.access.models import AccessProfile, SecondFactor, SignInThrottle, ThrottleScope
from kho.audit import log
from kho.audit.middleware import client_ip
from kho.audit.vocabulary import EventType, Outcome
from kho.config.env import SignInPolicy
from kho.core.codetables import SecrecyLevel
from kho.core.text import clean

__all__ = [
    "client_address",
    "is_locked",
    "needs_second_factor",
    "policy",
    "record_failure",
    "record_success",
    "unlock",
    "user_key",
    "verify_code",
]

ISSUER = "Kho"
# Set on the request by the code step just before it calls ``login()``; any other way in (Django admin's
# own login form, a future view) lacks it, and ``kho.access.signals.on_sign_in`` undoes such a sign-in.
SECOND_FACTOR_PASSED = "_kho_second_factor_passed"


def policy() -> SignInPolicy:
    """The sign-in policy read from the environment at start-up (``settings.KHO_SIGN_IN``)."""
    value = getattr(settings, "KHO_SIGN_IN", None)
    return value if isinstance(value, SignInPolicy) else SignInPolicy()


def client_address(request: Any) -> str:
    """The client's address (behind a proxy in ``KHO_TRUSTED_PROXIES``, the forwarded one); "" without a request."""
    meta = getattr(request, "META", None)
    if not isinstance(meta, dict):
        return ""
    return client_ip(meta, getattr(settings, "KHO_TRUSTED_PROXIES", ()))[:150]


def user_key(username: Any) -> str:
    """The counter key of a user name: NFC, trimmed, case-folded, at most 150 characters."""
    return clean(str(username or "")).casefold()[:150]


def _keys(username: Any, address: str) -> list[tuple[str, str]]:
    keys = []
    if user_key(username):
        keys.append((ThrottleScope.USER.value, user_key(username)))
    if address:
        keys.append((ThrottleScope.ADDRESS.value, address))
    return keys


def is_locked(username: Any, address: str, now: dt.datetime | None = None) -> bool:
    """Whether the user name or the client address is locked now."""
    keys = _keys(username, address)
    if not keys:
        return False
    match = Q()
    for scope, key in keys:
        match |= Q(scope=scope, key=key)
    return SignInThrottle.objects.filter(match, locked_until__gt=now or timezone.now()).exists()


def _row_for_update(scope: str, key: str) -> SignInThrottle:
    row = SignInThrottle.objects.select_for_update().filter(scope=scope, key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert must not break the outer transaction
            return SignInThrottle.objects.create(scope=scope, key=key)
    except IntegrityError:
        return SignInThrottle.objects.select_for_update().get(scope=scope, key=key)


def _count(scope: str, key: str, limit: int, now: dt.datetime) -> dt.datetime | None:
    """Count one failure of ``key``; the end of the lock when this failure set one, else None."""
    rules = policy()
    row = _row_for_update(scope, key)
    if row.locked_until is not None and row.locked_until > now:
        return None
    window = dt.timedelta(seconds=rules.window_seconds)
    if row.window_started_at is None or now - row.window_started_at >= window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    until = None
    if row.failures >= limit:
        until = now + dt.timedelta(seconds=rules.lockout_seconds)
        row.locked_until, row.failures, row.window_started_at = until, 0, None
    row.save(update_fields=["failures", "window_started_at", "locked_until", "updated_at"])
    return until


def record_failure(username: Any, address: str, *, via: str = "web") -> list[str]:
    """Count a failed attempt against the user name and the address; return the keys it locked.

    Must run in the caller's transaction (the receiver's): the counts, the lock and its audit event
    commit together.
    """
    rules = policy()
    now = timezone.now()
    locked = []
    for scope, key in _keys(username, address):
        limit = rules.max_failures if scope == ThrottleScope.USER else rules.ip_max_failures
        until = _count(scope, key, limit, now)
        if until is None:
            continue
        locked.append(f"{scope}:{key}")
        log.append(
            EventType.SIGN_IN,
            outcome=Outcome.FAILURE,
            object_type="user" if scope == ThrottleScope.USER else "address",
            object_id=key,
            detail="account locked" if scope == ThrottleScope.USER else "client address locked",
            data={
                "from": address,
                "via": via,
                "failures": limit,
                "window_seconds": rules.window_seconds,
                "locked_until": until.isoformat(),
            },
        )
    return locked


def record_success(username: Any) -> None:
    """Forget the failures of a user name after a complete sign-in (the address keeps its count)."""
    SignInThrottle.objects.filter(scope=ThrottleScope.USER.value, key=user_key(username)).delete()


def unlock(username: str = "", address: str = "") -> int:
    """Clear the counters and locks of a user name and/or address; how many were locked."""
    keys = _keys(username, address)
    if not keys:
        return 0
    match = Q()
    for scope, key in keys:
        match |= Q(scope=scope, key=key)
    rows = SignInThrottle.objects.filter(match)
    was_locked = rows.filter(locked_until__gt=timezone.now()).count()
    rows.delete()
    return was_locked


def has_second_factor(user: Any) -> bool:
    """Whether ``user`` has enrolled a TOTP secret."""
    return SecondFactor.objects.filter(user_id=user.pk).exists()


def needs_second_factor(user: Any) -> bool:
    """Whether signing in takes a code: enrolled users, and with ``KHO_REQUIRE_TOTP`` cleared users."""
    if has_second_factor(user):
        return True
    return policy().require_totp and has_clearance(user)


def has_clearance(user: Any) -> bool:
    """Whether ``user``'s profile has a clearance above NONE."""
    return AccessProfile.objects.filter(user_id=user.pk, clearance__gt=SecrecyLevel.NONE.value).exists()


def verify_code(user: Any, code: str, now: dt.datetime | None = None) -> bool:
    """Whether ``code`` is the user's current TOTP code (±1 step) and newer than the last one accepted.

    The last step is advanced by one conditional UPDATE, so two requests racing with the same code
    cannot both succeed.
    """
    factor = SecondFactor.objects.filter(user_id=user.pk).first()
    if factor is None:
        return False
    try:
        key = totp.decode_secret(open_secret(factor.secret, user.pk))
    except (totp.InvalidSecretError, SealedSecretError):
        return False
    step = totp.match_step(key, code, (now or timezone.now()).timestamp())
    if step is None:
        return False
    return SecondFactor.objects.filter(pk=factor.pk, last_step__lt=step).update(last_step=step) == 1


def enrol(user: Any) -> tuple[str, str]:
    """Give ``user`` a new TOTP secret (replacing any old one); the secret and its ``otpauth://`` URI."""
    secret = totp.new_secret()
    SecondFactor.objects.update_or_create(user=user, defaults={"secret": seal_secret(secret, user.pk), "last_step": -1})
    return secret, totp.provisioning_uri(secret, user.get_username(), ISSUER)


def disenrol(user: Any) -> bool:
    """Remove ``user``'s TOTP secret; whether there was one."""
    deleted, _ = SecondFactor.objects.filter(user_id=user.pk).delete()
    return deleted > 0
