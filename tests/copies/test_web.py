"""Marked copies through the web: the inline PDF, page images, printing, and what stays unchanged."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from kho.copies.models import CopyEntry
from kho.web import thumbs
from tests.copies.conftest import as_bytes, pdf_text

pytestmark = pytest.mark.django_db


def main(response) -> str:
    """The page's main content (the header holds a per-response CSRF token)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def url(name, code, **kwargs):
    return reverse(name, kwargs={"code": code, **kwargs})


def test_a_classified_pdf_is_served_only_as_a_marked_registered_copy(staff, client_for):
    secret = staff.documents["secret"]
    response = client_for("cleared").get(url("web:document-pdf", secret.doc_code))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].endswith("no-store")
    entry = CopyEntry.objects.get()
    assert (entry.kind, entry.document, entry.user.username) == ("download", secret, "cleared")
    data = as_bytes(response)
    assert f"Bản sao số {entry.register_no}" in pdf_text(data)[0] and "MẬT" in pdf_text(data)[0]
    assert response["Content-Disposition"].startswith("inline")
    assert f"{secret.doc_code}-ban-sao-" in response["Content-Disposition"]
    assert "Kế hoạch" not in response["Content-Disposition"]
    stored = secret.digital_objects.get(role="access").blob.digest
    assert entry.digest != stored  # the copy, not the master


def test_a_document_in_a_secret_record_is_marked_too(staff, client_for):
    document = staff.documents["in_secret_record"]
    response = client_for("cleared").get(url("web:document-pdf", document.doc_code))
    assert "Bản sao số" in pdf_text(as_bytes(response))[0] and CopyEntry.objects.count() == 1


def test_unclassified_pdfs_are_unchanged_and_not_registered(staff, client_for):
    document = staff.documents["luu_tru"]
    response = client_for("cleared").get(url("web:document-pdf", document.doc_code))
    data = as_bytes(response)
    assert response.status_code == 200 and "Bản sao số" not in "".join(pdf_text(data))
    from kho.storage.store import open_blob

    with open_blob(document.digital_objects.get(role="access").blob) as stream:
        assert data == stream.read()
    assert client_for("reader").get(url("web:page-image", document.doc_code, page=1)).status_code == 200
    assert not CopyEntry.objects.exists()


@pytest.mark.parametrize("name", ["reader", "outsider", "admin", "officer"])
def test_users_who_may_not_download_get_404_and_no_entry(staff, client_for, name):
    secret = staff.documents["secret"]
    client = client_for(name)
    absent = "H49.64.33.2024.01.VP.9999999"
    for path in (
        url("web:document-pdf", secret.doc_code),
        url("web:page-image", secret.doc_code, page=1),
        url("copies:print", secret.doc_code),
    ):
        response = client.get(path)
        missing = client.get(path.replace(secret.doc_code, absent))
        assert response.status_code == missing.status_code == 404, path
        assert main(response) == main(missing).replace(absent, secret.doc_code), path
    assert client.post(url("copies:print", secret.doc_code), {"purpose": "x"}).status_code == 404
    assert not CopyEntry.objects.exists()


def test_readable_page_images_are_registered_copies_and_thumbnails_are_marked_previews(staff, client_for, data_dir):
    secret = staff.documents["secret"]
    client = client_for("cleared")
    big = client.get(url("web:page-image", secret.doc_code, page=1), {"w": str(thumbs.WIDTHS[1])})
    assert big.status_code == 200 and big["Content-Type"] == "image/jpeg"
    entry = CopyEntry.objects.get()
    assert (entry.kind, entry.page) == ("page_image", 1)
    image = Image.open(io.BytesIO(big.content)).convert("RGB")
    assert image.width == thumbs.WIDTHS[1]
    top = image.crop((0, 0, image.width, image.height // 10))
    pixels = top.get_flattened_data() if hasattr(top, "get_flattened_data") else top.getdata()
    assert any(r > 150 and g < 90 and b < 90 for r, g, b in pixels)  # the red level mark
    small = client.get(url("web:page-image", secret.doc_code, page=1))
    assert small.status_code == 200 and CopyEntry.objects.count() == 1  # a preview is not a copy
    unmarked = thumbs.thumbnail(secret.digital_objects.get(role="access").blob.digest, 1, thumbs.WIDTHS[0], cache=False)
    assert small.content != unmarked
    assert not (data_dir / "cache").exists() or not any((data_dir / "cache").rglob("*.jpg"))


def test_print_asks_the_purpose_then_serves_a_marked_copy_entered_as_print(staff, client_for):
    secret = staff.documents["secret"]
    client = client_for("cleared")
    page = client.get(url("web:document", secret.doc_code)).content.decode()
    assert url("copies:print", secret.doc_code) in page
    form = client.get(url("copies:print", secret.doc_code))
    assert form.status_code == 200 and 'name="purpose"' in form.content.decode()
    assert not CopyEntry.objects.exists()
    response = client.post(url("copies:print", secret.doc_code), {"purpose": "Phục vụ họp giao ban"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline")
    entry = CopyEntry.objects.get()
    assert (entry.kind, entry.purpose) == ("print", "Phục vụ họp giao ban")
    assert f"Bản sao số {entry.register_no}" in pdf_text(response.content)[0]


def test_print_refuses_a_too_long_purpose_without_an_entry(staff, client_for):
    secret = staff.documents["secret"]
    response = client_for("cleared").post(url("copies:print", secret.doc_code), {"purpose": "x" * 501})
    assert response.status_code == 400 and not CopyEntry.objects.exists()


def test_unclassified_documents_have_no_print_button_and_print_goes_to_the_plain_pdf(staff, client_for):
    document = staff.documents["luu_tru"]
    client = client_for("cleared")
    assert (
        url("copies:print", document.doc_code)
        not in client.get(url("web:document", document.doc_code)).content.decode()
    )
    response = client.get(url("copies:print", document.doc_code))
    assert response.status_code == 302 and response["Location"] == url("web:document-pdf", document.doc_code)
    assert not CopyEntry.objects.exists()


def test_the_print_button_and_nav_link_are_translated(staff, client_for):
    client = client_for("officer")
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    assert ">Copy register</a>" in client.get(reverse("web:dashboard")).content.decode()
    cleared = client_for("cleared")
    cleared.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    page = cleared.get(url("web:document", staff.documents["secret"].doc_code)).content.decode()
    assert f'href="{url("copies:print", staff.documents["secret"].doc_code)}">Print</a>' in page
