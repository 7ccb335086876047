"""The machinery of the route matrix: enumerate routes, call them, normalise and compare answers."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tasks_db.models import DBTaskResult
from PIL import Image

from kho.api.api import api
from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.copies.models import CopyEntry
from kho.ingest.models import UploadBatch, UploadFile
from kho.records.models import DigitalObject, Document, Record
from kho.search.backends import get_backend
from kho.storage.models import Blob
from tests.security.routes import Req
from tests.security.world import Target, Who, World, may

HEADERS = ("Content-Type", "Location", "Content-Disposition", "Cache-Control", "Allow", "Repr-Digest")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"')
_TOOK = re.compile(rb'"took_ms": ?[0-9.]+')
_MS = re.compile(rb'<span class="muted small">\([0-9]+ ms\)</span>')
_COPY_NO = re.compile(r"ban-sao-[0-9]+-[0-9]{4}")
_MINUTE = re.compile(rb"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}")


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield (f"{namespace}{entry.name}" if entry.name else f"pattern:{route}"), route


def route_keys() -> set[str]:
    """Every Django URL pattern and every API operation (method and path), as keys of the route table."""
    schema = api.get_openapi_schema()
    operations = {f"{method.upper()} {p}" for p, methods in schema["paths"].items() for method in methods}
    operation_paths = {p for p in schema["paths"]}
    keys = set(operations)
    for key, route in _walk(get_resolver()):
        as_openapi = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        if not (key.startswith("api-v1:") and as_openapi in operation_paths):
            keys.add(key)
    return keys


def _xlsx_text(body: bytes) -> bytes:
    """The XML of a workbook's sheets and strings: what a leak search must read (the file is a zip)."""
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        names = sorted(n for n in book.namelist() if n.startswith(("xl/worksheets/", "xl/sharedStrings")))
        return b"\n".join(book.read(name) for name in names)


def _shape(content_type: str, body: bytes) -> bytes:
    """A PDF or image reduced to its kind and size.

    Classified files are served as marked copies: the user, the time and the copy-register number are
    drawn into every copy (``kho.copies``), so two answers for the same file never have the same bytes.
    What must not move with hidden objects is the file itself, which its type and page count (or pixel
    size) stand for; a hidden file answers 404 (compared byte for byte), never a file.
    """
    if content_type == "application/pdf":
        with pikepdf.open(io.BytesIO(body)) as pdf:
            return f"<PDF {len(pdf.pages)} pages>".encode()
    with Image.open(io.BytesIO(body)) as image:
        return f"<{image.format} {image.size[0]}x{image.size[1]}>".encode()


@dataclass
class Answer:
    """One response, reduced to what the matrix compares."""

    status: int
    headers: dict[str, str]
    body: bytes
    text: bytes  # what the leak search reads (the body, or an export's unzipped sheets)

    @classmethod
    def of(cls, response: HttpResponseBase, ids: dict[str, Any]) -> Answer:
        """The response with the target's identifiers, CSRF tokens, timings and copy marks blanked."""
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        headers = {name: response[name] for name in HEADERS if response.has_header(name)}
        kind = headers.get("Content-Type", "").split(";")[0]
        if kind == "application/pdf" or kind.startswith("image/"):
            body = _shape(kind, body)
            headers.pop("Repr-Digest", None)  # the digest of the marked bytes (see ``_shape``)
            # a marked copy's file name carries its register number
            headers = {name: _COPY_NO.sub("ban-sao-<N>", value) for name, value in headers.items()}
        elif kind == XLSX and response.status_code == 200:
            # the sheets, not the zip; a register export states the minute it was made (each copy's stays)
            body = _MINUTE.sub(b"<MINUTE>", _xlsx_text(body))
        # Pages echo their own address (the language form's ``next``): what the user typed is no leak,
        # and a hidden and a missing object's addresses differ only there.
        body = text = body.replace(response.wsgi_request.path.encode(), b"<URL>")  # type: ignore[attr-defined]
        named = (str(v) for k, v in ids.items() if k != "pk")  # a pk is never part of an address
        for value in sorted(named, key=len, reverse=True):
            if len(value) >= 6:  # codes and uids; a short pk only as a path segment of a header
                body = body.replace(value.encode(), b"<ID>")
            headers = {name: v.replace(f"/{value}/", "/<ID>/") for name, v in headers.items()}
            headers = {name: v.replace(value, "<ID>") if len(value) >= 6 else v for name, v in headers.items()}
        # how long a search took (API and page) differs from call to call
        body = _MS.sub(b"<MS>", _TOOK.sub(b'"took_ms": 0', _CSRF.sub(rb"\1<CSRF>", body)))
        return cls(response.status_code, headers, body, text)

    def key(self) -> tuple[int, dict[str, str], bytes]:
        """What two answers that must be the same are compared by."""
        return self.status, self.headers, self.body

    def raw(self) -> str:
        """The text for leak search and messages."""
        return self.text.decode("utf-8", errors="replace")


def call(client: Client, req: Req, ids: dict[str, Any], query: dict[str, Any]) -> HttpResponseBase:
    """Send ``req`` for a target's ``ids`` with ``query`` (GET) or the request's body (POST)."""
    url = req.url(ids)
    params = {**query, **(req.query(ids) if req.query else {})}
    if req.method == "GET":
        return client.get(url, params)
    data = req.data(ids) if req.data else {}
    if req.json:
        return client.post(url, data, content_type="application/json")
    return client.post(url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""), data)


def allowed(world: World, who: Who, name: str, req: Req, target: Target | None) -> bool:
    """Whether ``req`` on ``target`` should get its ``ok`` answer for user ``name``."""
    system = Target("system", {})
    for need in req.needs:
        if need == "any":
            continue
        if need == "signed":
            ok = name in world.users and (name in world.tokens or not req.url({}).startswith("/api/"))
        elif need == "creator":
            ok = target is not None and target.creator == name
        else:
            ok = may(who, need, system if target is None or need in {"audit", "register"} else target)
        if not ok:
            return False
    return target is None or not target.missing


def visible(who: Who, kind: str, target: Target) -> bool:
    """Whether the user may see the object at all (an event of the log: its reviewers)."""
    return may(who, "audit" if kind == "event" else "view", target)


def fingerprint() -> tuple[Any, ...]:
    """The state a refused mutation must leave alone (ACCESS events aside)."""
    return (
        list(UploadBatch.objects.order_by("pk").values_list("pk", "status", "task_id", "attempts", "summary")),
        UploadFile.objects.count(),
        list(Document.objects.order_by("pk").values_list("pk", "updated_at", "verification_status")),
        list(Record.objects.order_by("pk").values_list("pk", "updated_at")),
        DigitalObject.objects.count(),
        Blob.objects.count(),
        CopyEntry.objects.count(),
        Event.objects.exclude(event_type=EventType.ACCESS).aggregate(Max("seq")),
        DBTaskResult.objects.count(),
    )


class without_hidden:  # noqa: N801 - used as a context manager, like ``transaction.atomic``
    """Delete ``rows`` (and what hangs on them) for the block, then roll back."""

    def __init__(self, rows: list[Any]) -> None:
        """Remember the rows (documents, records, fonds, agencies; children first)."""
        self.rows = rows
        self.atomic = transaction.atomic()

    def __enter__(self) -> None:
        """Open a savepoint and delete."""
        self.atomic.__enter__()
        documents = [row.pk for row in self.rows if isinstance(row, Document)]
        get_backend().remove(documents)
        CopyEntry.objects.filter(document_id__in=documents).delete()
        DigitalObject.objects.filter(document_id__in=documents).delete()
        for row in self.rows:  # by queryset: ``row.delete()`` would clear the shared instance's pk
            if isinstance(row, Record):
                UploadBatch.objects.filter(record_id=row.pk).delete()
            type(row)._default_manager.filter(pk=row.pk).delete()

    def __exit__(self, *exc: object) -> None:
        """Roll the deletions back."""
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
