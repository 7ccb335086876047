"""Uploads through the API: open a batch, send files (many per request), list them, start, read the task."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kho.ingest.models import UploadBatch, UploadFile
from kho.storage.store import get_store
from tests.access import helpers
from tests.api.conftest import assert_error


def png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (32, 32), color=seed % 256).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, payload: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, payload, content_type="application/octet-stream")


@pytest.fixture
def clerk(world):
    return helpers.user("clerk", role="clerk", agencies=[world.agency_in])


@pytest.fixture
def clerk_api(client_for, clerk):
    return client_for(clerk)


def open_batch(client, record):
    response = client.post("/api/v1/uploads", {"record": str(record.uid)}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_upload_many_files_in_one_request(clerk_api, world):
    batch = open_batch(clerk_api, world.record)
    assert batch["status"] == "pending" and batch["file_count"] == 0 and batch["record_file_code"] == "H49.2024.01"
    files = [upload("trang-1.png", png(1)), upload("trang-2.png", png(2)), upload("ghi-chu.txt", b"hello")]
    response = clerk_api.post(f"/api/v1/uploads/{batch['uid']}/files", {"files": [*files, upload("rong.png", b"")]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [f["filename"] for f in body["received"]] == ["trang-1.png", "trang-2.png"]
    assert [(r["filename"], r["code"]) for r in body["rejected"]] == [
        ("ghi-chu.txt", "unsupported_upload"),
        ("rong.png", "empty_upload"),
    ]
    for item in body["received"]:
        assert get_store().exists(item["sha256"]) and item["status"] == "received"
    again = clerk_api.post(f"/api/v1/uploads/{batch['uid']}/files", {"files": [upload("copy.png", png(1))]})
    assert [r["code"] for r in again.json()["rejected"]] == ["duplicate_upload"]
    assert clerk_api.get(f"/api/v1/uploads/{batch['uid']}").json()["file_count"] == 2


def test_pages_of_one_document_share_a_group(clerk_api, world):
    batch = open_batch(clerk_api, world.record)
    files = {"files": [upload("p1.png", png(10)), upload("p2.png", png(11))], "group": "công văn 1"}
    body = clerk_api.post(f"/api/v1/uploads/{batch['uid']}/files", files).json()
    assert {f["group"] for f in body["received"]} == {"công văn 1"}


def test_list_files_in_pages(clerk_api, world):
    batch = open_batch(clerk_api, world.record)
    clerk_api.post(f"/api/v1/uploads/{batch['uid']}/files", {"files": [upload(f"{i}.png", png(i)) for i in range(5)]})
    first = clerk_api.get(f"/api/v1/uploads/{batch['uid']}/files", {"limit": 3}).json()
    rest = clerk_api.get(f"/api/v1/uploads/{batch['uid']}/files", {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [f["order"] for f in first["items"] + rest["items"]] == [1, 2, 3, 4, 5]
    assert rest["next_cursor"] is None
    huge = base64.urlsafe_b64encode(b"9" * 30).decode().rstrip("=")  # beyond a 64-bit integer
    assert_error(clerk_api.get(f"/api/v1/uploads/{batch['uid']}/files", {"cursor": huge}), 400, "invalid_cursor")


def test_start_digitize_and_read_the_task(clerk_api, world, client_for, django_capture_on_commit_callbacks):
    batch = open_batch(clerk_api, world.record)
    assert_error(clerk_api.post(f"/api/v1/uploads/{batch['uid']}/digitize"), 400, "nothing_to_digitize")
    clerk_api.post(f"/api/v1/uploads/{batch['uid']}/files", {"files": [upload("a.png", png(3))]})
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_api.post(f"/api/v1/uploads/{batch['uid']}/digitize")
    assert response.status_code == 202, response.content
    task_id = UploadBatch.objects.get(uid=batch["uid"]).task_id
    assert task_id
    assert clerk_api.get(f"/api/v1/uploads/{batch['uid']}").json()["task_id"] == task_id
    task = clerk_api.get(f"/api/v1/tasks/{task_id}").json()
    assert task["status"] == "READY" and task["task"].endswith("digitize_upload_task") and task["errors"] == []
    outsider = helpers.user("outsider", role="clerk", agencies=[world.agency_out])
    assert_error(client_for(outsider).get(f"/api/v1/tasks/{task_id}"), 404, "not_found")


def test_readers_may_not_upload_and_strangers_do_not_see_batches(api, clerk_api, client_for, world):
    assert_error(
        api.post("/api/v1/uploads", {"record": str(world.record.uid)}, content_type="application/json"),
        403,
        "permission_denied",
    )
    batch = open_batch(clerk_api, world.record)
    colleague = helpers.user("colleague", role="clerk", agencies=[world.agency_in])
    response = client_for(colleague).post(f"/api/v1/uploads/{batch['uid']}/files", {"files": [upload("x.png", png(5))]})
    assert_error(response, 403)
    outsider = client_for(helpers.user("far", role="clerk", agencies=[world.agency_out]))
    hidden = outsider.get(f"/api/v1/uploads/{batch['uid']}")
    missing = outsider.get("/api/v1/uploads/00000000-0000-4000-8000-000000000000")
    assert_error(hidden, 404) and hidden.content == missing.content
    hidden_record = outsider.post("/api/v1/uploads", {"record": str(world.record.uid)}, content_type="application/json")
    assert_error(hidden_record, 404)
    assert UploadFile.objects.count() == 0


def test_upload_needs_the_files_field(clerk_api, world):
    batch = open_batch(clerk_api, world.record)
    assert_error(clerk_api.post(f"/api/v1/uploads/{batch['uid']}/files", {}), 422, "validation_error")


def test_too_many_files_in_one_request_is_400_not_500(clerk_api, world):
    batch = open_batch(clerk_api, world.record)
    files = [upload(f"{i}.png", b"x") for i in range(101)]  # Django's DATA_UPLOAD_MAX_NUMBER_FILES is 100
    assert_error(clerk_api.post(f"/api/v1/uploads/{batch['uid']}/files", {"files": files}), 400, "bad_input")
