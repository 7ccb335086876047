"""The access log of every request: one ACCESS event per web or API request, in the hash-chained log.

``AccessLogMiddleware`` runs after each response is built (and before its body is sent) and appends one event:

* **who**: ``agent`` is ``user:<name>`` (session or API token) or ``anonymous``; for the API, ``data.token``
  is the token's public prefix (``kho tokens list`` shows it), never the secret part.
* **what**: ``object_type`` is the resolved URL name (``web:document``, ``api-v1:download_file``),
  ``object_id`` the identifier asked for (file uid, uid, code, ...) even when the object was hidden or missing;
  ``data`` holds the method, path, status, all URL arguments, the query parameters (for a search: the words
  searched, which a security officer needs), and ``action`` (view, download, search, export, change).
* **from where**: ``data.ip`` is ``REMOTE_ADDR``; ``X-Forwarded-For`` is believed only when the request comes
  from an address in ``KHO_TRUSTED_PROXIES`` (default none).
* **when**: the event's ``occurred_at``.
* **the decision**: ``data.decision`` is ``allowed`` (2xx, 3xx and refused input such as 400), ``denied``
  (401, 403, 404, and an anonymous request sent to the sign-in page) or ``error`` (5xx); ``outcome`` is
  success, failure and warning respectively, so the log can be filtered on the indexed column.

Never logged: request bodies (document subjects, texts, passwords), cookies, headers other than the token
prefix. Skipped: static files, ``/favicon.ico``, the OpenAPI document and its viewer (they describe the API
and hold no records, like static files), and the sign-in and sign-out POSTs (``kho.access.signals`` already
records those, with failures). Upload status polling (``web:upload-status``) is logged on the first
poll of each batch in a session (later allowed polls add nothing: the batch was already seen by that
session); denied polls are always logged. Page images are content and are logged one by one.

A view can add facts to its event with ``note(request, key=value)`` (the log review adds the number of rows
exported and the result of a chain verification). The event is appended in its own transaction (one
append, one lock of the chain head). If it cannot be written the response is dropped and the request fails:
nothing is served that is not in the log.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import resolve_url

from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome

__all__ = ["AccessLogMiddleware", "client_ip", "note"]

NOTE_ATTR = "_kho_access_note"
POLLED_KEY = "kho_audit_polled"
POLLED_MAX = 200
MAX_VALUE = 300
MAX_PARAMS = 30
ID_KWARGS = ("file_uid", "uid", "code", "task_id", "object_id", "seq", "pk")
SIGNAL_LOGGED = frozenset({"web:login", "web:logout"})
STATIC_ROUTES = frozenset({"api-v1:openapi-json", "api-v1:openapi-view"})  # describe the API, hold no records
POLLED_ROUTES = frozenset({"web:upload-status"})
DOWNLOADS = frozenset({"web:document-pdf", "api-v1:download_file"})
SEARCHES = frozenset({"web:search", "api-v1:search_documents"})
EXPORTS = frozenset({"web:audit-export"})
DECISION_OUTCOME = {"allowed": Outcome.SUCCESS, "denied": Outcome.FAILURE, "error": Outcome.WARNING}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def note(request: HttpRequest, **facts: Any) -> None:
    """Add ``facts`` (JSON-ready, no secret content) to the access event of ``request``."""
    notes = getattr(request, NOTE_ATTR, None)
    if notes is None:
        notes = {}
        setattr(request, NOTE_ATTR, notes)
    notes.update(facts)


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _is_in(address: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(meta: dict[str, Any], trusted: Iterable[str]) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy the nearest untrusted forwarded hop.

    ``X-Forwarded-For`` is walked from the right, so a client cannot choose its address by sending the header.
    """
    remote = str(meta.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(trusted))
    if not networks or not _is_in(remote, networks):
        return remote
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_in(hop, networks):
            return hop[:64]
    return remote


def _decision(request: HttpRequest, response: HttpResponseBase, authenticated: bool) -> str:  # noqa: FBT001
    status = response.status_code
    if status >= 500:
        return "error"
    if status in {401, 403, 404}:
        return "denied"
    if not authenticated and status in {301, 302, 303, 307, 308}:
        location = str(response.get("Location", ""))
        if location.split("?", 1)[0].endswith(str(resolve_url(settings.LOGIN_URL))):
            return "denied"
    return "allowed"


def _action(route: str, method: str) -> str:
    if route in DOWNLOADS:
        return "download"
    if route in SEARCHES:
        return "search"
    if route in EXPORTS:
        return "export"
    return "view" if method in SAFE_METHODS else "change"


def _short(value: Any) -> str:
    return str(value)[:MAX_VALUE]


def _query(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key in list(request.GET.keys())[:MAX_PARAMS]:
        values = [_short(value) for value in request.GET.getlist(key)[:MAX_PARAMS]]
        params[_short(key)] = values[0] if len(values) == 1 else values
    return params


def _object_id(kwargs: dict[str, Any]) -> str:
    for name in ID_KWARGS:
        if name in kwargs:
            return _short(kwargs[name])
    return _short(next(iter(kwargs.values()))) if kwargs else ""


def _token_prefix(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    from kho.api._keys import split  # the API's pure token helper: only the public prefix is kept

    return split(token.strip()) or "malformed"


class AccessLogMiddleware:
    """Append one ACCESS event per request (see the module docstring for what it holds and skips)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        """Standard Django middleware."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Serve the request, then log it; a response whose access cannot be logged is not served."""
        response = self.get_response(request)
        match = request.resolver_match
        route = match.view_name if match is not None else ""
        if self._skipped(request, route):
            return response
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        decision = _decision(request, response, authenticated)
        if route in POLLED_ROUTES and decision == "allowed" and self._seen(request, match.kwargs if match else {}):
            return response
        try:  # append_many runs in its own transaction: one lock of the chain head, three statements
            log.append(**self._event(request, response, route, user if authenticated else None, decision))
        except BaseException:
            response.close()
            raise
        return response

    @staticmethod
    def _skipped(request: HttpRequest, route: str) -> bool:
        path = request.path
        static = "/" + str(settings.STATIC_URL or "static/").lstrip("/")
        if path.startswith(static) or path == "/favicon.ico":
            return True
        return route in STATIC_ROUTES or (route in SIGNAL_LOGGED and request.method == "POST")

    @staticmethod
    def _seen(request: HttpRequest, kwargs: dict[str, Any]) -> bool:
        """Whether this session already polled this batch (and remember it if not)."""
        session = getattr(request, "session", None)
        if session is None:
            return False
        key = _object_id(kwargs)
        polled = list(session.get(POLLED_KEY, []))
        if key in polled:
            return True
        session[POLLED_KEY] = ([*polled, key])[-POLLED_MAX:]
        return False

    @staticmethod
    def _event(
        request: HttpRequest, response: HttpResponseBase, route: str, user: Any, decision: str
    ) -> dict[str, Any]:
        match = request.resolver_match
        kwargs = {key: _short(value) for key, value in (match.kwargs if match else {}).items() if key != "insecure"}
        method = str(request.method or "")
        data: dict[str, Any] = {
            "action": _action(route, method),
            "allowed": decision == "allowed",
            "decision": decision,
            "status": response.status_code,
            "method": method,
            "path": _short(request.path),
            "ip": client_ip(request.META, settings.KHO_TRUSTED_PROXIES),
        }
        if kwargs:
            data["kwargs"] = kwargs
        if request.GET:
            data["query"] = _query(request)
        token = _token_prefix(request)
        if token:
            data["token"] = token
        notes = getattr(request, NOTE_ATTR, None)
        if notes:
            data["note"] = notes
        return {
            "event_type": EventType.ACCESS,
            "outcome": DECISION_OUTCOME[decision],
            "agent": log.user_agent(user) if user is not None else "anonymous",
            "object_type": route[:40],
            "object_id": _object_id(kwargs),
            "detail": f"{method} {request.path}"[:MAX_VALUE],
            "data": data,
        }
