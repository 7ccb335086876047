"""The verification screen: low-confidence fields marked, "Lưu và duyệt", events, next document, rights."""

from __future__ import annotations

import unicodedata

import pytest
from django.test import Client
from django.urls import reverse

from kho.audit.models import Event
from kho.core.codetables import SecrecyLevel
from kho.records.models import Document, Record
from kho.web.actions import VerifyDocumentAction, low_confidence_fields
from kho.web.forms import VerifyForm

pytestmark = pytest.mark.django_db


def verify_url(document: Document) -> str:
    return reverse("web:verify", kwargs={"code": document.doc_code})


def form_data(document: Document, **changes: object) -> dict[str, object]:
    form = VerifyForm(instance=document)
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(changes)
    return data


def test_low_confidence_fields_are_marked_beside_the_page_image(world, client_for):
    document = world.documents["luu_tru"]
    html = client_for("archivist").get(verify_url(document)).content.decode()
    assert 'class="field field-low" data-field="signer"' in html
    assert 'data-field="subject"' in html and 'field field-low field-wide" data-field="subject"' in html
    assert 'class="field" data-field="issued_date"' in html  # 0.95: not marked
    assert "Độ tin cậy thấp: 0,30" in html and 'href="#id_signer"' in html
    assert 'aria-describedby="id_signer-conf"' in html and 'id="id_signer-conf"' in html
    assert reverse("web:page-image", kwargs={"code": document.doc_code, "page": 1}) + "?w=1100" in html
    assert low_confidence_fields(document) == {"signer": 0.3, "subject": 0.6}


def test_save_and_approve_records_changes_and_moves_to_the_next_document(world, client_for):
    document, following = world.documents["luu_tru"], world.documents["second"]
    client = client_for("archivist")
    response = client.post(verify_url(document), form_data(document, signer="Nguyễn Văn Bình", place="Quảng Ninh"))
    assert response.status_code == 302 and response["Location"] == verify_url(following)
    document.refresh_from_db()
    assert document.verification_status == "verified" and document.signer == "Nguyễn Văn Bình"
    assert document.verified_by == world.users["archivist"] and document.verified_at is not None
    modification = Event.objects.get(event_type="metadata modification", object_id=document.doc_code)
    assert modification.payload["fields"] == ["place", "signer"] and "Bình" not in modification.data
    verification = Event.objects.get(event_type="verification", object_id=document.doc_code)
    assert verification.agent == "user:archivist" and verification.payload["low_confidence"] == ["signer", "subject"]
    assert "Đã lưu và duyệt" in client.get(response["Location"]).content.decode()


def test_last_document_of_the_record_marks_it_verified(world, client_for):
    client = client_for("archivist")
    record = world.records["r1"]
    for key in ("luu_tru", "second", "secret"):
        document = world.documents[key]
        client.post(verify_url(document), form_data(document))
    record.refresh_from_db()
    assert record.digitization_status == "verified"
    assert Record.objects.get(pk=world.records["secret"].pk).digitization_status == "not_started"


def test_nfd_input_is_stored_nfc(world, client_for):
    document = world.documents["second"]
    client_for("archivist").post(
        verify_url(document), form_data(document, signer=unicodedata.normalize("NFD", "Nguyễn Văn A"))
    )
    document.refresh_from_db()
    assert document.signer == "Nguyễn Văn A"


def test_invalid_values_are_shown_and_nothing_is_saved(world, client_for):
    document = world.documents["second"]
    response = client_for("archivist").post(verify_url(document), form_data(document, secrecy_level="1", mode="01"))
    assert response.status_code == 400 and "03 - mật" in response.content.decode()
    response = client_for("archivist").post(verify_url(document), form_data(document, secrecy_level="3", mode="03"))
    assert response.status_code == 400 and "TUYỆT MẬT" in response.content.decode()
    document.refresh_from_db()
    assert document.verification_status == "needs_review"
    assert not Event.objects.filter(event_type="verification").exists()


def test_readers_and_clerks_may_not_verify(world, client_for):
    document = world.documents["luu_tru"]
    for name in ("reader", "clerk"):
        client = client_for(name)
        assert client.get(verify_url(document)).status_code == 403
        assert client.post(verify_url(document), form_data(document)).status_code == 403
    document.refresh_from_db()
    assert document.verification_status == "needs_review"


def test_lowering_the_secrecy_level_needs_declassify(world, client_for):
    secret = world.documents["secret"]
    response = client_for("archivist").post(verify_url(secret), form_data(secret, secrecy_level="0", mode="01"))
    assert response.status_code == 403
    secret.refresh_from_db()
    assert secret.secrecy_level == SecrecyLevel.MAT
    response = client_for("leader").post(verify_url(secret), form_data(secret, secrecy_level="0", mode="01"))
    assert response.status_code == 302
    secret.refresh_from_db()
    assert secret.secrecy_level == 0 and secret.verification_status == "verified"


def test_verify_post_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["archivist"])
    document = world.documents["luu_tru"]
    assert client.post(verify_url(document), form_data(document)).status_code == 403
    document.refresh_from_db()
    assert document.verification_status == "needs_review"


def test_action_ignores_fields_outside_the_form(world):
    document = world.documents["second"]
    result = VerifyDocumentAction(document, world.users["archivist"], {"doc_code": "X", "subject": "Mới"}).execute()
    document.refresh_from_db()
    assert result.changed == ["subject"] and document.doc_code != "X"
