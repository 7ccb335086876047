"""Marked copies through the API download: classified files leave only marked and registered."""

from __future__ import annotations

import base64
import hashlib

import pytest

from kho.copies.models import CopyEntry
from tests.copies.conftest import as_bytes, pdf_text
from tests.web.conftest import add_text

pytestmark = pytest.mark.django_db


def file_url(obj):
    return f"/api/v1/documents/{obj.document.uid}/files/{obj.uid}"


def test_a_classified_pdf_is_downloaded_as_a_marked_copy_with_one_entry(staff, api_for):
    obj = staff.documents["secret"].digital_objects.get(role="access")
    response = api_for("cleared").get(file_url(obj))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    data = as_bytes(response)
    entry = CopyEntry.objects.get()
    assert (entry.kind, entry.user.username, entry.digital_object) == ("download", "cleared", obj)
    assert f"Bản sao số {entry.register_no}" in pdf_text(data)[0]
    digest = hashlib.sha256(data).digest()
    assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert entry.digest == f"sha256:{digest.hex()}" and response["X-Kho-Copy-Number"] == entry.register_no


def test_an_unclassified_file_is_the_stored_bytes_and_no_entry(staff, api_for):
    obj = staff.documents["luu_tru"].digital_objects.get(role="access")
    response = api_for("cleared").get(file_url(obj))
    assert response.status_code == 200
    data = as_bytes(response)
    assert f"sha256:{hashlib.sha256(data).hexdigest()}" == obj.blob.digest
    assert not CopyEntry.objects.exists()


@pytest.mark.parametrize("name", ["reader", "officer", "admin"])
def test_users_without_the_right_get_404_and_no_entry(staff, api_for, name):
    obj = staff.documents["secret"].digital_objects.get(role="access")
    response = api_for(name).get(file_url(obj))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not CopyEntry.objects.exists()


def test_a_text_file_of_a_classified_document_cannot_leave_unmarked(staff, api_for):
    text = add_text(staff.documents["in_secret_record"], "Nội dung mật")
    response = api_for("cleared").get(file_url(text))
    assert response.status_code == 409 and response.json()["code"] == "unmarkable_file"
    assert not CopyEntry.objects.exists()
