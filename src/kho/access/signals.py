"""Sign-in, sign-out and failed sign-in become events in the hash-chained log (who, when, from where).

The failed sign-in receiver is also the one place that counts failures for throttling and lockout
(``kho.access.signin.record_failure``); the second-factor step sends the same signal for a wrong code.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from kho.access import signin
from kho.access.middleware import start_session
from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome


def _where(request: Any) -> str:
    return signin.client_address(request)


@receiver(user_logged_in, dispatch_uid="kho-sign-in")
def on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A successful sign-in: the user name's failure count is cleared, the session guard starts.

    A sign-in that skipped the code step of an account needing one (e.g. through another login view or
    ``django.contrib.auth.login`` called directly) is undone here: the session is flushed and the refusal
    is logged instead.
    """
    skipped_code = request is not None and not getattr(request, signin.SECOND_FACTOR_PASSED, False)
    if skipped_code and signin.needs_second_factor(user):
        _undo_sign_in(request, user)
        return
    start_session(request, user)
    with transaction.atomic():
        signin.record_success(user.get_username())
        log.append(
            EventType.SIGN_IN,
            agent=log.user_agent(user),
            object_type="user",
            object_id=user.get_username(),
            detail="sign-in",
            data={"from": _where(request)},
        )


def _undo_sign_in(request: Any, user: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session.flush()
    request.user = AnonymousUser()
    with transaction.atomic():
        log.append(
            EventType.SIGN_IN,
            outcome=Outcome.FAILURE,
            object_type="user",
            object_id=user.get_username(),
            detail="sign-in without the second factor refused",
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
    """A failed sign-in: the user name tried, never the password; counted towards the locks."""
    with transaction.atomic():
        log.append(
            EventType.SIGN_IN,
            outcome=Outcome.FAILURE,
            object_type="user",
            object_id=str(credentials.get("username", ""))[:100],
            detail="failed sign-in",
            data={"from": _where(request)},
        )
        signin.record_failure(credentials.get("username", ""), _where(request))
