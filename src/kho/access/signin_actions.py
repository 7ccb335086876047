"""Sign-in security changes: ``UnlockAction`` and ``SecondFactorAction`` (style.md rules 1, 2).

``actor=None`` is the local operator at the server's shell (``kho users unlock`` / ``kho users totp``). A
signed-in actor must be a security officer or an admin (``manage_clearances`` or ``manage_users``). Each
``execute`` runs in one transaction with its ACCESS event; the TOTP secret never enters the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from kho.access import signin
from kho.access._subject import subject_for
from kho.access.exceptions import AccessDeniedError, UnknownUserError
from kho.access.levels import Action, Decision, role_decision
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.exceptions import BadInputError
from kho.core.text import clean

__all__ = ["SecondFactorAction", "SecondFactorResult", "UnlockAction"]


def _check_actor(actor: Any) -> None:
    """Raise ``AccessDeniedError`` unless the actor is the local operator, a security officer or an admin."""
    if actor is None:
        return
    subject = subject_for(actor)
    if isinstance(subject, Decision):
        raise AccessDeniedError(subject)
    decisions = [role_decision(subject.role, action) for action in (Action.MANAGE_CLEARANCES, Action.MANAGE_USERS)]
    if not any(decision.allowed for decision in decisions):
        raise AccessDeniedError(decisions[0])


def _user(username: str) -> Any:
    name = get_user_model().normalize_username(clean(username))
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise UnknownUserError(username=name)
    return user


class UnlockAction:
    """Clear the failed sign-ins and the lock of an account (and, if given, of a client address)."""

    def __init__(self, username: str, *, address: str = "", actor: Any = None) -> None:
        self.username = username
        self.address = clean(address)
        self.actor = actor

    def check(self) -> None:
        """Only the local operator, a security officer or an admin may unlock."""
        _check_actor(self.actor)

    def execute(self) -> int:
        """Unlock and append the event; how many locks (name, address) were in force."""
        self.check()
        if not clean(self.username) and not self.address:
            raise BadInputError(_("Cần tên tài khoản hoặc --address để mở khóa."))
        name = _user(self.username).get_username() if clean(self.username) else ""
        with transaction.atomic():
            cleared = signin.unlock(name, self.address)
            log.append(
                EventType.ACCESS,
                agent=log.user_agent(self.actor),
                object_type="user" if name else "address",
                object_id=name or self.address,
                detail="sign-in lock cleared",
                data={"address": self.address, "locks_cleared": cleared, "via": "cli" if self.actor is None else "web"},
            )
        return cleared


@dataclass(frozen=True, slots=True)
class SecondFactorResult:
    """What enabling or disabling did; ``secret`` and ``uri`` only after enabling (shown once, never logged)."""

    username: str
    enabled: bool
    changed: bool
    secret: str = ""
    uri: str = ""


class SecondFactorAction:
    """Enrol an account in TOTP (a new secret, replacing any old one) or remove its second factor."""

    def __init__(self, username: str, *, enable: bool, actor: Any = None) -> None:
        self.username = username
        self.enable = enable
        self.actor = actor

    def check(self) -> None:
        """Only the local operator, a security officer or an admin may change a second factor."""
        _check_actor(self.actor)

    def execute(self) -> SecondFactorResult:
        """Apply the change and append the event in one transaction."""
        self.check()
        user = _user(self.username)
        name = user.get_username()
        with transaction.atomic():
            if self.enable:
                secret, uri = signin.enrol(user)
                result = SecondFactorResult(name, enabled=True, changed=True, secret=secret, uri=uri)
            else:
                result = SecondFactorResult(name, enabled=False, changed=signin.disenrol(user))
            log.append(
                EventType.ACCESS,
                agent=log.user_agent(self.actor),
                object_type="user",
                object_id=name,
                detail="second factor enabled" if self.enable else "second factor disabled",
                data={"changed": result.changed, "via": "cli" if self.actor is None else "web"},
            )
        return result
