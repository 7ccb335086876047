"""Kho's own middleware: Vietnamese first, and the security headers of every response.

``VietnameseFirstMiddleware``: the interface language is Vietnamese unless the user chose English with
the switch. ``SecurityHeadersMiddleware``: a strict Content-Security-Policy on HTML pages (no inline
script or style anywhere in Kho's templates; the PDF viewer's ``<iframe>`` is same-origin), the
permissions and cross-origin policies, and ``Cache-Control: no-store`` on everything a signed-in user
receives except static files (classified pages and files must not stay in shared or browser caches).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
# Non-HTML responses (PDF, images, JSON) run no markup; only forbid framing by other sites. A full policy
# on a PDF can stop the browser's built-in viewer, which the document page embeds.
FRAME_ONLY_POLICY = "frame-ancestors 'self'"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=()"
)


class VietnameseFirstMiddleware:
    """Ignore the browser's Accept-Language so only the explicit language switch (cookie) changes it.

    Must run before ``django.middleware.locale.LocaleMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Drop Accept-Language, then continue."""
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Add CSP, Permissions-Policy, COOP/CORP, Referrer-Policy, nosniff and no-store headers.

    Place it right after ``django.middleware.security.SecurityMiddleware``; headers a view set itself
    are kept, except a ``Cache-Control`` without ``no-store`` for signed-in users, replaced by ``no-store``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Continue, then add the headers to the response."""
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        policy = CONTENT_SECURITY_POLICY if is_html else FRAME_ONLY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        user = getattr(request, "user", None)
        static = request.path.startswith("/" + str(settings.STATIC_URL).lstrip("/"))
        if not static and user is not None and user.is_authenticated:
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
