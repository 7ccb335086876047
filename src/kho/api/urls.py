"""URLs under ``/api/v1/``: the API's operations, then a JSON 404 for any other address below it.

Method-not-allowed answers from django-ninja are plain text; they are rewritten here to the API's one
error shape so that every error a client sees under ``/api/v1/`` is JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path

from kho.api.api import api
from kho.api.errors import error_response
from kho.api.exceptions import EndpointNotFoundError, MethodNotAllowedError

app_name = "api-v1"


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return error_response(MethodNotAllowedError(method=request.method or ""), Allow=response["Allow"])
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # as django-ninja's own views
    return wrapper


def endpoint_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any address under ``/api/v1/`` that names no operation."""
    return error_response(EndpointNotFoundError())


def _patterns() -> list[URLPattern | URLResolver]:
    patterns, _app, _namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            callback = _json_not_allowed(pattern.callback)
            pattern = URLPattern(pattern.pattern, callback, pattern.default_args, pattern.name)
        wrapped.append(pattern)
    return wrapped


urlpatterns = [*_patterns(), re_path(r"^(?P<rest>.*)$", endpoint_not_found)]
