"""Vietnamese first: the interface language is Vietnamese unless the user chose English with the switch."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
