"""Each read endpoint: lists (filters, keyset pages), details, file download, search, tasks, fixity."""

from __future__ import annotations

import base64
import hashlib

from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.records.models import Record
from kho.search.backends import get_backend
from kho.search.tasks import index_documents_task
from kho.storage.store import get_store
from tests import factories
from tests.access import helpers
from tests.api.conftest import assert_error


def codes(response, key="code"):
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["items"]]


def test_agencies(api, world):
    assert codes(api.get("/api/v1/agencies")) == ["H49"]
    assert codes(api.get("/api/v1/agencies", {"q": "h4"})) == ["H49"]
    assert codes(api.get("/api/v1/agencies", {"status": "ended"})) == []
    detail = api.get(f"/api/v1/agencies/{world.agency_in.uid}").json()
    assert detail["code"] == "H49" and detail["parent_uid"] is None


def test_fonds(api, world):
    assert codes(api.get("/api/v1/fonds")) == ["P-IN"]
    assert codes(api.get("/api/v1/fonds", {"agency": str(world.agency_out.uid)})) == []
    detail = api.get(f"/api/v1/fonds/{world.fonds_in.uid}").json()
    assert detail["agency_code"] == "H49" and detail["status"] == "open" and "history" in detail


def test_records_hide_classified_and_filter(api, client_for, world):
    assert codes(api.get("/api/v1/records"), "file_code") == ["H49.2024.01"]
    assert codes(api.get("/api/v1/records", {"year": 2023}), "file_code") == []
    officer = helpers.user("sec", role="security_officer", clearance=2, all_agencies=True)
    everything = client_for(officer).get("/api/v1/records")
    assert codes(everything, "file_code") == ["H49.2024.01", "H49.2024.02", "H51.2024.01"]
    mat = client_for(officer).get("/api/v1/records", {"secrecy_level": 1, "fonds": str(world.fonds_in.uid)})
    assert codes(mat, "file_code") == ["H49.2024.02"]
    detail = api.get(f"/api/v1/records/{world.record.uid}").json()
    assert detail["fonds_code"] == "P-IN" and detail["storage_room"] == "" and detail["maintenance"] == "01"


def test_keyset_pages_walk_every_row_once(api, world):
    for n in range(7):
        factories.record(f"H49.2025.{n:02d}", in_fonds=world.fonds_in)
    seen, cursor, pages = [], None, 0
    while pages < 10:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/api/v1/records", params).json()
        seen += [r["file_code"] for r in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            break
    expected = sorted(Record.objects.filter(fonds=world.fonds_in, secrecy_level=0).values_list("file_code", flat=True))
    assert seen == expected and pages == 3
    assert_error(api.get("/api/v1/records", {"cursor": "!!"}), 422, "validation_error")
    assert_error(api.get("/api/v1/records", {"cursor": "AA"}), 400, "invalid_cursor")
    assert_error(api.get("/api/v1/records", {"limit": 201}), 422)


def test_documents_list_and_detail(api, world):
    assert codes(api.get("/api/v1/documents"), "doc_code") == [world.doc.doc_code]
    assert codes(api.get("/api/v1/documents", {"record": str(world.record_mat.uid)}), "doc_code") == []
    assert codes(api.get("/api/v1/documents", {"issued_from": "2024-03-02"}), "doc_code") == []
    detail = api.get(f"/api/v1/documents/{world.doc.uid}").json()
    assert detail["subject"] == "Báo cáo công tác lưu trữ" and detail["copy_type"] == "master"
    [file] = detail["digital_objects"]
    assert file["sha256"] == world.pdf.blob.digest and file["size"] == len(world.pdf_bytes)
    assert file["uid"] == str(world.pdf.uid)


def test_admin_sees_metadata_but_no_files(client_for, world):
    admin = helpers.user("adm", role="admin", all_agencies=True)
    client = client_for(admin)
    assert client.get(f"/api/v1/documents/{world.doc.uid}").json()["digital_objects"] == []
    assert_error(client.get(f"/api/v1/documents/{world.doc.uid}/files/{world.pdf.uid}"), 404, "not_found")


def test_download_streams_the_bytes_and_is_audited(api, world, reader):
    response = api.get(f"/api/v1/documents/{world.doc.uid}/files/{world.pdf.uid}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == world.pdf_bytes
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    expected = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{expected}:"
    event = Event.objects.filter(event_type=EventType.ACCESS, object_id=str(world.pdf.uid)).get()
    assert event.agent == "user:reader" and event.payload["action"] == "download"


def test_download_of_a_lost_object_is_503_not_500(api, world):
    get_store().delete(world.pdf.blob.digest)
    assert_error(api.get(f"/api/v1/documents/{world.doc.uid}/files/{world.pdf.uid}"), 503, "object_unavailable")


def test_file_of_another_document_is_404(api, world):
    assert_error(api.get(f"/api/v1/documents/{world.doc_mat.uid}/files/{world.pdf.uid}"), 404)


def test_search_only_what_the_user_may_search(api, world):
    get_backend().index([world.doc.pk, world.doc_mat.pk, world.doc_out.pk, world.doc_in_mat_record.pk])
    body = api.get("/api/v1/search", {"q": "luu tru"}).json()
    assert body["total"] == 1 and body["total_exact"] is True and body["ranked"] is True
    [hit] = body["hits"]
    assert hit["document"]["uid"] == str(world.doc.uid) and "<mark>" in hit["snippet"]
    assert body["facets"]["by_type"] == {"01": 1} and body["facets"]["by_year"] == {"2024": 1}
    assert api.get("/api/v1/search", {"q": "Ngoài phạm vi"}).json()["total"] == 0
    assert api.get("/api/v1/search", {"q": "", "fonds": str(world.fonds_in.uid)}).json()["total"] == 1
    hidden_fonds = api.get("/api/v1/search", {"fonds": str(world.fonds_out.uid)}).json()
    assert hidden_fonds["total"] == 0 and hidden_fonds["hits"] == []
    assert_error(api.get("/api/v1/search", {"year_from": 2025, "year_to": 2020}), 400, "search_query")
    assert_error(api.get("/api/v1/search", {"page_size": 101}), 422)


def test_search_past_the_count_limit_says_the_total_is_a_lower_bound(api, world, monkeypatch):
    get_backend().index([world.doc.pk, world.doc_in_mat_record.pk, world.doc_out.pk])
    monkeypatch.setattr(type(get_backend()), "count_limit", 0)
    body = api.get("/api/v1/search", {"q": ""}).json()
    assert body["total"] == 0 and body["total_exact"] is False and body["ranked"] is False
    assert body["facets"] == {"by_type": {}, "by_year": {}} and len(body["hits"]) == 1


def test_tasks_not_started_by_a_visible_batch_are_404(api, world):
    result = index_documents_task.enqueue([world.doc.pk])
    hidden = api.get(f"/api/v1/tasks/{result.id}")
    missing = api.get("/api/v1/tasks/00000000-0000-0000-0000-000000000000")
    assert_error(hidden, 404, "not_found")
    assert hidden.content == missing.content
    assert_error(api.get("/api/v1/tasks/not a uuid"), 422)


def test_fixity_needs_audit_view(api, client_for, world, officer):
    assert_error(api.post("/api/v1/fixity/check", {"sample": 5}, content_type="application/json"), 403)
    assert api.get("/api/v1/fixity/events").json() == {"items": []}
    client = client_for(officer)
    report = client.post("/api/v1/fixity/check", {"sample": 5}, content_type="application/json").json()
    assert report["checked"] == 1 and report["ok"] == 1 and report["problems"] == []
    get_store().delete(world.pdf.blob.digest)
    report = client.post("/api/v1/fixity/check", {"sample": 5}, content_type="application/json").json()
    assert report["missing"] == 1 and report["problems"] == [
        {"digest": world.pdf.blob.digest, "kind": "missing", "actual": None}
    ]
    events = client.get("/api/v1/fixity/events", {"limit": 1}).json()["items"]
    assert [(e["digest"], e["outcome"]) for e in events] == [(world.pdf.blob.digest, "failure")]
    assert_error(client.post("/api/v1/fixity/check", {"sample": 101}, content_type="application/json"), 422)
