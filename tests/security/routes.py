"""The parameter table of the route matrix: how to call every URL pattern and API operation.

Adding a route is one line here: its key (``namespace:name`` for a named Django route, ``METHOD /path``
for an API operation, ``pattern:<regex>`` for an unnamed one) and one or more ``Req``. ``on`` names the
kind of object the URL carries (a target kind of ``tests.security.world``); ``needs`` what a user must
hold for the route's ``ok`` answer on a visible object: ``any``, ``signed`` (signed in / valid token),
``creator`` (opened the batch) or an action of ``world.may``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from tests import factories

Ids = dict[str, Any]


@dataclass(frozen=True)
class Req:
    """One request a route is called with, per target of kind ``on`` (or once per query when ``on`` is None)."""

    url: Callable[[Ids], str]
    on: str | None = None
    method: str = "GET"
    needs: tuple[str, ...] = ("view",)
    ok: tuple[int, ...] = (200,)
    queries: tuple[dict[str, Any], ...] = ({},)
    query: Callable[[Ids], dict[str, Any]] | None = None
    data: Callable[[Ids], Any] | None = None
    json: bool = False
    reveals_ids: bool = False  # shows codes, numbers and uids of every object to its reviewers (world.hidden_secrets)


def rev(name: str, **params: str) -> Callable[[Ids], str]:
    """A named Django route; ``params`` maps URL kwargs to target ids."""
    return lambda ids: reverse(name, kwargs={key: ids[value] for key, value in params.items()})


def path(template: str, **aliases: str) -> Callable[[Ids], str]:
    """A literal path with ``{id}`` fields filled from the target ids (``aliases`` rename them)."""
    return lambda ids: template.format(**ids, **{key: ids[value] for key, value in aliases.items()})


def pdf_upload(field: str) -> Callable[[Ids], dict[str, Any]]:
    """A multipart body with one small real PDF in ``field``."""

    def body(ids: Ids) -> dict[str, Any]:
        upload = io.BytesIO(factories.pdf_bytes(f"matrix-{field}-{sorted(ids.items())}"))
        upload.name = "scan-matrix.pdf"
        return {field: upload}

    return body


LOGIN = ("signed",)
# "Tamarind" is a whole word of agency B's document only and a prefix of a word of the plain one (typing ahead).
SEARCH_WORDS = (
    "Pelican", "Ocelot", "Quokka", "Narwhal", "kế hoạch", "noi dung", "22/KH-MAT", "Phượng Hoàng", "Tamarind"
)  # fmt: skip
WEB_SEARCHES = (
    *({"q": word} for word in SEARCH_WORDS),
    {"secrecy": "1"},
    {"secrecy": "2"},
    {"type": "07"},
    {"year_from": "2015", "year_to": "2020"},
    {"q": "", "status": "not_started"},
)
# The page and the API run the same backend search over the same ``documents_for(user, SEARCH)``; the
# API gets the words that reach every hidden document at once ("noi dung": every body) or take another
# path (typing ahead, number/symbol, an indexed hidden body), not the page's whole list.
API_SEARCHES = (
    *({"q": word} for word in ("noi dung", "Tamarind", "22/KH-MAT", "Narwhal")),
    {"number_symbol": "22/KH-MAT"},
    {"type_code": "08"},
    {"year_from": 2015, "year_to": 2020},
)
DOC = {"code": "code"}
AUDIT = ("audit",)
REGISTER = ("register",)
UID = {"uid": "uid"}

WEB: dict[str, tuple[Req, ...]] = {
    "web:dashboard": (
        Req(rev("web:dashboard"), needs=LOGIN),
        Req(rev("web:dashboard"), on="agency", query=lambda ids: {"agency": ids["code"]}),
    ),
    "web:login": (
        Req(rev("web:login"), needs=("any",), ok=(200, 302)),
        Req(rev("web:login"), method="POST", needs=("any",), ok=(200, 302), data=lambda _: {"username": "x"}),
    ),
    "web:logout": (Req(rev("web:logout"), method="POST", needs=("any",), ok=(302,)),),
    "web:set_language": (
        Req(rev("web:set_language"), method="POST", needs=("any",), ok=(302,), data=lambda _: {"language": "en"}),
    ),
    "web:agencies": (Req(rev("web:agencies"), needs=LOGIN),),
    "web:agency": (Req(rev("web:agency", **DOC), on="agency"),),
    "web:fonds-list": (Req(rev("web:fonds-list"), needs=LOGIN, queries=({}, {"q": "Narwhal"}, {"q": "P-H49"})),),
    "web:fonds": (Req(rev("web:fonds", **DOC), on="fonds", queries=({}, {"secrecy": "3"})),),
    "web:record": (Req(rev("web:record", **DOC), on="record"),),
    "web:upload": (
        Req(rev("web:upload", **DOC), on="record", needs=("digitize",)),
        Req(
            rev("web:upload", **DOC),
            on="record",
            method="POST",
            needs=("digitize",),
            ok=(302,),
            data=pdf_upload("files"),
        ),
    ),  # fmt: skip
    "web:upload-create": (
        Req(rev("web:upload-create", **DOC), on="record", method="POST", needs=("digitize",), ok=(201,)),
    ),
    "web:upload-batch": (Req(rev("web:upload-batch", **UID), on="batch"),),
    "web:upload-files": (
        Req(
            rev("web:upload-files", **UID),
            on="batch",
            method="POST",
            needs=("digitize", "creator"),
            ok=(201,),
            data=pdf_upload("file"),
        ),
    ),  # fmt: skip
    "web:upload-start": (
        Req(rev("web:upload-start", **UID), on="batch", method="POST", needs=("digitize",), ok=(302,)),
    ),
    "web:upload-status": (Req(rev("web:upload-status", **UID), on="batch"),),
    "web:documents": (
        Req(rev("web:documents"), needs=LOGIN, queries=({}, {"type": "07"}, {"year": "2019"}, {"sort": "doc_code"})),
    ),
    "web:document": (Req(rev("web:document", **DOC), on="document"),),
    "web:document-pdf": (Req(rev("web:document-pdf", **DOC), on="document", needs=("download",)),),
    "web:page-image": (
        Req(
            lambda ids: reverse("web:page-image", kwargs={"code": ids["code"], "page": 1}),
            on="document",
            needs=("download",),
        ),
    ),  # fmt: skip
    "web:verify": (
        Req(rev("web:verify", **DOC), on="document", needs=("verify",)),
        Req(
            rev("web:verify", **DOC),
            on="document",
            method="POST",
            needs=("verify",),
            ok=(400,),  # the form with its errors: a refused POST must not reach it
            data=lambda _: {"subject": ""},
        ),
    ),
    "web:search": (Req(rev("web:search"), needs=LOGIN, queries=({}, *WEB_SEARCHES)),),
    # Without a password step pending, the code step sends everyone back to the sign-in page.
    "web:login-code": (
        Req(rev("web:login-code"), needs=("any",), ok=(302,)),
        Req(rev("web:login-code"), method="POST", needs=("any",), ok=(302,), data=lambda _: {"code": "123456"}),
    ),
    "web:audit": (
        Req(rev("web:audit"), needs=AUDIT, reveals_ids=True, queries=({}, {"object_id": "H49.01.2024.01.VP"})),
        Req(rev("web:audit"), needs=AUDIT, reveals_ids=True, ok=(200,), queries=({"date_from": "x"},)),
    ),
    "web:audit-event": (Req(rev("web:audit-event", seq="seq"), on="event", needs=AUDIT, reveals_ids=True),),
    "web:audit-verify": (Req(rev("web:audit-verify"), method="POST", needs=AUDIT, reveals_ids=True),),
    "web:audit-export": (
        Req(lambda _: reverse("web:audit-export", kwargs={"fmt": "csv"}), needs=AUDIT, reveals_ids=True),
        Req(lambda _: reverse("web:audit-export", kwargs={"fmt": "xlsx"}), needs=AUDIT, reveals_ids=True),
    ),
}

COPIES: dict[str, tuple[Req, ...]] = {
    # An unclassified document has no register: print sends to its plain PDF (302).
    "copies:print": (
        Req(rev("copies:print", **DOC), on="document", needs=("download",), ok=(200, 302)),
        Req(
            rev("copies:print", **DOC),
            on="document",
            method="POST",
            needs=("download",),
            ok=(200, 302),
            data=lambda _: {"purpose": "Ma trận"},
        ),
    ),  # fmt: skip
    "copies:register": (
        Req(
            rev("copies:register"),
            needs=REGISTER,
            reveals_ids=True,
            queries=({}, {"level": "3"}, {"user": "archivist"}),
        ),
    ),
    "copies:register-xlsx": (
        Req(rev("copies:register-xlsx"), needs=REGISTER, reveals_ids=True, queries=({}, {"level": "3"})),
    ),
}

API: dict[str, tuple[Req, ...]] = {
    "GET /api/v1/agencies": (Req(path("/api/v1/agencies"), needs=LOGIN, queries=({}, {"q": "Narwhal"})),),
    "GET /api/v1/agencies/{uid}": (Req(path("/api/v1/agencies/{uid}"), on="agency"),),
    "GET /api/v1/fonds": (Req(path("/api/v1/fonds"), needs=LOGIN, queries=({}, {"q": "Narwhal"})),),
    "GET /api/v1/fonds/{uid}": (Req(path("/api/v1/fonds/{uid}"), on="fonds"),),
    "GET /api/v1/records": (
        Req(path("/api/v1/records"), needs=LOGIN, queries=({}, {"secrecy_level": 2}, {"year": 2017})),
    ),
    "GET /api/v1/records/{uid}": (Req(path("/api/v1/records/{uid}"), on="record"),),
    "GET /api/v1/documents": (
        Req(path("/api/v1/documents"), needs=LOGIN, queries=({}, {"secrecy_level": 1}, {"number_symbol": "22/KH-MAT"})),
    ),
    "GET /api/v1/documents/{uid}": (Req(path("/api/v1/documents/{uid}"), on="document"),),
    "GET /api/v1/documents/{uid}/files/{file_uid}": (
        Req(path("/api/v1/documents/{uid}/files/{file_uid}", file_uid="file"), on="document", needs=("download",)),
    ),
    "GET /api/v1/search": (Req(path("/api/v1/search"), needs=LOGIN, queries=({}, *API_SEARCHES)),),
    "POST /api/v1/uploads": (
        Req(
            path("/api/v1/uploads"),
            on="record",
            method="POST",
            needs=("digitize",),
            ok=(201,),
            json=True,
            data=lambda ids: {"record": ids["uid"]},
        ),
    ),  # fmt: skip
    "GET /api/v1/uploads/{uid}": (Req(path("/api/v1/uploads/{uid}"), on="batch"),),
    "POST /api/v1/uploads/{uid}/files": (
        Req(
            path("/api/v1/uploads/{uid}/files"),
            on="batch",
            method="POST",
            needs=("digitize", "creator"),
            data=pdf_upload("files"),
        ),
    ),  # fmt: skip
    "GET /api/v1/uploads/{uid}/files": (Req(path("/api/v1/uploads/{uid}/files"), on="batch"),),
    "POST /api/v1/uploads/{uid}/digitize": (
        Req(path("/api/v1/uploads/{uid}/digitize"), on="batch", method="POST", needs=("digitize",), ok=(202,)),
    ),
    "GET /api/v1/tasks/{task_id}": (Req(path("/api/v1/tasks/{task_id}"), on="task"),),
    # Signed-in users without ``audit_view`` get an empty list (nothing about them leaks: checks 2 and 6).
    "GET /api/v1/fixity/events": (Req(path("/api/v1/fixity/events"), needs=LOGIN),),
    "POST /api/v1/fixity/check": (
        Req(path("/api/v1/fixity/check"), method="POST", needs=("audit",), json=True, data=lambda _: {"sample": 2}),
    ),
    "api-v1:openapi-json": (Req(rev("api-v1:openapi-json"), needs=("any",)),),
    "api-v1:openapi-view": (Req(rev("api-v1:openapi-view"), needs=("any",)),),
    "api-v1:api-root": (Req(rev("api-v1:api-root"), needs=("any",), ok=(404,)),),
    "pattern:api/v1/^(?P<rest>.*)$": (Req(path("/api/v1/no/such/endpoint"), needs=("any",), ok=(404,)),),
}

OTHER: dict[str, tuple[Req, ...]] = {
    "pattern:^static/(?P<path>.*)$": (Req(path("/static/web/kho.css"), needs=("any",)),),
}


def table() -> dict[str, tuple[Req, ...]]:
    """Every route the matrix knows how to call."""
    return {**WEB, **COPIES, **API, **OTHER}
