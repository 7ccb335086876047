"""Session guard: sign out after ``KHO_SESSION_IDLE_SECONDS`` idle, new session key when privileges change.

Goes after ``AuthenticationMiddleware`` and ``MessageMiddleware`` in ``settings.MIDDLEWARE``. The absolute
lifetime is Django's ``SESSION_COOKIE_AGE`` (``KHO_SESSION_SECONDS``); Django also rotates the session key
at sign-in and flushes the session at sign-out. This middleware adds the two rules Django lacks:

* idle timeout: the time of the last request is kept in the session (rewritten at most once a minute);
  a request after a longer pause signs the user out (an audit event) and continues as anonymous, so the
  page asks for sign-in again;
* privilege change: a stamp of the account's privileges (profile update time, staff and superuser flags)
  is kept in the session; when it differs, the session key is rotated (``cycle_key``) so a key captured
  before the change does not carry the new privileges. Both are checked at most once a minute
  (``SEEN_RESOLUTION``), which keeps ordinary requests free of an extra query and session write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kho.access import signin
from kho.access.models import AccessProfile

SEEN_KEY = "kho_seen_at"
STAMP_KEY = "kho_access_stamp"
SEEN_RESOLUTION = 60  # seconds: do not rewrite the session on every request


def privilege_stamp(user: Any) -> str:
    """A string that changes whenever the account's role, clearance, scope or admin flags change."""
    updated = AccessProfile.objects.filter(user_id=user.pk).values_list("updated_at", flat=True).first()
    return f"{updated.isoformat() if updated else '-'}|{int(user.is_staff)}{int(user.is_superuser)}"


def start_session(request: Any, user: Any) -> None:
    """Record the sign-in time and privilege stamp in a new session (called when a user signs in)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SEEN_KEY] = int(time.time())
    session[STAMP_KEY] = privilege_stamp(user)


class SessionGuardMiddleware:
    """Idle timeout and session-key rotation on privilege change, for session-authenticated requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Apply both rules, then continue."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._guard(request, user)
        return self.get_response(request)

    @staticmethod
    def _guard(request: HttpRequest, user: Any) -> None:
        session = request.session
        now = int(time.time())
        seen = session.get(SEEN_KEY)
        if isinstance(seen, int) and now - seen > signin.policy().idle_seconds:
            logout(request)
            messages.info(request, _("Phiên làm việc đã hết do lâu không thao tác; hãy đăng nhập lại."))
            return
        if isinstance(seen, int) and now - seen < SEEN_RESOLUTION:
            return  # checked less than a minute ago: no session write, no query
        session[SEEN_KEY] = now
        stamp = privilege_stamp(user)
        if session.get(STAMP_KEY) != stamp:
            if STAMP_KEY in session:
                session.cycle_key()
            session[STAMP_KEY] = stamp
