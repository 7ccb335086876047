"""Sign-in (password, then a TOTP code when the account has one) and sign-out.

The password step is Django's ``LoginView`` over ``GuardedModelBackend`` (locks, NFC passwords). When the
account needs a second factor, the password step only remembers the user in the session (for
``PENDING_SECONDS``) and sends the browser to the code step; the user is signed in when the code is
right. A wrong code is a failed sign-in like a wrong password (``user_login_failed``: the same event and
the same lock counter). Every failure shows one generic message, so a locked account, a wrong password
and an unknown user name look alike.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from kho.access import signin
from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome

__all__ = ["SecondFactorView", "SignInView", "SignOutView"]

PENDING_KEY = "kho_pending_second_factor"
PENDING_SECONDS = 300


class SignInView(auth_views.LoginView):
    """The sign-in page; a signed-in user goes straight to the dashboard."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    next_page = "web:dashboard"

    def form_valid(self, form: Any) -> HttpResponse:
        """Sign in, or when the account needs a code, remember it and ask for the code."""
        user = form.get_user()
        if not signin.needs_second_factor(user):
            return super().form_valid(form)
        if not signin.has_second_factor(user):
            _refuse_unenrolled(self.request, user)
            context = self.get_context_data(form=form, totp_missing=True)
            return self.render_to_response(context)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "at": int(time.time()),
            "next": self.get_redirect_url(),
        }
        return redirect("web:login-code")


def _refuse_unenrolled(request: HttpRequest, user: Any) -> None:
    """Record that a cleared account without a second factor was refused (``KHO_REQUIRE_TOTP``)."""
    with transaction.atomic():
        log.append(
            EventType.SIGN_IN,
            outcome=Outcome.FAILURE,
            agent=log.SYSTEM_AGENT,
            object_type="user",
            object_id=user.get_username(),
            detail="second factor required but not enrolled",
            data={"from": signin.client_address(request)},
        )


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """The user waiting for the code step, unless the wait has expired."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user is not None else None


@method_decorator([never_cache, csrf_protect], name="dispatch")
class SecondFactorView(View):
    """The code step of the sign-in (only reachable right after a correct password)."""

    template_name = "web/login_code.html"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        """Ask for the code, or go back to the password step when nothing is pending."""
        if _pending_user(request) is None:
            return redirect("web:login")
        return render(request, self.template_name, {"error": False})

    def post(self, request: HttpRequest) -> HttpResponseBase:
        """Check the code: sign in, or count a failure (back to the password step once locked)."""
        found = _pending_user(request)
        if found is None:
            return redirect("web:login")
        user, pending = found
        username = user.get_username()
        code = str(request.POST.get("code", ""))
        locked = signin.is_locked(username, signin.client_address(request))
        if locked or not signin.verify_code(user, code):
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
            if signin.is_locked(username, signin.client_address(request)):
                request.session.pop(PENDING_KEY, None)
                return redirect("web:login")
            return render(request, self.template_name, {"error": True}, status=200)
        request.session.pop(PENDING_KEY, None)
        setattr(request, signin.SECOND_FACTOR_PASSED, True)
        login(request, user, backend=pending.get("backend") or None)
        target = str(pending.get("next") or "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("web:dashboard")
        return redirect(target)


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires): the session is flushed; back to the sign-in page."""

    next_page = "web:login"
