"""The document page, the inline PDF and page images (rendered with pypdfium2, cached by digest and page)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from kho.audit.models import Event
from kho.web import thumbs
from tests.web.conftest import add_pdf, make_document

pytestmark = pytest.mark.django_db


def url(name, code, **kwargs):
    return reverse(name, kwargs={"code": code, **kwargs})


def test_document_page_shows_metadata_files_and_history(world, client_for):
    document = world.documents["luu_tru"]
    html = client_for("archivist").get(url("web:document", document.doc_code)).content.decode()
    for text in ("15/QĐ-UBND", "Về công tác lưu trữ hồ sơ", "Mã định danh tài liệu", "Bút tích", "Quy trình xử lý"):
        assert text in html
    access = document.digital_objects.get(role="access")
    assert access.blob.digest in html and "Bản PDF/A khai thác" in html
    assert "Tiếp nhận bản quét" in html  # the CAPTURE event, labelled
    assert url("web:page-image", document.doc_code, page=1) in html
    assert url("web:verify", document.doc_code) in html
    reader = client_for("reader").get(url("web:document", document.doc_code)).content.decode()
    assert url("web:verify", document.doc_code) not in reader  # readers do not verify


def test_pdf_is_served_inline_and_the_access_is_logged(world, client_for):
    document = world.documents["luu_tru"]
    response = client_for("reader").get(url("web:document-pdf", document.doc_code))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline") and document.doc_code in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = Event.objects.get(event_type="access")
    assert event.agent == "user:reader" and event.payload["action"] == "download" and event.payload["allowed"]


def test_page_images_are_rendered_once_and_cached_by_digest_and_page(world, client_for, data_dir, monkeypatch):
    document = world.documents["luu_tru"]
    client = client_for("reader")
    response = client.get(url("web:page-image", document.doc_code, page=1))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.width == thumbs.WIDTHS[0] and image.height > image.width
    digest = document.digital_objects.get(role="access").blob.digest
    cached = thumbs.cache_path(digest, 1, thumbs.WIDTHS[0])
    assert cached.is_file() and cached.is_relative_to(data_dir / "cache" / "thumbs") and digest[7:] in cached.name

    def no_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(thumbs, "_render", no_render)
    assert client.get(url("web:page-image", document.doc_code, page=1)).content == response.content


def test_page_image_limits(world, client_for):
    code = world.documents["luu_tru"].doc_code
    client = client_for("reader")
    assert client.get(url("web:page-image", code, page=2)).status_code == 404
    assert client.get(url("web:page-image", code, page=1), {"w": "5000"}).status_code == 404
    assert client.get(url("web:page-image", code, page=1), {"w": "x"}).status_code == 200


def test_classified_pages_are_never_cached_on_disk(world, client_for, data_dir):
    secret = world.documents["secret"]
    response = client_for("archivist").get(url("web:page-image", secret.doc_code, page=1))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert not (data_dir / "cache").exists() or not any((data_dir / "cache").rglob("*.jpg"))


def test_born_digital_pdf_original_is_shown_when_there_is_no_access_copy(world, client_for):
    document = make_document(world.records["r2"], 1, number_symbol="01/BC")
    add_pdf(document, "born digital", role="original")
    client = client_for("reader")
    assert client.get(url("web:document-pdf", document.doc_code)).status_code == 200
    assert client.get(url("web:page-image", document.doc_code, page=1)).status_code == 200


def test_document_without_files_has_no_pdf(world, client_for):
    document = make_document(world.records["r2"], 2, number_symbol="02/BC")
    client = client_for("reader")
    assert client.get(url("web:document", document.doc_code)).status_code == 200
    assert client.get(url("web:document-pdf", document.doc_code)).status_code == 404
