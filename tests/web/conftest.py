"""Web fixtures: a small archive with a classified corner, users per role, signed-in clients.

``world`` builds: province H49 → district H49.64 (ends operations in 40 days) → communes H49.64.33 and
H49.64.34 (merged into H49.64.33), one fonds per commune, records and documents with text and a real
PDF access copy, and one MẬT document and one MẬT record that uncleared users must never see.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from kho.agencies.models import Agency, AgencyLevel, AgencyRelation, AgencyStatus
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.codetables import SecrecyLevel
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.search.backends import get_backend
from kho.storage.store import put_blob
from tests import factories
from tests.access.helpers import user as make_user
from tests.ingest.conftest import recorded_ocr  # noqa: F401 - the recording OCR engine, for the browser tests

PASSWORD = "mat-khau-dai-va-kho-doan-2025"  # noqa: S105 - test only
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "ocr", "index"]}
}


@dataclass
class World:
    """What ``world`` built, by name."""

    agencies: dict[str, Agency] = field(default_factory=dict)
    fonds: dict[str, Fonds] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    """The dashboard cache is process-wide (ids repeat between tests on SQLite); fast password hashing."""
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def flushable_audit(transactional_db: Any) -> Iterator[None]:
    """Let a ``transaction=True`` test end on SQLite although it appended events.

    Django flushes with ``DELETE`` there, which the append-only triggers refuse; PostgreSQL truncates,
    which row triggers do not see. Torn down before the flush: drop the triggers, empty the log, put the
    triggers back.
    """
    yield
    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("kho.audit.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_DROP:
            cursor.execute(statement)
        cursor.execute("DELETE FROM audit_event")
        for statement in triggers.SQLITE:
            cursor.execute(statement)


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run enqueued tasks at once (index after commit, digitization on start)."""
    settings.TASKS = IMMEDIATE_TASKS


def add_pdf(document: Document, label: str, role: str = "access") -> DigitalObject:
    """Store a real one-page PDF as the document's access copy (or another role)."""
    blob, _ = put_blob(io.BytesIO(factories.pdf_bytes(label)))
    return DigitalObject.objects.create(
        document=document, blob=blob, role=role, media_type="application/pdf", filename=f"{document.doc_code}.pdf"
    )


def add_text(document: Document, text: str) -> DigitalObject:
    """Store ``text`` as the document's OCR text."""
    blob, _ = put_blob(io.BytesIO(text.encode("utf-8")))
    return DigitalObject.objects.create(
        document=document, blob=blob, role="text", media_type="text/plain", filename=f"{document.doc_code}.txt"
    )


def make_document(record: Record, ordinal: int, **fields: Any) -> Document:
    """A document of ``record`` at ``ordinal``."""
    code = f"{record.file_code}.{ordinal:07d}"
    return Document.objects.create(
        record=record, ordinal=ordinal, doc_id=f"{record.file_code}.{ordinal}", doc_code=code, **fields
    )


def _agencies(world: World) -> None:
    today = timezone.localdate()
    province = factories.agency("H49", name="Ủy ban nhân dân tỉnh Quảng Ninh", level=AgencyLevel.PROVINCE)
    district = factories.agency(
        "H49.64",
        name="Ủy ban nhân dân huyện Hoành Bồ",
        parent=province,
        status=AgencyStatus.ENDING,
        valid_to=today + dt.timedelta(days=40),
    )
    a = factories.agency("H49.64.33", name="Ủy ban nhân dân xã Thống Nhất", parent=district)
    b = factories.agency("H49.64.34", name="Ủy ban nhân dân xã Lê Lợi", parent=district, status=AgencyStatus.ENDED)
    AgencyRelation.objects.create(predecessor=b, successor=a, kind="merge", effective_date=dt.date(2025, 7, 1))
    world.agencies.update({"province": province, "district": district, "a": a, "b": b})


def _archive(world: World) -> None:
    a, b = world.agencies["a"], world.agencies["b"]
    fa = factories.fonds("PH49.64.33", owner=a, name="Phông UBND xã Thống Nhất")
    fb = factories.fonds("PH49.64.34", owner=b, name="Phông UBND xã Lê Lợi")
    r1 = factories.record(
        "H49.64.33.2024.01.VP",
        in_fonds=fa,
        title="Hồ sơ công tác lưu trữ năm 2024",
        year=2024,
        number_of_paper=40,
        digitization_status="digitized",
    )
    r2 = factories.record(
        "H49.64.33.2023.02.VP", in_fonds=fa, title="Hồ sơ hội nghị năm 2023", year=2023, number_of_paper=12
    )
    secret_record = factories.record(
        "H49.64.33.2024.09.MAT",
        in_fonds=fa,
        title="Hồ sơ mật về quốc phòng",
        secrecy_level=int(SecrecyLevel.MAT),
        year=2024,
    )
    r3 = factories.record("H49.64.34.2022.01.VP", in_fonds=fb, title="Hồ sơ xã Lê Lợi 2022", year=2022)
    luu_tru = make_document(
        r1,
        1,
        number_symbol="15/QĐ-UBND",
        type_code="02",
        type_name="Quyết định",
        issued_date=dt.date(2024, 3, 5),
        subject="Về công tác lưu trữ hồ sơ",
        organ_name="Ủy ban nhân dân xã Thống Nhất",
        number_of_page=1,
        verification_status="needs_review",
        confidence={"signer": 0.3, "issued_date": 0.95, "summary": 0.6},
        signer="Nguyễn Văn A",
    )
    second = make_document(
        r1,
        2,
        number_symbol="16/CV-UBND",
        type_code="22",
        issued_date=dt.date(2024, 4, 1),
        subject="Công văn về hội nghị",
        number_of_page=1,
        verification_status="needs_review",
    )
    secret = make_document(
        r1,
        3,
        number_symbol="17/QĐ-UBND",
        type_code="02",
        subject="Kế hoạch phòng thủ bí mật",
        secrecy_level=int(SecrecyLevel.MAT),
        mode="03",
        issued_date=dt.date(2024, 5, 1),
    )
    in_secret_record = make_document(secret_record, 1, number_symbol="01/KH-QS", subject="Kế hoạch trong hồ sơ mật")
    other = make_document(
        r3,
        1,
        number_symbol="05/TB-UBND",
        type_code="07",
        subject="Thông báo lịch tiếp dân",
        issued_date=dt.date(2022, 6, 1),
    )
    for document in (luu_tru, second, secret, in_secret_record, other):
        add_pdf(document, document.doc_code)
    add_text(luu_tru, "Quyết định về công tác lưu trữ hồ sơ, tài liệu điện tử.")
    add_text(second, "Công văn mời họp hội nghị.")
    add_text(secret, "Nội dung tuyệt đối bí mật về phòng thủ.")
    log.append(EventType.CAPTURE, object_type="document", object_id=luu_tru.doc_code, detail="scans received")
    world.fonds.update({"a": fa, "b": fb})
    world.records.update({"r1": r1, "r2": r2, "secret": secret_record, "r3": r3})
    world.documents.update(
        {"luu_tru": luu_tru, "second": second, "secret": secret, "in_secret_record": in_secret_record, "other": other}
    )


def _users(world: World) -> None:
    district, b = world.agencies["district"], world.agencies["b"]
    world.users.update(
        {
            "archivist": make_user("archivist", role="archivist", clearance=SecrecyLevel.MAT, agencies=[district]),
            "clerk": make_user("clerk", role="clerk", agencies=[district]),
            "reader": make_user("reader", role="reader", agencies=[district]),
            "outsider": make_user("outsider", role="archivist", clearance=SecrecyLevel.MAT, agencies=[b]),
            "leader": make_user("leader", role="leader", clearance=SecrecyLevel.MAT, all_agencies=True),
            "nobody": make_user("nobody"),
        }
    )
    for account in world.users.values():
        account.set_password(PASSWORD)
        account.save()


@pytest.fixture
def world(db: Any) -> World:
    """The archive described in the module docstring, indexed for search."""
    built = World()
    _agencies(built)
    _archive(built)
    _users(built)
    get_backend().index(Document.objects.values_list("pk", flat=True))
    return built


@pytest.fixture
def client_for(world: World) -> Any:
    """``client_for("reader")``: a test client signed in as that user."""

    def make(name: str, **kwargs: Any) -> Client:
        client = Client(**kwargs)
        client.force_login(world.users[name])
        return client

    return make
