"""Uploads: each file stored on arrival (bytes before row), checked by magic bytes, digitized in the
background with bounded retries; master scans keep the uploaded names."""

from __future__ import annotations

import dataclasses
import io
import random
import unicodedata
from typing import Any

import pytest
from django.core.management import call_command

from kho.access.exceptions import AccessDeniedError
from kho.access.models import AccessProfile
from kho.audit.models import Event
from kho.core.codetables import SecrecyLevel
from kho.ingest import tasks as upload_tasks
from kho.ingest.models import UploadBatch, UploadFile
from kho.ingest.uploads import (
    CreateUploadBatchAction,
    DuplicateUploadError,
    EmptyUploadError,
    NothingToDigitizeError,
    ReceiveUploadAction,
    StartDigitizeAction,
    UnsupportedUploadError,
    UploadClosedError,
    UploadTooLargeError,
    run_upload_batch,
)
from kho.records.models import DigitalObject, Document
from kho.samples import random_spec, render_pages
from kho.storage.models import Blob
from kho.storage.store import get_store
from tests import factories
from tests.access.helpers import user as make_user
from tests.ingest.conftest import needs_tesseract
from tests.web.conftest import flushable_audit  # noqa: F401 - fixture

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "ocr", "index"]}
}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "ocr", "index"]}}


def scan_bytes(seed: int, page: int = 0) -> bytes:
    """A 200 dpi PNG of the first page of a generated State document whose summary says "lưu trữ"."""
    spec = random_spec(random.Random(seed), system="state")
    spec = dataclasses.replace(spec, summary="về công tác lưu trữ tài liệu số hóa", classification=None)
    image = render_pages(spec, dpi=200, rng=random.Random(3))[page]
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(200, 200))
    return out.getvalue()


@pytest.fixture
def setup(db: Any) -> dict[str, Any]:
    agency = factories.agency("H49.64.33")
    record = factories.record("H49.64.33.2024.01.VP", in_fonds=factories.fonds(owner=agency))
    clerk = make_user("clerk", role="clerk", agencies=[agency])
    return {"record": record, "clerk": clerk, "agency": agency}


@pytest.fixture
def batch(setup: dict[str, Any]) -> UploadBatch:
    return CreateUploadBatchAction(setup["record"], setup["clerk"]).execute()


def receive(batch: UploadBatch, name: str, data: bytes, **kwargs: Any) -> UploadFile:
    return ReceiveUploadAction(batch, batch.created_by, name, io.BytesIO(data), **kwargs).execute()


def test_a_file_is_stored_with_its_nfc_name_and_a_capture_event(batch):
    data = factories.pdf_bytes("one")
    upload = receive(batch, unicodedata.normalize("NFD", "C:\\scans\\Quyết định 15.pdf"), data)
    assert upload.filename == "Quyết định 15.pdf" and unicodedata.is_normalized("NFC", upload.filename)
    assert upload.group == "000001" and upload.order == 1 and upload.status == "received"
    assert get_store().exists(upload.blob.digest)
    event = Event.objects.get(event_type="capture", object_id=str(batch.uid))
    assert event.payload["digest"] == upload.blob.digest and "Quyết" not in event.data


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyUploadError),
        (b"GIF89a not a scan", UnsupportedUploadError),
        (b"PK\x03\x04 a zip named .pdf", UnsupportedUploadError),
    ],
)
def test_empty_and_unsupported_files_are_refused_before_anything_is_stored(batch, data, error):
    with pytest.raises(error) as caught:
        receive(batch, "scan.pdf", data)
    assert "scan.pdf" in caught.value.render()
    assert not UploadFile.objects.exists() and not Blob.objects.exists()
    assert not list(get_store().iter_digests())


def test_too_large_is_refused(batch, settings):
    settings.KHO_INGEST_MAX_BYTES = 100
    with pytest.raises(UploadTooLargeError):
        receive(batch, "big.pdf", factories.pdf_bytes("big"))
    assert not Blob.objects.exists()


def test_bytes_are_stored_before_the_row_so_a_failed_row_leaves_only_an_orphan(batch, monkeypatch):
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(UploadFile.objects, "create", fail)
    data = factories.pdf_bytes("orphan")
    with pytest.raises(RuntimeError):
        receive(batch, "a.pdf", data)
    assert not UploadFile.objects.exists()
    assert [digest for digest, _ in get_store().iter_digests()] == [Blob.objects.get().digest]


def test_same_content_or_same_name_in_a_group_is_a_duplicate(batch):
    receive(batch, "a.pdf", factories.pdf_bytes("a"), group="doc")
    with pytest.raises(DuplicateUploadError):
        receive(batch, "b.pdf", factories.pdf_bytes("a"))
    with pytest.raises(DuplicateUploadError):
        receive(batch, unicodedata.normalize("NFD", "a.pdf"), factories.pdf_bytes("c"), group="doc")
    assert batch.files.count() == 1


def test_only_the_creator_adds_files_and_only_users_who_may_digitize_open_batches(setup, batch):
    reader = make_user("reader", role="reader", agencies=[setup["agency"]])
    with pytest.raises(AccessDeniedError):
        ReceiveUploadAction(batch, reader, "a.pdf", io.BytesIO(factories.pdf_bytes("x"))).execute()
    with pytest.raises(AccessDeniedError):
        CreateUploadBatchAction(setup["record"], reader).execute()
    secret = factories.record("H49.64.33.2024.99.MAT", in_fonds=setup["record"].fonds, secrecy_level=3)
    AccessProfile.objects.filter(user=setup["clerk"]).update(clearance=int(SecrecyLevel.TUYET_MAT))
    clerk = type(setup["clerk"]).objects.get(pk=setup["clerk"].pk)
    with pytest.raises(AccessDeniedError):  # TUYỆT MẬT is never digitized, whatever the clearance
        CreateUploadBatchAction(secret, clerk).execute()


def test_start_needs_files_and_enqueues_only_on_commit(
    batch, settings, django_capture_on_commit_callbacks, monkeypatch
):
    with pytest.raises(NothingToDigitizeError):
        StartDigitizeAction(batch, batch.created_by).execute()
    receive(batch, "a.pdf", factories.pdf_bytes("a"))
    ran: list[int] = []
    monkeypatch.setattr(upload_tasks, "run_upload_batch", lambda batch_id: ran.append(batch_id) or {"ok": True})
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        StartDigitizeAction(batch, batch.created_by).execute()
        assert ran == []
    assert len(callbacks) == 1
    callbacks[0]()
    batch.refresh_from_db()
    assert ran == [batch.pk] and batch.task_id and batch.attempts == 1
    assert Event.objects.filter(event_type="accession", object_id=str(batch.uid)).exists()
    with pytest.raises(UploadClosedError):
        receive(batch, "late.pdf", factories.pdf_bytes("late"))


def test_unexpected_errors_are_retried_then_the_batch_fails_with_a_reason(
    batch, settings, django_capture_on_commit_callbacks, monkeypatch
):
    receive(batch, "a.pdf", factories.pdf_bytes("a"))
    calls: list[int] = []

    def crash(batch_id: int) -> dict[str, Any]:
        calls.append(batch_id)
        raise RuntimeError("secret detail that must not reach the screen")

    monkeypatch.setattr(upload_tasks, "run_upload_batch", crash)
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        StartDigitizeAction(batch, batch.created_by).execute()
    batch.refresh_from_db()
    assert len(calls) == 3 and batch.attempts == batch.max_attempts == 3
    assert batch.status == "failed" and "RuntimeError" in batch.error and "secret detail" not in batch.error
    monkeypatch.setattr(upload_tasks, "run_upload_batch", lambda batch_id: {"ok": True})
    with django_capture_on_commit_callbacks(execute=True):
        StartDigitizeAction(batch, batch.created_by).execute()  # a failed batch may be started again
    batch.refresh_from_db()
    assert batch.attempts == 1 and batch.error == ""


def test_an_expected_refusal_fails_at_once_without_retry(batch, settings, django_capture_on_commit_callbacks):
    receive(batch, "a.pdf", factories.pdf_bytes("a"))
    fonds = batch.record.fonds
    fonds.status, fonds.closed_on = "closed", "2025-07-01"
    fonds.save()
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        StartDigitizeAction(batch, batch.created_by).execute()
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.attempts == 1 and fonds.code in batch.error


@needs_tesseract
def test_two_scans_become_two_documents_with_their_original_names(batch, recorded_ocr, data_dir):
    receive(batch, "trang-một.png", scan_bytes(11))
    receive(batch, "trang-hai.png", scan_bytes(12))
    summary = run_upload_batch(batch.pk)
    assert summary["digitized"] == 2 and summary["done"] == summary["total"] == 2
    files = list(batch.files.order_by("order"))
    assert [f.status for f in files] == ["digitized", "digitized"]
    masters = DigitalObject.objects.filter(role="master").order_by("document__ordinal")
    assert [m.filename for m in masters] == ["trang-một.png", "trang-hai.png"]
    assert {m.document.doc_code for m in masters} == {f.doc_code for f in files}
    assert Document.objects.filter(verification_status="needs_review").count() == 2
    assert not list((data_dir / "work").glob("upload-*"))
    again = run_upload_batch(batch.pk)  # idempotent: a batch run twice stores nothing twice
    assert again["skipped"] == 2 and Document.objects.count() == 2


@needs_tesseract
def test_files_of_one_group_are_the_pages_of_one_document(batch, recorded_ocr, data_dir):
    receive(batch, "p1.png", scan_bytes(12, 0), group="doc")
    receive(batch, "p2.png", scan_bytes(12, 1), group="doc")
    summary = run_upload_batch(batch.pk)
    document = Document.objects.get()
    assert summary["digitized"] == 1 and document.number_of_page == 2
    assert list(document.digital_objects.filter(role="master").values_list("filename", flat=True)) == [
        "p1.png",
        "p2.png",
    ]
    assert not list((data_dir / "work").glob("upload-*"))


@needs_tesseract
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("flushable_audit")
def test_the_database_worker_runs_a_queued_batch(setup, recorded_ocr, settings):
    settings.TASKS = DB_TASKS
    batch = CreateUploadBatchAction(setup["record"], setup["clerk"]).execute()
    receive(batch, "scan.png", scan_bytes(11))
    StartDigitizeAction(batch, setup["clerk"]).execute()
    batch.refresh_from_db()
    assert batch.status == "pending" and batch.task_id
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.files.get().status == "digitized"
