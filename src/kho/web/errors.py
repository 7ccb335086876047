"""The one place where the web interface turns exceptions into responses (style.md rule 14).

``page_view`` wraps HTML views (sign-in required, ``KhoError`` → an error page with its HTTP status);
``json_view`` wraps the small JSON endpoints of the upload screen (401 instead of a redirect to the
sign-in page, errors as ``{"error": {...}}``). Matching is on the exception type only; the text of an
unexpected exception is never shown (Django's 500 page is).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.http.response import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kho.core.exceptions import KhoError, KhoPermissionDeniedError, NotFoundError

View = Callable[..., HttpResponseBase]


def error_message(error: KhoError) -> str:
    """What the user is told: one message for missing and hidden objects, never a policy reason."""
    if isinstance(error, NotFoundError):
        return _("Không tìm thấy đối tượng này, hoặc bạn không có quyền xem.")
    if isinstance(error, KhoPermissionDeniedError):
        return _("Bạn không có quyền thực hiện thao tác này; liên hệ cán bộ bảo mật nếu cần được cấp quyền.")
    return error.render(_)


def error_details(error: KhoError) -> list[str]:
    """The error's details as text (validators list every problem there); none for denials."""
    if isinstance(error, NotFoundError | KhoPermissionDeniedError):
        return []
    return [str(detail) for detail in error.details]


def error_page(request: HttpRequest, error: KhoError) -> HttpResponse:
    """Render ``web/error.html`` with the error's HTTP status."""
    context = {"status": error.http_status, "message": error_message(error), "details": error_details(error)}
    return render(request, "web/error.html", context, status=error.http_status)


def error_json(error: KhoError) -> JsonResponse:
    """The error as JSON with its HTTP status."""
    body = {"error": {"code": error.code, "message": error_message(error), "details": error_details(error)}}
    return JsonResponse(body, status=error.http_status)


def wants_json(request: HttpRequest) -> bool:
    """Whether the client asked for JSON (the upload script does)."""
    return request.headers.get("Accept", "").startswith("application/json")


def page_view(view: View) -> View:
    """An HTML view: signed-in users only; Kho errors become an error page (JSON when JSON was asked for)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except KhoError as error:
            return error_json(error) if wants_json(request) else error_page(request, error)

    return login_required(wrapper)


def json_view(view: View) -> View:
    """A JSON view: 401 when signed out; Kho errors become ``{"error": …}`` with their status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            message = _("Phiên làm việc đã hết; hãy đăng nhập lại.")
            return JsonResponse({"error": {"code": "signed_out", "message": message, "details": []}}, status=401)
        try:
            return view(request, *args, **kwargs)
        except KhoError as error:
            return error_json(error)

    return wrapper
