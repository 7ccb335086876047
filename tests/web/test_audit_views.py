"""The security officer's log review: who may see it, filters, keyset pages, exports, the chain check."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kho.audit import log
from kho.audit.export import COLUMNS
from kho.audit.models import Event
from kho.audit.vocabulary import EventType, Outcome
from kho.web.views import audit as audit_views
from tests.access.helpers import user as make_user
from tests.audit.test_chain import _tamper

AUDIT = "/audit/"


@pytest.fixture
def officer(world):
    return make_user("officer", role="security_officer", all_agencies=True)


@pytest.fixture
def review(officer):
    client = Client()
    client.force_login(officer)
    return client


def seed():
    """Events with distinct agents, types, outcomes, objects and addresses; returns them in order."""
    rows = [
        ("user:reader", EventType.ACCESS, Outcome.SUCCESS, "DOC-1", "10.0.0.1"),
        ("user:reader", EventType.ACCESS, Outcome.FAILURE, "DOC-2", "10.0.0.2"),
        ("user:clerk", EventType.INGESTION, Outcome.SUCCESS, "DOC-3", "10.0.0.1"),
        ("anonymous", EventType.ACCESS, Outcome.FAILURE, "DOC-2", "10.0.0.9"),
        ("user:clerk", EventType.METADATA_MODIFICATION, Outcome.SUCCESS, "=HYPERLINK(1)", "10.0.0.3"),
    ]
    with transaction.atomic():
        return [
            log.append(kind, agent=agent, outcome=outcome, object_id=obj, detail="-x", data={"ip": ip})
            for agent, kind, outcome, obj, ip in rows
        ]


def listed(response):
    assert response.status_code == 200
    return [event.seq for event in response.context["page"].events]


def page_text(response) -> str:
    """The page without what differs between any two pages: CSRF tokens and the current path."""
    text = re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())
    return text.replace(f'value="{response.wsgi_request.get_full_path()}"', "")


def test_only_security_officers_and_admins_see_the_log(world, client_for, review):
    assert review.get(AUDIT).status_code == 200
    admin = make_user("adm", role="admin", all_agencies=True)
    admin_client = Client()
    admin_client.force_login(admin)
    assert admin_client.get(AUDIT).status_code == 200
    assert reverse("web:audit") in review.get(reverse("web:dashboard")).content.decode()
    event = Event.objects.order_by("seq").first()
    for name in ("reader", "clerk", "archivist", "leader", "nobody"):
        client = client_for(name)
        missing = client.get("/khong-co-trang-nay/")
        for url in (AUDIT, reverse("web:audit-event", kwargs={"seq": event.seq}), "/audit/export/csv/"):
            response = client.get(url)
            assert response.status_code == 404
            assert page_text(response) == page_text(missing)
        assert client.post(reverse("web:audit-verify")).status_code == 404
        assert reverse("web:audit") not in client.get(reverse("web:dashboard")).content.decode()
    assert Client().get(AUDIT).status_code == 302


def test_filters_select_the_matching_events(world, review):
    events = seed()
    by = {name: event.seq for name, event in zip("abcde", events, strict=True)}
    assert listed(review.get(AUDIT, {"user": "reader"})) == [by["b"], by["a"]]
    assert listed(review.get(AUDIT, {"user": "anonymous"})) == [by["d"]]
    assert listed(review.get(AUDIT, {"event_type": "ingestion"})) == [by["c"]]
    assert listed(review.get(AUDIT, {"outcome": "failure", "object_id": "DOC-2"})) == [by["d"], by["b"]]
    assert listed(review.get(AUDIT, {"ip": "10.0.0.1"})) == [by["c"], by["a"]]
    today = timezone.localdate()
    assert by["e"] in listed(review.get(AUDIT, {"date_from": today.isoformat(), "date_to": today.isoformat()}))
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert listed(review.get(AUDIT, {"date_from": tomorrow})) == []


def test_bad_filters_are_named_and_nothing_is_listed(world, review):
    response = review.get(AUDIT, {"ip": "not-an-ip", "date_from": "2025-02-30"})
    assert response.status_code == 200 and response.context["page"] is None
    form = response.context["form"]
    assert set(form.errors) == {"ip", "date_from"}
    reversed_range = review.get(AUDIT, {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert reversed_range.context["page"] is None and reversed_range.context["form"].non_field_errors()
    assert review.get("/audit/export/csv/", {"ip": "x"}).status_code == 400
    assert review.get("/audit/export/pdf/").status_code == 404


def test_keyset_pages_walk_older_and_back_newer(world, review, monkeypatch):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 3)
    seed()
    with transaction.atomic():
        for n in range(5):
            log.append(EventType.ACCESS, object_id=f"X{n}")
    flt = {"event_type": "access"}
    everything = list(Event.objects.filter(event_type="access").order_by("-seq").values_list("seq", flat=True))
    assert len(everything) >= 7  # the three seeded and one per review request
    first = review.get(AUDIT, flt)
    page = first.context["page"]
    assert listed(first) == everything[:3] and page.newer_after is None
    second = review.get(AUDIT, {**flt, "before": page.older_before})
    assert listed(second) == everything[3:6]
    back = review.get(AUDIT, {**flt, "after": second.context["page"].newer_after})
    assert listed(back)[-1] == everything[2]
    assert f"before={page.older_before}" in first.content.decode()
    assert listed(review.get(AUDIT, {**flt, "before": "junk"}))[0] >= everything[0]


def test_event_detail_shows_every_stored_field(world, review):
    event = seed()[0]
    html = review.get(reverse("web:audit-event", kwargs={"seq": event.seq})).content.decode()
    for text in (str(event.uid), event.hash, event.prev_hash, event.agent, "10.0.0.1"):
        assert text in html
    top = Event.objects.aggregate(m=Max("seq"))["m"]
    assert review.get(reverse("web:audit-event", kwargs={"seq": top + 100})).status_code == 404


def test_csv_export_holds_the_filtered_events_and_is_itself_logged(world, review):
    events = seed()
    response = review.get("/audit/export/csv/", {"user": "clerk"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert re.search(r'filename="nhat-ky-su-kien-\d{8}-\d{6}\.csv"', disposition)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert [int(row[0]) for row in rows[1:]] == [events[4].seq, events[2].seq]
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["object_id"] == "'=HYPERLINK(1)" and first["detail"] == "'-x" and first["ip"] == "10.0.0.3"
    assert first["hash"] == events[4].hash
    logged = Event.objects.filter(event_type="access", object_type="web:audit-export").get()
    assert logged.agent == "user:officer" and logged.payload["action"] == "export"
    assert logged.payload["query"] == {"user": "clerk"} and logged.payload["note"]["rows"] == 2


def test_xlsx_export_matches_the_csv_columns(world, review):
    events = seed()
    response = review.get("/audit/export/xlsx/", {"outcome": "failure", "object_id": "DOC-2"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == COLUMNS and [row[0] for row in rows[1:]] == [events[3].seq, events[1].seq]
    note = Event.objects.filter(object_type="web:audit-export").get().payload["note"]
    assert note == {"format": "xlsx", "rows": 2, "limit_reached": False}


def test_verify_button_reports_an_intact_chain_and_names_an_edited_event(world, review):
    events = seed()
    ok = review.post(reverse("web:audit-verify"))
    assert ok.status_code == 200 and ok.context["report"].ok
    assert Event.objects.filter(object_type="web:audit-verify").get().payload["note"]["chain_ok"] is True
    _tamper("UPDATE audit_event SET detail = %s WHERE seq = %s", ["sửa trộm", events[2].seq])
    broken = review.post(reverse("web:audit-verify"))
    html = broken.content.decode()
    assert not broken.context["report"].ok and broken.context["report"].broken_seq == events[2].seq
    assert str(events[2].uid) in html and reverse("web:audit-event", kwargs={"seq": events[2].seq}) in html
    last = Event.objects.filter(object_type="web:audit-verify").order_by("-seq").first()
    assert last.payload["note"]["broken_seq"] == events[2].seq
    assert review.get(reverse("web:audit-verify")).status_code == 405


def test_export_stops_at_its_limit_and_says_so(world, review, monkeypatch):
    monkeypatch.setattr(audit_views, "EXPORT_LIMIT", 2)
    events = seed()
    response = review.get("/audit/export/csv/", {"event_type": "access"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [int(row[0]) for row in rows[1:]] == [events[3].seq, events[1].seq]
    note = Event.objects.filter(object_type="web:audit-export").get().payload["note"]
    assert note == {"format": "csv", "rows": 2, "limit_reached": True}
