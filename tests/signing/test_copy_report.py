"""The copy report (signatures + PDF/A status) of a stored PDF, its cache, and the document page block."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from django.core.cache import cache
from django.urls import reverse

from kho.signing import report as copy_reports
from kho.signing.report import CopyReport, copy_report, inspect_pdf, load_roots
from kho.signing.testca import make_test_ca
from kho.storage.store import get_store, put_blob
from tests import factories
from tests.signing.copies import ORGANISATION, append_update, change_signed_byte, signed_copy
from tests.web import conftest as web

world, client_for = web.world, web.client_for  # the web fixtures, for the page tests


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a signed PDF/A-2b copy, the root certificate of the CA that issued its signer)."""
    return signed_copy(tmp_path_factory.mktemp("signed"))


def roots(*paths: Path) -> list:
    return load_roots(list(paths))[1]


def test_signed_copy_is_valid_trusted_and_pdfa(signed):
    pdf, ca = signed
    report = inspect_pdf(pdf, roots(ca))
    assert report.signature_state == "valid" and report.error == ""
    [signature] = report.signatures
    assert signature.organisation == ORGANISATION and signature.problem == ""
    assert signature.intact and signature.trusted and signature.covers_whole_document
    assert signature.signed_at is not None and signature.signed_at.endswith("+07:00")
    assert report.pdfa.claimed == "2B" and report.pdfa.conforming and report.pdfa.label == "PDF/A-2b"


def test_unknown_ca_is_intact_but_untrusted(signed, tmp_path):
    pdf, _ = signed
    _, other = make_test_ca(tmp_path / "other")
    report = inspect_pdf(pdf, roots(other))
    assert report.signature_state == "untrusted"
    assert report.signatures[0].intact and report.signatures[0].problem == "untrusted"
    assert inspect_pdf(pdf, []).signature_state == "untrusted"


def test_changed_byte_inside_the_signed_range_is_not_intact(signed, tmp_path):
    pdf, ca = signed
    report = inspect_pdf(change_signed_byte(pdf, tmp_path / "changed.pdf"), roots(ca))
    assert report.signature_state == "invalid"
    assert not report.signatures[0].intact and report.signatures[0].problem == "modified"
    assert "changed after signing" in report.signatures[0].reason


def test_update_appended_after_signing_does_not_cover_the_whole_file(signed, tmp_path):
    pdf, ca = signed
    report = inspect_pdf(append_update(pdf, tmp_path / "appended.pdf"), roots(ca))
    [signature] = report.signatures
    assert signature.intact and not signature.covers_whole_document and signature.problem == "partial"
    assert report.signature_state == "invalid"


def test_unsigned_pdf_that_is_not_pdfa(tmp_path):
    pdf = tmp_path / "plain.pdf"
    pdf.write_bytes(factories.pdf_bytes("plain"))
    report = inspect_pdf(pdf, [])
    assert report.signature_state == "none" and report.signatures == ()
    assert report.pdfa.claimed is None and not report.pdfa.conforming and report.pdfa.label == "PDF/A"


def test_pdfa_claim_that_does_not_conform(signed, tmp_path):
    pdf, ca = signed
    broken = tmp_path / "javascript.pdf"
    with pikepdf.open(pdf) as doc:  # resaved: the signature no longer covers the file either
        doc.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary())
        doc.save(broken)
    report = inspect_pdf(broken, roots(ca))
    assert report.pdfa.claimed == "2B" and not report.pdfa.conforming
    assert any("JavaScript" in problem for problem in report.pdfa.problems)


@pytest.mark.parametrize("content", [b"", b"not a pdf at all", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<"])
def test_unreadable_file_is_a_state_not_an_exception(tmp_path, content):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    report = inspect_pdf(path, [])
    assert report.error == "unreadable" and report.signature_state == "unreadable"


def test_encrypted_file_is_a_state(tmp_path):
    path = tmp_path / "locked.pdf"
    with pikepdf.open(io.BytesIO(factories.pdf_bytes("locked"))) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="u"))
    assert inspect_pdf(path, []).error == "encrypted"


@pytest.mark.django_db
def test_report_is_cached_by_digest_and_trusted_roots(signed, data_dir, monkeypatch):
    pdf, ca = signed
    blob, _ = put_blob(io.BytesIO(pdf.read_bytes()))
    assert copy_report(blob).signature_state == "untrusted"  # nothing trusted yet
    calls = []
    real = copy_reports.inspect_pdf
    monkeypatch.setattr(copy_reports, "inspect_pdf", lambda *a: calls.append(a) or real(*a))
    assert copy_report(blob).signature_state == "untrusted" and calls == []  # from the cache
    trusted = data_dir / "keys" / "trusted"
    trusted.mkdir(parents=True)
    (trusted / "test-ca.pem").write_bytes(ca.read_bytes())
    assert copy_report(blob).signature_state == "valid" and len(calls) == 1  # new roots, new key


@pytest.mark.django_db
def test_missing_object_is_unreadable_and_not_cached(data_dir, monkeypatch):
    blob, _ = put_blob(io.BytesIO(factories.pdf_bytes("gone")))
    get_store().path_for(blob.digest).unlink()
    stored = []
    monkeypatch.setattr(copy_reports.cache, "set", lambda *a, **k: stored.append(a))
    assert copy_report(blob) == CopyReport(error="unreadable") and stored == []


def _page(client, document) -> str:
    response = client.get(reverse("web:document", kwargs={"code": document.doc_code}))
    assert response.status_code == 200
    return response.content.decode()


def _use_as_access_copy(document, data: bytes) -> None:
    blob, _ = put_blob(io.BytesIO(data))
    document.digital_objects.filter(role="access").update(blob=blob)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("trust", "alter", "state", "words"),
    [
        (True, None, "valid", "hợp lệ"),
        (False, None, "untrusted", "không tin cậy"),
        (True, change_signed_byte, "invalid", "nội dung đã bị sửa sau khi ký"),
        (True, append_update, "invalid", "có nội dung thêm vào sau khi ký"),
    ],
)
def test_document_page_shows_the_signature_state(world, client_for, signed, data_dir, tmp_path, trust, alter, state,
                                                 words):  # fmt: skip
    pdf, ca = signed
    if alter is not None:
        pdf = alter(pdf, tmp_path / "altered.pdf")
    if trust:
        (data_dir / "keys" / "trusted").mkdir(parents=True)
        (data_dir / "keys" / "trusted" / "ca.pem").write_bytes(ca.read_bytes())
    document = world.documents["luu_tru"]
    _use_as_access_copy(document, pdf.read_bytes())
    html = _page(client_for("reader"), document)
    assert "Chữ ký số của cơ quan" in html and f'data-state="{state}"' in html and words in html
    assert ORGANISATION in html and "PDF/A-2b" in html and 'data-state="pass"' in html


@pytest.mark.django_db
def test_document_page_without_signature_or_pdfa(world, client_for):
    document = world.documents["luu_tru"]  # its access copy is a plain one-page PDF
    html = _page(client_for("reader"), document)
    assert 'data-state="none"' in html and "không có" in html and 'data-state="fail"' in html
    assert "không đạt" in html


@pytest.mark.django_db
def test_english_page(world, client_for, signed, data_dir):
    document = world.documents["luu_tru"]
    _use_as_access_copy(document, signed[0].read_bytes())
    client = client_for("reader")
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    html = _page(client, document)
    assert "Organisation's digital signature" in html and "not trusted" in html


def test_real_scan_with_an_unparsable_signature_is_invalid_not_an_error():
    scan = Path("/work/shared/testdata/vn-admin-scans/3.pdf")  # encrypted (owner password), signature not CMS
    if not scan.is_file():
        pytest.skip(f"test data missing: {scan}")
    report = inspect_pdf(scan, [])
    assert report.error == "" and report.signature_state == "invalid"
    assert [s.problem for s in report.signatures] == ["unreadable"]
