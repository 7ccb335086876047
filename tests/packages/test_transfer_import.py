"""``kho import package``: everything verified first, then all or nothing; tampering named and refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from kho.agencies.models import Agency
from kho.audit.log import verify_chain
from kho.audit.models import Event
from kho.handover.models import Custody
from kho.packages import _write
from kho.packages.models import PackageTransfer
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.actions import SweepStorageAction
from kho.storage.store import get_store, open_blob
from tests.packages import test_transfer_fixtures
from tests.packages.test_transfer_fixtures import (
    ARCHIVE,
    DISTRICT,
    FONDS,
    HOME_AFFAIRS,
    fresh_copy,
    payload_dir,
    rebag,
    rewrite_tag_manifest,
    row_counts,
)

pytestmark = pytest.mark.django_db
pristine = test_transfer_fixtures.pristine  # the module-scoped fixture, shared


@pytest.fixture
def bag(pristine: Any, tmp_path: Path) -> Path:
    """A writable copy of the pristine package."""
    return fresh_copy(pristine[0], tmp_path / "bag")


def _import(kho: Any, bag: Path) -> Any:
    return kho("import", "package", bag, "--json", "--received-by", "Trần Thị Bình")


def test_import_creates_everything_and_a_receipt(kho, bag, pristine):
    _source, exported, digests = pristine
    result = _import(kho, bag)
    assert result.code == 0, result.err
    body = result.json()
    assert body["status"] == "imported" and body["root_hash"] == exported.root_hash
    assert (body["records"], body["documents"], body["files"]) == (2, 6, 6)
    fonds = Fonds.objects.get(code=FONDS)
    assert (fonds.status, str(fonds.closed_on), fonds.agency.code) == ("closed", "2025-07-01", DISTRICT)
    assert Agency.objects.get(code=DISTRICT).status == "ended"
    chain = list(Custody.objects.filter(fonds=fonds).order_by("from_date", "id").values_list("holder__code", "to_date"))
    assert [holder for holder, _to in chain] == [DISTRICT, HOME_AFFAIRS, ARCHIVE] and chain[-1][1] is None
    imported = {o.blob.digest: o.document.doc_code for o in DigitalObject.objects.select_related("blob", "document")}
    assert imported == digests
    store = get_store()
    assert all(store.path_for(d).is_file() for d in digests)
    assert Record.objects.get(file_code=f"{DISTRICT}.2024.01.VP").secrecy_level == 1
    doc = Document.objects.get(ordinal=1, record__file_code=f"{DISTRICT}.2024.01.VP")
    assert (doc.number_symbol, doc.signer, doc.type_code) == ("01/QĐ-UBND", "Nguyễn Văn A", "02")
    receipt = json.loads(Path(body["receipt"][0]).read_text(encoding="utf-8"))
    assert receipt["received_by"] == "Trần Thị Bình" and receipt["root_hash"] == exported.root_hash
    assert receipt["counts"]["files"] == 6 and receipt["verification"]["result"] == "valid"
    assert Path(body["receipt"][1]).read_text(encoding="utf-8").count(exported.root_hash) == 1
    transfer = PackageTransfer.objects.get(direction="import")
    assert transfer.receipt_path == body["receipt"][0] and "METS.xml" in "".join(transfer.report["package_files"])
    assert Event.objects.filter(event_type="accession", object_type="document").count() == 6
    assert Event.objects.filter(event_type="transfer", object_id=FONDS).count() == 1
    assert verify_chain().ok


def test_second_import_changes_nothing(kho, bag):
    assert _import(kho, bag).code == 0
    before = row_counts()
    again = kho("import", "package", bag)
    assert again.code == 0 and "already imported" in again.out
    assert row_counts() == before


def _tamper_byte(bag: Path) -> str:
    target = next(payload_dir(bag).rglob("*.pdf"))
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    return target.name


def _tamper_remove(bag: Path) -> str:
    target = next(payload_dir(bag).rglob("*.pdf"))
    target.unlink()
    return target.name


def _tamper_extra(bag: Path) -> str:
    (payload_dir(bag) / "representations" / "rep1" / "data" / "thêm.pdf").write_bytes(b"%PDF-1.4 extra")
    return "thêm.pdf"


def _tamper_dotdot(bag: Path) -> str:
    with (bag / "manifest-sha256.txt").open("a", encoding="utf-8") as f:
        f.write(f"{'0' * 64}  data/../../etc/passwd\n")
    rewrite_tag_manifest(bag)
    return "../../etc/passwd"


def _tamper_symlink(bag: Path) -> str:
    (payload_dir(bag) / "representations" / "rep1" / "data" / "passwd").symlink_to("/etc/passwd")
    return "passwd"


def _tamper_xxe(bag: Path) -> str:
    mets = payload_dir(bag) / "METS.xml"
    text = mets.read_text(encoding="utf-8")
    head, _sep, rest = text.partition("\n")
    doctype = '<!DOCTYPE mets [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    mets.write_text(f"{head}\n{doctype}\n{rest.replace('<mets:metsHdr', '&xxe;<mets:metsHdr', 1)}", encoding="utf-8")
    rebag(bag)  # hide the change from the checksums: only the XML check can catch it
    return "METS.xml"


def _tamper_count(bag: Path) -> str:
    path = bag / "handover" / "inventory.json"
    inventory = json.loads(path.read_text(encoding="utf-8"))
    inventory["counts"]["records"] = 3
    path.write_text(json.dumps(inventory), encoding="utf-8")
    rewrite_tag_manifest(bag)
    return "records"


@pytest.mark.parametrize(
    ("tamper", "code", "words"),
    [
        (_tamper_byte, "payload.checksum_mismatch", "mismatch"),
        (_tamper_remove, "payload.missing", "missing"),
        (_tamper_extra, "payload.not_in_manifest", "not listed"),
        (_tamper_dotdot, "path.out_of_scope", "outside the bag"),
        (_tamper_symlink, "bag.symlink", "symbolic link"),
        (_tamper_xxe, "KHO-XML-UNSAFE", "DOCTYPE"),
        (_tamper_count, "TRANSFER-COUNT", "Wrong count of records"),
    ],
    ids=["byte", "removed", "extra", "dotdot", "symlink", "xxe", "count"],
)
def test_tampered_package_is_rejected_and_nothing_is_imported(kho, bag, tamper, code, words):
    name = tamper(bag)
    before = row_counts()
    result = _import(kho, bag)
    assert result.code == 1, result.out
    findings = [f for f in result.json()["findings"] if f["severity"] == "error"]
    named = [f for f in findings if f["code"] == code]
    assert named and any(words in f["text"] and name in f["text"] for f in named), findings
    assert row_counts() == before  # no row, and not one object written to the store
    assert before["stored objects"] == 0 and before["Fonds"] == 0
    human = kho("import", "package", bag)
    assert human.code == 1 and code in human.err and name in human.err  # without --json: listed on stderr
    assert row_counts() == before


def test_every_problem_is_listed_at_once(kho, bag):
    _tamper_byte(bag)
    _tamper_extra(bag)
    _tamper_symlink(bag)
    result = _import(kho, bag)
    codes = {f["code"] for f in result.json()["findings"]}
    assert {"payload.checksum_mismatch", "payload.not_in_manifest", "bag.symlink", "KHO-SYMLINK"} <= codes


def test_validate_package_reports_the_same_without_importing(kho, bag):
    _tamper_count(bag)
    result = kho("validate", "package", bag, "--json")
    assert result.code == 1 and "TRANSFER-COUNT" in {f["code"] for f in result.json()["findings"]}
    assert row_counts()["Fonds"] == 0


def test_conflict_with_stored_codes_is_exit_4_and_nothing_written(kho, bag):
    other = Agency.objects.create(code="H49.99", name="Cơ quan khác")
    Fonds.objects.create(code=FONDS, name="Phông trùng mã", agency=other)
    before = row_counts()
    result = _import(kho, bag)
    assert result.code == 4
    assert [f["code"] for f in result.json()["findings"] if f["severity"] == "error"] == ["TRANSFER-CONFLICT"]
    assert row_counts() == before


def test_failure_after_blobs_leaves_only_sweepable_orphans(kho, bag, monkeypatch):
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(_write, "ensure_blobs", boom)  # every object stored by then
    before = row_counts()
    result = _import(kho, bag)
    assert result.code == 70
    after = row_counts()
    assert {k: v for k, v in after.items() if k != "stored objects"} == {
        k: v for k, v in before.items() if k != "stored objects"
    }
    assert after["stored objects"] > 0  # written first, referenced by no row
    assert not list((Path(get_store().root).parent / "receipts").glob("*"))
    swept = SweepStorageAction(grace_seconds=0).execute()
    assert len(swept.orphans) == after["stored objects"]
    assert row_counts()["stored objects"] == 0


def test_missing_schema_dir_is_an_environment_error(kho, bag, settings):
    settings.KHO_SCHEMA_DIR = None
    result = kho("import", "package", bag)
    assert result.code == 5 and "KHO_SCHEMA_DIR" in result.err


def test_not_a_folder(kho, tmp_path):
    result = kho("import", "package", tmp_path / "nope")
    assert result.code == 3


SECRET_RECORD = f"{DISTRICT}.2024.01.VP"  # MẬT in the exported world


def test_classified_files_are_sealed_on_import(kho, bag, pristine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _import(kho, bag).code == 0
    objects = DigitalObject.objects.select_related("blob", "document__record")
    secret = [o for o in objects if o.document.record.file_code == SECRET_RECORD]
    plain = [o for o in objects if o.document.record.file_code != SECRET_RECORD]
    assert secret and plain
    assert all(o.blob.encrypted and not get_store().path_for(o.blob.digest).exists() for o in secret)
    assert not any(o.blob.encrypted for o in plain)
    with open_blob(secret[0].blob) as stream:
        assert "sha256:" + hashlib.sha256(stream.read()).hexdigest() == secret[0].blob.digest


def test_classified_package_without_master_key_is_refused_before_anything_is_stored(kho, bag, settings):
    settings.KHO_MASTER_KEY = settings.KHO_MASTER_KEY_FILE = None
    before = row_counts()
    result = _import(kho, bag)
    assert result.code == 5 and "KHO_MASTER_KEY" in result.err
    assert row_counts() == before  # stored objects included: no plaintext reached the store
