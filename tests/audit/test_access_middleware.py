"""The access log middleware: one ACCESS event per web or API request, with who, what, where and the decision."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from kho.api.actions import CreateTokenAction
from kho.audit import log
from kho.audit.middleware import client_ip
from kho.audit.models import Event
from tests.web.conftest import PASSWORD, _fresh_cache, client_for, world  # noqa: F401 - fixtures

SECRET_SUBJECT = "Kế hoạch phòng thủ bí mật"
SECRET_TEXT = "Nội dung tuyệt đối bí mật"


def boom(request: HttpRequest) -> HttpResponse:
    """A view that fails, for the 5xx case."""
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom, name="boom"), path("", include("kho.config.urls"))]


def head() -> int:
    return Event.objects.aggregate(m=Max("seq"))["m"] or 0


def access_since(seq: int) -> list[Event]:
    return list(Event.objects.filter(seq__gt=seq, event_type="access").order_by("seq"))


def one_access(seq: int) -> Event:
    events = access_since(seq)
    assert len(events) == 1, [str(e) for e in events]
    return events[0]


def assert_no_secret(events: list[Event]) -> None:
    for event in events:
        text = event.detail + event.data + event.object_id
        assert SECRET_SUBJECT not in text and SECRET_TEXT not in text


@pytest.fixture
def bearer(world):  # noqa: F811
    def make(name: str) -> tuple[Client, str]:
        token = CreateTokenAction(name, "test").execute().token
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}"), token

    return make


def test_a_page_view_is_one_allowed_event_with_who_what_where(world, client_for):  # noqa: F811
    client = client_for("reader")
    document = world.documents["luu_tru"]
    start = head()
    assert client.get(reverse("web:document", kwargs={"code": document.doc_code})).status_code == 200
    event = one_access(start)
    data = event.payload
    assert event.agent == "user:reader" and event.outcome == "success"
    assert event.object_type == "web:document" and event.object_id == document.doc_code
    assert data["decision"] == "allowed" and data["action"] == "view" and data["status"] == 200
    assert data["ip"] == "127.0.0.1" and data["method"] == "GET" and data["kwargs"] == {"code": document.doc_code}
    assert document.subject not in event.data + event.detail
    assert log.verify_chain().ok


def test_a_hidden_document_is_a_denied_event_naming_the_code(world, client_for):  # noqa: F811
    client = client_for("reader")
    secret = world.documents["secret"]
    start = head()
    for name in ("web:document", "web:document-pdf", "web:verify"):
        assert client.get(reverse(name, kwargs={"code": secret.doc_code})).status_code == 404
    events = access_since(start)
    assert [e.object_type for e in events] == ["web:document", "web:document-pdf", "web:verify"]
    for event in events:
        assert event.object_id == secret.doc_code and event.outcome == "failure"
        assert event.payload["decision"] == "denied" and event.payload["allowed"] is False
    assert_no_secret(events)


def test_a_missing_page_is_denied_and_named_by_its_path(world, client_for):  # noqa: F811
    client = client_for("reader")
    start = head()
    assert client.get("/khong-co-trang-nay/").status_code == 404
    event = one_access(start)
    assert event.object_type == "" and event.payload["path"] == "/khong-co-trang-nay/"
    assert event.payload["decision"] == "denied"


def test_download_search_and_change_are_named(world, client_for):  # noqa: F811
    document = world.documents["luu_tru"]
    reader = client_for("reader")
    start = head()
    response = reader.get(reverse("web:document-pdf", kwargs={"code": document.doc_code}))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    download = one_access(start)
    assert download.payload["action"] == "download" and download.object_id == document.doc_code
    start = head()
    assert reader.get(reverse("web:search"), {"q": "lưu trữ", "page": "1"}).status_code == 200
    search = one_access(start)
    assert search.payload["action"] == "search" and search.payload["query"] == {"q": "lưu trữ", "page": "1"}
    clerk = client_for("clerk")
    start = head()
    created = clerk.post(
        reverse("web:upload-create", kwargs={"code": world.records["r1"].file_code}), HTTP_ACCEPT="application/json"
    )
    assert created.status_code == 201
    change = one_access(start)
    assert change.payload["action"] == "change" and change.payload["method"] == "POST"
    assert change.agent == "user:clerk" and change.object_id == world.records["r1"].file_code


def test_upload_status_polls_are_logged_once_per_batch_and_session(world, client_for):  # noqa: F811
    clerk = client_for("clerk")
    created = clerk.post(
        reverse("web:upload-create", kwargs={"code": world.records["r1"].file_code}), HTTP_ACCEPT="application/json"
    ).json()
    status_url = created["urls"]["status"]
    start = head()
    for _ in range(3):
        assert clerk.get(status_url).status_code == 200
    assert len(access_since(start)) == 1
    other = client_for("clerk")  # a new session sees the batch for the first time
    start = head()
    other.get(status_url)
    other.get(status_url)
    assert len(access_since(start)) == 1
    reader = client_for("outsider")  # cannot see the batch: every denied poll is logged
    start = head()
    for _ in range(2):
        assert reader.get(status_url).status_code in {403, 404}
    assert [e.payload["decision"] for e in access_since(start)] == ["denied", "denied"]


def test_anonymous_sent_to_sign_in_is_denied(world):  # noqa: F811
    start = head()
    response = Client().get(reverse("web:documents"))
    assert response.status_code == 302
    event = one_access(start)
    assert event.agent == "anonymous" and event.payload["decision"] == "denied"


def test_sign_in_post_is_left_to_the_sign_in_events(world):  # noqa: F811
    client = Client()
    start = head()
    response = client.post(reverse("web:login"), {"username": "reader", "password": PASSWORD})
    assert response.status_code == 302
    assert access_since(start) == []
    assert Event.objects.filter(seq__gt=start, event_type="sign-in").count() == 1
    Client().post(reverse("web:login"), {"username": "reader", "password": "sai-mat-khau-roi"})
    assert access_since(start) == []
    assert Event.objects.filter(seq__gt=start, event_type="sign-in", outcome="failure").count() == 1


def test_static_files_favicon_and_the_api_description_are_not_logged(world, client_for):  # noqa: F811
    client = client_for("reader")
    start = head()
    assert client.get("/static/web/kho.css").status_code == 200
    client.get("/favicon.ico")
    assert Client().get("/api/v1/openapi.json").status_code == 200
    assert access_since(start) == []


def test_api_requests_name_the_token_prefix_never_the_secret(world, bearer):  # noqa: F811
    client, token = bearer("reader")
    document = world.documents["luu_tru"]
    start = head()
    assert client.get(f"/api/v1/documents/{document.uid}").status_code == 200
    event = one_access(start)
    assert event.agent == "user:reader" and event.object_type == "api-v1:get_document"
    assert event.object_id == str(document.uid) and event.payload["decision"] == "allowed"
    assert event.payload["token"] == token.split("_")[1] and token not in event.data
    pdf = document.digital_objects.get(role="access")
    start = head()
    response = client.get(f"/api/v1/documents/{document.uid}/files/{pdf.uid}")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    download = one_access(start)
    assert download.payload["action"] == "download" and download.object_id == str(pdf.uid)
    start = head()
    assert client.get("/api/v1/search", {"q": "hội nghị"}).status_code == 200
    assert one_access(start).payload["query"] == {"q": "hội nghị"}


def test_api_hidden_object_and_bad_token_are_denied(world, bearer):  # noqa: F811
    client, _ = bearer("reader")
    secret = world.documents["secret"]
    start = head()
    assert client.get(f"/api/v1/documents/{secret.uid}").status_code == 404
    event = one_access(start)
    assert event.object_id == str(secret.uid) and event.payload["decision"] == "denied"
    assert_no_secret([event])
    start = head()
    wrong = Client(HTTP_AUTHORIZATION="Bearer kho_0123456789ab_" + "A" * 43)
    assert wrong.get(f"/api/v1/documents/{secret.uid}").status_code == 401
    event = one_access(start)
    assert event.agent == "anonymous" and event.payload["token"] == "0123456789ab"
    assert event.payload["status"] == 401 and event.payload["decision"] == "denied"


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_an_error_event(world, client_for):  # noqa: F811
    client = client_for("reader")
    client.raise_request_exception = False
    start = head()
    assert client.get("/boom/").status_code == 500
    event = one_access(start)
    assert event.object_type == "boom" and event.outcome == "warning" and event.payload["decision"] == "error"


def test_nothing_is_served_when_the_event_cannot_be_written(world, client_for, monkeypatch):  # noqa: F811
    client = client_for("reader")
    document = world.documents["luu_tru"]

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(log, "append", broken)
    with pytest.raises(DatabaseError):
        client.get(reverse("web:document-pdf", kwargs={"code": document.doc_code}))
    client.raise_request_exception = False
    response = client.get(reverse("web:document-pdf", kwargs={"code": document.doc_code}))
    assert response.status_code == 500 and b"%PDF" not in response.content


def test_client_address_believes_forwarded_for_only_from_a_trusted_proxy():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 192.168.1.50"}
    assert client_ip(meta, []) == "10.0.0.2"
    assert client_ip(meta, ["10.0.0.9"]) == "10.0.0.2"
    assert client_ip(meta, ["10.0.0.0/24"]) == "192.168.1.50"  # the spoofable left entry is not believed
    assert client_ip(meta, ["10.0.0.0/24", "192.168.1.0/24"]) == "1.2.3.4"
    assert client_ip({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "bad, 10.0.0.3"}, ["10.0.0.0/8"]) == "bad"
    assert client_ip({"REMOTE_ADDR": "10.0.0.2"}, ["10.0.0.0/8"]) == "10.0.0.2"


def test_trusted_proxy_setting_is_used(world, client_for, settings):  # noqa: F811
    settings.KHO_TRUSTED_PROXIES = ["127.0.0.1"]
    client = client_for("reader")
    start = head()
    client.get(reverse("web:documents"), HTTP_X_FORWARDED_FOR="192.168.5.7")
    assert one_access(start).payload["ip"] == "192.168.5.7"


def test_events_hold_no_request_bodies(world, client_for):  # noqa: F811
    clerk = client_for("clerk")
    start = head()
    clerk.post(
        reverse("web:upload-create", kwargs={"code": world.records["r1"].file_code}),
        {"note": SECRET_SUBJECT},
        HTTP_ACCEPT="application/json",
    )
    events = access_since(start)
    assert len(events) == 1 and "note" not in json.loads(events[0].data)
    assert_no_secret(events)
