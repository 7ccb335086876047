"""Organisation signature (standards.md §1): PAdES on the PDF/A copy, still PDF/A-2b, verified, tamper-evident."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pikepdf
import pytest

from kho.ingest.stages import check_pdfa
from kho.signing.pades import sign_pdf, verify_pdf
from kho.signing.testca import issue_signer, make_test_ca
from tests import factories
from tests.ingest.conftest import needs_tesseract


@pytest.fixture(scope="session")
def pdfa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real two-layer PDF/A-2b made by the OCR engine from a rendered page."""
    if not shutil.which("tesseract"):
        pytest.skip("tesseract-ocr-vie is not installed (make test installs it)")
    from kho.ingest.engines.ocrmypdf_engine import OcrmypdfEngine
    from kho.samples import random_spec, render_pages

    folder = tmp_path_factory.mktemp("pdfa")
    page = folder / "page.png"
    render_pages(random_spec(random.Random(1)), dpi=200, rng=random.Random(1))[0].save(page, dpi=(200, 200))
    import img2pdf

    (folder / "in.pdf").write_bytes(img2pdf.convert([str(page)]))
    OcrmypdfEngine().ocr_pdf(
        folder / "in.pdf", folder / "out.pdf", language="vie", deskew=False, rotate_pages=False, timeout=300
    )
    return folder / "out.pdf"


@needs_tesseract
def test_signed_copy_validates_and_stays_pdfa(pdfa, tmp_path):
    identity = issue_signer(tmp_path / "keys", "Ủy ban nhân dân xã Thống Nhất", "h49")
    signed = tmp_path / "signed.pdf"
    sign_pdf(pdfa, signed, identity)
    [status] = verify_pdf(signed, [tmp_path / "keys" / "test-ca.pem"])
    assert status.ok and "Thống Nhất" in status.signer
    assert [f for f in check_pdfa(signed) if f.severity == "error"] == []
    with pikepdf.open(signed) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        assert str(pdf.docinfo["/Producer"]) == pdf.open_metadata()["pdf:Producer"]
        assert len(pdf.pages) == len(pikepdf.open(pdfa).pages)


@needs_tesseract
def test_changed_byte_breaks_the_signature(pdfa, tmp_path):
    identity = issue_signer(tmp_path / "keys", "Sở Nội vụ", "snv")
    signed = tmp_path / "signed.pdf"
    sign_pdf(pdfa, signed, identity)
    data = bytearray(signed.read_bytes())
    data[len(data) // 3] ^= 0x20
    signed.write_bytes(bytes(data))
    statuses = verify_pdf(signed, [tmp_path / "keys" / "test-ca.pem"])
    assert statuses == [] or not statuses[0].ok


@needs_tesseract
def test_untrusted_root_is_not_trusted(pdfa, tmp_path):
    identity = issue_signer(tmp_path / "a", "Cơ quan A", "a")
    _, other_root = make_test_ca(tmp_path / "b")
    signed = tmp_path / "signed.pdf"
    sign_pdf(pdfa, signed, identity)
    [status] = verify_pdf(signed, [other_root])
    assert status.intact and status.valid and not status.trusted and not status.ok


@needs_tesseract
@pytest.mark.django_db
def test_cli_verify(pdfa, tmp_path, kho):
    agency = factories.agency(code="H49.70", name="Ủy ban nhân dân xã Lê Lợi")
    assert kho("signing", "test-ca", "--agency", "H49.70").code == 0
    from kho.signing.models import AgencySigner

    signed = tmp_path / "signed.pdf"
    sign_pdf(pdfa, signed, AgencySigner.objects.get(agency=agency).identity())
    ok = kho("signing", "verify", signed, "--json")
    assert ok.code == 0 and ok.json()["signatures"][0]["ok"] is True
    unsigned = kho("signing", "verify", pdfa)
    assert unsigned.code == 1
    assert kho("signing", "test-ca", "--agency", "KHONG.CO").code == 3
    assert kho("signing", "verify", tmp_path / "none.pdf").code == 3


@needs_tesseract
@pytest.mark.django_db
def test_digitized_copy_is_signed_for_the_agency(tmp_path, kho, recorded_ocr):
    from kho.audit.models import Event
    from kho.records.models import Document
    from kho.samples import random_spec, render_pages
    from kho.signing.service import verify_copy
    from kho.storage.store import get_store

    record = factories.record(in_fonds=factories.fonds(owner=factories.agency(code="H49.71", name="UBND xã Sơn Dương")))
    assert kho("signing", "test-ca", "--agency", "H49.71").code == 0
    folder = tmp_path / "doc"
    folder.mkdir()
    render_pages(random_spec(random.Random(3)), dpi=200, rng=random.Random(3))[0].save(
        folder / "p1.png", dpi=(200, 200)
    )
    assert kho("digitize", folder, "--record", record.file_code).code == 0
    document = Document.objects.get()
    access = document.digital_objects.get(role="access")
    [status] = verify_copy(get_store().path_for(access.blob.digest))
    assert status.ok
    assert Event.objects.filter(object_id=document.doc_code, event_type="digital signature generation").exists()
