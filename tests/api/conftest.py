"""API fixtures: a small archive in and out of a reader's scope, users with tokens, a bearer client.

Archive: agency H49 owns fonds P-IN with record IN.NONE (a plain document with a stored PDF, a MẬT
document) and record IN.MAT (MẬT, one plain document); agency H51 owns fonds P-OUT with one plain
document. ``reader`` (clearance NONE, scope H49) sees only the plain documents of IN.NONE.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from kho.agencies.models import Agency
from kho.api.actions import CreateTokenAction
from kho.core.codetables import SecrecyLevel
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.store import put_blob
from tests import factories
from tests.access import helpers

L = SecrecyLevel


@dataclass
class ApiWorld:
    """The objects of the module docstring, by name."""

    agency_in: Agency
    agency_out: Agency
    fonds_in: Fonds
    fonds_out: Fonds
    record: Record
    record_mat: Record
    record_out: Record
    doc: Document
    doc_mat: Document
    doc_in_mat_record: Document
    doc_out: Document
    pdf: DigitalObject
    pdf_bytes: bytes


def stored_file(document: Document, payload: bytes, role: str = "access") -> DigitalObject:
    """Store ``payload`` in the object store and attach it to ``document``."""
    blob, _result = put_blob(io.BytesIO(payload))
    return DigitalObject.objects.create(
        document=document, blob=blob, role=role, media_type="application/pdf", filename=f"{document.doc_code}.pdf"
    )


@pytest.fixture
def world(db: Any) -> ApiWorld:
    """Build the archive of the module docstring."""
    agency_in = factories.agency("H49")
    agency_out = factories.agency("H51")
    fonds_in = factories.fonds("P-IN", owner=agency_in)
    fonds_out = factories.fonds("P-OUT", owner=agency_out)
    record = factories.record("H49.2024.01", in_fonds=fonds_in, year=2024)
    record_mat = factories.record("H49.2024.02", in_fonds=fonds_in, year=2024, secrecy_level=int(L.MAT))
    record_out = factories.record("H51.2024.01", in_fonds=fonds_out, year=2024)
    doc = helpers.document(record, subject="Báo cáo công tác lưu trữ", issued_date=date(2024, 3, 1), type_code="01")
    doc_mat = helpers.document(record, L.MAT, subject="Kế hoạch mật")
    doc_in_mat_record = helpers.document(record_mat, subject="Tài liệu trong hồ sơ mật")
    doc_out = helpers.document(record_out, subject="Ngoài phạm vi")
    payload = factories.pdf_bytes("api-download", 4000)
    return ApiWorld(
        agency_in,
        agency_out,
        fonds_in,
        fonds_out,
        record,
        record_mat,
        record_out,
        doc,
        doc_mat,
        doc_in_mat_record,
        doc_out,
        stored_file(doc, payload),
        payload,
    )


@pytest.fixture
def reader(world: ApiWorld) -> Any:
    """A reader with clearance NONE over H49."""
    return helpers.user("reader", role="reader", agencies=[world.agency_in])


@pytest.fixture
def officer(world: ApiWorld) -> Any:
    """A security officer over the whole province, cleared to TỐI MẬT."""
    return helpers.user("officer", role="security_officer", clearance=L.TOI_MAT, all_agencies=True)


@pytest.fixture
def token_for(db: Any) -> Callable[..., str]:
    """``token_for(user, **options)``: a new token for ``user`` (created by the local operator)."""

    def make(user: Any, expires_days: int | None = None) -> str:
        return CreateTokenAction(user.get_username(), "test", expires_days=expires_days).execute().token

    return make


@pytest.fixture
def client_for(token_for: Callable[..., str]) -> Callable[[Any], Client]:
    """``client_for(user)``: a Django test client sending a fresh bearer token of ``user``."""

    def make(user: Any) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")

    return make


@pytest.fixture
def api(client_for: Callable[[Any], Client], reader: Any) -> Client:
    """A client authenticated as ``reader``."""
    return client_for(reader)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an API error of ``status`` (and ``code``) in the one JSON shape; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"code", "message", "details"}
    assert isinstance(body["code"], str) and isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body
