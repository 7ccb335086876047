"""Sign-in, sign-out and failed sign-in become events in the hash-chained log (who, when, from where)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome


def _where(request: Any) -> str:
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", "")) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="kho-sign-in")
def on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A successful sign-in."""
    with transaction.atomic():
        log.append(
            EventType.SIGN_IN,
            agent=log.user_agent(user),
            object_type="user",
            object_id=user.get_username(),
            detail="sign-in",
            data={"from": _where(request)},
        )


@receiver(user_logged_out, dispatch_uid="kho-sign-out")
def on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A sign-out."""
    if user is None:
        return
    with transaction.atomic():
        log.append(
            EventType.SIGN_IN,
            agent=log.user_agent(user),
            object_type="user",
            object_id=user.get_username(),
            detail="sign-out",
            data={"from": _where(request)},
        )


@receiver(user_login_failed, dispatch_uid="kho-sign-in-failed")
def on_sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """A failed sign-in: the user name tried, never the password."""
    with transaction.atomic():
        log.append(
            EventType.SIGN_IN,
            outcome=Outcome.FAILURE,
            object_type="user",
            object_id=str(credentials.get("username", ""))[:100],
            detail="failed sign-in",
            data={"from": _where(request)},
        )
