"""Import checks the signatures and PDF/A status of a package's PDFs (issue #6): broken ones are refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from kho.packages.export import ExportPackageAction
from kho.records.models import DigitalObject, Record
from kho.storage.store import _store_for
from tests import factories
from tests.packages.test_transfer_fixtures import ARCHIVE, FONDS, build_source, fresh_copy, row_counts
from tests.signing.copies import ORGANISATION, change_signed_byte, signed_copy

pytestmark = pytest.mark.django_db


def _export(root: Path, copies: list[Path]) -> Path:
    """A package whose second record holds ``copies`` as access copies (one document each)."""
    bag = root / "package"
    real = factories.write_pdfs

    def write_pdfs(folder: Path, count: int, size: int = 2000, prefix: str = "doc") -> list[Path]:
        return copies if prefix.endswith("-2") else real(folder, count, size, prefix)

    with override_settings(DATA_DIR=root, OBJECT_STORE_DIR=root / "objects"), pytest.MonkeyPatch.context() as patch:
        patch.setattr(factories, "write_pdfs", write_pdfs)  # the sender's second record holds the copies
        _store_for.cache_clear()
        with transaction.atomic():
            build_source(root, records=2, docs=1)
            assert Record.objects.get(file_code__endswith=".02.VP").secrecy_level == 0
            DigitalObject.objects.filter(filename__in=[p.name for p in copies]).update(role="access")
            ExportPackageAction(FONDS, bag, receiver=ARCHIVE, schema_dir=settings.KHO_SCHEMA_DIR).execute()
            transaction.set_rollback(True)
        _store_for.cache_clear()
    return bag


@pytest.fixture(scope="module")
def packages(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``{"good": bag, "broken": bag}`` and the signer's root certificate."""
    work = tmp_path_factory.mktemp("copies")
    signed, ca = signed_copy(work, "ban-ky-so.pdf")
    broken = change_signed_byte(signed, work / "ban-ky-so-bi-sua.pdf")
    not_pdfa = work / "khong-dat-pdfa.pdf"
    with pikepdf.open(signed) as pdf:  # still claims PDF/A-2b, but carries JavaScript
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary())
        pdf.save(not_pdfa)
    with django_db_blocker.unblock():
        good_bag = _export(tmp_path_factory.mktemp("good"), [signed])
        broken_bag = _export(tmp_path_factory.mktemp("broken"), [broken, not_pdfa])
    yield {"good": good_bag, "broken": broken_bag}, ca


def _import(kho: Any, bag: Path) -> Any:
    return kho("import", "package", bag, "--json", "--received-by", "Trần Thị Bình")


def _trust(data_dir: Path, ca: Path) -> None:
    (data_dir / "keys" / "trusted").mkdir(parents=True)
    (data_dir / "keys" / "trusted" / "test-ca.pem").write_bytes(ca.read_bytes())


def test_signed_copy_from_a_trusted_sender_is_imported_without_findings(kho, packages, data_dir, tmp_path):
    bags, ca = packages
    _trust(data_dir, ca)
    result = _import(kho, fresh_copy(bags["good"], tmp_path / "bag"))
    assert result.code == 0, result.err
    assert not [w for w in result.json()["warnings"] if "TRANSFER-SIGNATURE" in w or "TRANSFER-PDFA" in w]
    assert DigitalObject.objects.filter(role="access", filename="ban-ky-so.pdf").exists()


def test_untrusted_but_intact_signature_is_a_warning(kho, packages, tmp_path):
    bags, _ca = packages
    result = _import(kho, fresh_copy(bags["good"], tmp_path / "bag"))
    assert result.code == 0, result.err
    [warning] = [w for w in result.json()["warnings"] if "TRANSFER-SIGNATURE" in w]
    assert "(ban-ky-so.pdf)" in warning and ORGANISATION in warning and "not trusted" in warning


def test_broken_signature_and_false_pdfa_claim_are_refused_and_nothing_is_imported(kho, packages, data_dir, tmp_path):
    bags, ca = packages
    _trust(data_dir, ca)
    bag = fresh_copy(bags["broken"], tmp_path / "bag")
    before = row_counts()
    result = _import(kho, bag)
    assert result.code == 1, result.out
    errors = [f for f in result.json()["findings"] if f["severity"] == "error"]
    assert {f["code"] for f in errors} == {"TRANSFER-SIGNATURE", "TRANSFER-PDFA"}, errors  # checksums all agree
    signature = next(f["text"] for f in errors if f["code"] == "TRANSFER-SIGNATURE")
    assert "ban-ky-so-bi-sua.pdf" in signature and "changed after signing" in signature
    pdfa = [f["text"] for f in errors if f["code"] == "TRANSFER-PDFA"]
    assert any("khong-dat-pdfa.pdf" in t and "PDF/A-2b" in t and "JavaScript" in t for t in pdfa), pdfa
    assert row_counts() == before and before["Fonds"] == 0 and before["stored objects"] == 0


def test_validate_package_reports_the_same_signature_findings(kho, packages, data_dir, tmp_path):
    bags, ca = packages
    _trust(data_dir, ca)
    result = kho("validate", "package", fresh_copy(bags["broken"], tmp_path / "bag"), "--json")
    assert result.code == 1, result.out
    codes = {f["code"] for f in result.json()["findings"] if f["severity"] == "error"}
    assert codes == {"TRANSFER-SIGNATURE", "TRANSFER-PDFA"}
