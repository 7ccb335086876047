"""The upload screen's endpoints: open a batch, send files one by one, start, poll; and the no-JS form."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kho.ingest import tasks as upload_tasks
from kho.ingest.models import UploadBatch, UploadFile
from tests import factories

pytestmark = pytest.mark.django_db

RECORD = "H49.64.33.2023.02.VP"
JSON = {"HTTP_ACCEPT": "application/json"}


def pdf(name: str, label: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.pdf_bytes(label or name), content_type="application/pdf")


@pytest.fixture
def fake_digitize(monkeypatch: pytest.MonkeyPatch, immediate_tasks: None) -> list[int]:
    """Replace the OCR run with one that marks every file digitized (the real run is tested elsewhere)."""
    ran: list[int] = []

    def run(batch_id: int) -> dict[str, Any]:
        ran.append(batch_id)
        UploadFile.objects.filter(batch_id=batch_id).update(status="digitized", doc_code="H49.64.33.2024.01.VP.0000001")
        UploadBatch.objects.filter(pk=batch_id).update(status="done", summary={"done": 1, "total": 1})
        return {"digitized": 1}

    monkeypatch.setattr(upload_tasks, "run_upload_batch", run)
    return ran


def test_upload_page_has_a_drop_zone_and_a_labelled_file_input(world, client_for):
    html = client_for("clerk").get(reverse("web:upload", kwargs={"code": RECORD})).content.decode()
    assert 'id="dropzone"' in html and '<label for="file-input"' in html and 'type="file" id="file-input"' in html
    assert 'enctype="multipart/form-data"' in html and "web/upload.js" in html and 'id="kho-messages"' in html
    assert 'aria-live="polite"' in html


def test_script_flow_create_send_start_poll(world, client_for, fake_digitize, django_capture_on_commit_callbacks):
    client = client_for("clerk")
    created = client.post(reverse("web:upload-create", kwargs={"code": RECORD}), **JSON)
    assert created.status_code == 201
    urls = created.json()["urls"]
    sent = client.post(urls["files"], {"file": pdf("Biên bản.pdf")}, **JSON)
    assert sent.status_code == 201
    body = sent.json()["file"]
    assert body["filename"] == "Biên bản.pdf" and body["status"] == "received" and body["digest"].startswith("sha256:")
    bad = client.post(urls["files"], {"file": SimpleUploadedFile("x.pdf", b"not a pdf")}, **JSON)
    assert bad.status_code == 400 and "x.pdf" in bad.json()["error"]["message"]
    empty = client.post(urls["files"], {"file": SimpleUploadedFile("y.pdf", b"")}, **JSON)
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_upload"
    assert client.post(urls["files"], {}, **JSON).status_code == 400
    status = client.get(urls["status"]).json()
    assert status["status"] == "pending" and [f["filename"] for f in status["files"]] == ["Biên bản.pdf"]
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(urls["start"], **JSON)
    assert started.status_code == 202 and len(fake_digitize) == 1
    status = client.get(urls["status"]).json()
    assert status["finished"] and status["status"] == "done" and status["files"][0]["verify_url"].endswith("/verify/")
    late = client.post(urls["files"], {"file": pdf("late.pdf")}, **JSON)
    assert late.status_code == 409
    page = client.get(urls["page"]).content.decode()
    assert "Biên bản.pdf" in page and "Hoàn tất" in page


def test_one_document_groups_the_files(world, client_for):
    client = client_for("clerk")
    urls = client.post(reverse("web:upload-create", kwargs={"code": RECORD}), **JSON).json()["urls"]
    for name in ("p1.pdf", "p2.pdf"):
        assert client.post(urls["files"], {"file": pdf(name), "one_document": "1"}, **JSON).status_code == 201
    assert set(UploadFile.objects.values_list("group", flat=True)) == {"document"}


def test_form_without_javascript_receives_all_files_and_starts(
    world, client_for, fake_digitize, django_capture_on_commit_callbacks
):
    client = client_for("clerk")
    url = reverse("web:upload", kwargs={"code": RECORD})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"files": [pdf("a.pdf"), pdf("b.pdf"), SimpleUploadedFile("c.pdf", b"junk")]})
    batch = UploadBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:upload-batch", kwargs={"uid": batch.uid}
    )
    assert batch.files.count() == 2 and fake_digitize == [batch.pk]
    page = client.get(response["Location"]).content.decode()
    assert "c.pdf" in page  # the refusal is shown as a message
    nothing = client.post(url, {"one_document": "on"})
    assert nothing.status_code == 302 and UploadBatch.objects.count() == 1


def test_only_users_who_may_digitize_upload(world, client_for):
    reader = client_for("reader")
    assert reader.get(reverse("web:upload", kwargs={"code": RECORD})).status_code == 403
    assert reader.post(reverse("web:upload-create", kwargs={"code": RECORD}), **JSON).status_code == 403
    clerk = client_for("clerk")
    urls = clerk.post(reverse("web:upload-create", kwargs={"code": RECORD}), **JSON).json()["urls"]
    assert reader.post(urls["files"], {"file": pdf("a.pdf")}, **JSON).status_code == 403  # not the batch's owner
    assert client_for("outsider").get(urls["status"]).status_code == 404
    assert Client().get(urls["status"]).status_code == 401


def test_upload_endpoints_need_post_and_csrf(world, client_for):
    assert client_for("clerk").get(reverse("web:upload-create", kwargs={"code": RECORD})).status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["clerk"])
    assert client.post(reverse("web:upload-create", kwargs={"code": RECORD}), **JSON).status_code == 403
    assert not UploadBatch.objects.exists()


def test_failed_batch_shows_the_reason_and_can_run_again(
    world, client_for, fake_digitize, django_capture_on_commit_callbacks
):
    client = client_for("clerk")
    urls = client.post(reverse("web:upload-create", kwargs={"code": RECORD}), **JSON).json()["urls"]
    client.post(urls["files"], {"file": pdf("a.pdf")}, **JSON)
    UploadBatch.objects.update(status="failed", attempts=3, error="lỗi không mong đợi (RuntimeError)")
    page = client.get(urls["page"]).content.decode()
    assert "RuntimeError" in page and "Chạy lại" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls["start"])
    assert response.status_code == 302 and fake_digitize
    assert UploadBatch.objects.get().status == "done"
