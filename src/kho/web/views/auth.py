"""Sign-in and sign-out with Django's auth views and our own templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class SignInView(auth_views.LoginView):
    """The sign-in page; a signed-in user goes straight to the dashboard."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    next_page = "web:dashboard"


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and return to the sign-in page."""

    next_page = "web:login"
