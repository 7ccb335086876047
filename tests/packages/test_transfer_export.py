"""``kho export package``: layout, root hash, handover tag files, inventory, PREMIS events, access, failures."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from lxml import etree

from kho.agencies.models import Agency
from kho.audit.models import Event
from kho.core.codetables import SecrecyLevel
from kho.core.exceptions import KhoPermissionDeniedError
from kho.packages.exceptions import SelectionNotFoundError
from kho.packages.export import ExportPackageAction
from kho.packages.formats import root_hash, validate_bag
from kho.packages.formats.eark import validate_package
from kho.packages.layout import package_file_name
from kho.packages.models import PackageTransfer
from kho.records.models import DigitalObject
from kho.storage.store import get_store, put_blob
from tests import factories
from tests.access.helpers import user as access_user
from tests.packages.test_transfer_fixtures import ARCHIVE, FONDS, build_source, payload_dir

pytestmark = pytest.mark.django_db
PREMIS = "{http://www.loc.gov/premis/v3}"


def _export(tmp_path: Path, **kwargs: Any) -> Any:
    build_source(tmp_path)
    action = ExportPackageAction(
        FONDS, tmp_path / "bag", receiver=ARCHIVE, schema_dir=settings.KHO_SCHEMA_DIR, **kwargs
    )
    return action.execute()


def test_package_is_a_valid_bag_holding_a_valid_eark_package(tmp_path):
    result = _export(tmp_path)
    bag = tmp_path / "bag"
    report = validate_bag(bag)
    assert report.is_valid, [f.render() for f in report.findings]
    assert set(report.algorithms) == {"sha256"} and (bag / "tagmanifest-sha256.txt").is_file()
    package = payload_dir(bag)
    assert package.name == result.package_id
    eark = validate_package(package, settings.KHO_SCHEMA_DIR)
    assert eark.is_valid and not eark.findings, [f.render() for f in eark.findings]
    assert eark.package_id == result.package_id
    names = {p.name for p in package.rglob("*.pdf")}
    assert names == {f"H49.64.2024.0{r}.VP.{d}.pdf" for r in (1, 2) for d in (1, 2, 3)}
    assert (package / "schemas" / "mets.xsd").is_file()


def test_handover_documents_are_tag_files_outside_the_root_hash(tmp_path):
    result = _export(tmp_path)
    bag = tmp_path / "bag"
    assert result.root_hash == root_hash(bag)
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    tags = (bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    assert "handover/" not in manifest and all(
        line.split("  ")[1].startswith("data/") for line in manifest.splitlines()
    )
    for rel in result.handover_files:
        assert (bag / rel).is_file() and f"  {rel}\n" in tags
    assert any(rel.endswith(".pdf") and "bien-ban-giao-nhan" in rel for rel in result.handover_files)
    before = root_hash(bag)
    (bag / "handover" / "inventory.json").write_text("{}", encoding="utf-8")  # tag files never move the root hash
    assert root_hash(bag) == before


def test_inventory_counts_and_sidecar(tmp_path):
    result = _export(tmp_path)
    bag = tmp_path / "bag"
    inventory = json.loads((bag / "handover" / "inventory.json").read_text(encoding="utf-8"))
    assert inventory["counts"] == {"records": 2, "documents": 6, "files": 6, "bytes": result.bytes}
    assert inventory["root_hash"] == result.root_hash and inventory["package_id"] == result.package_id
    assert [r["documents"] for r in inventory["records"]] == [3, 3]
    sidecar = json.loads((payload_dir(bag) / "documentation" / "kho-transfer.json").read_text(encoding="utf-8"))
    assert sidecar["fonds"]["status"] == "closed" and sidecar["fonds"]["closed_on"] == "2025-07-01"
    assert [link["holder"] for link in sidecar["custody"]] == ["H49.64", "H49.01"]
    assert {a["code"]: a["status"] for a in sidecar["agencies"]}["H49.64"] == "ended"
    doc = sidecar["records"][0]["documents"][0]
    assert doc["number_symbol"] == "01/QĐ-UBND" and doc["objects"][0]["role"] == "original"
    assert [r["secrecy_level"] for r in sidecar["records"]] == [1, 0]


def test_premis_carries_audit_events_and_the_creation_event(tmp_path):
    _export(tmp_path)
    premis = etree.parse(str(payload_dir(tmp_path / "bag") / "metadata" / "preservation" / "PREMIS.xml"))
    types = [e.text for e in premis.iter(f"{PREMIS}eventType")]
    assert types.count("ingestion") == 6
    assert {"custody transfer", "information package creation"} <= set(types)
    assert "access" not in types
    ingestion = next(e for e in premis.iter(f"{PREMIS}event") if e.findtext(f"{PREMIS}eventType") == "ingestion")
    linked = ingestion.findtext(f"{PREMIS}linkingObjectIdentifier/{PREMIS}linkingObjectIdentifierValue")
    assert linked.startswith("representations/rep1/data/H49.64.2024.0")


def test_transfer_and_event_are_recorded(tmp_path):
    result = _export(tmp_path)
    transfer = PackageTransfer.objects.get()
    assert (transfer.direction, transfer.package_id, transfer.root_hash) == (
        "export",
        result.package_id,
        result.root_hash,
    )
    assert (transfer.records, transfer.documents, transfer.files, transfer.receiver_code) == (2, 6, 6, ARCHIVE)
    event = Event.objects.get(event_type="information package creation")
    assert event.object_id == FONDS and event.payload["root_hash"] == result.root_hash


def test_selected_records_only(tmp_path, kho):
    build_source(tmp_path)
    out = tmp_path / "one"
    result = kho("export", "package", "--fonds", FONDS, "--record", "H49.64.2024.02.VP", out, "--json")
    assert result.code == 0, result.err
    body = result.json()
    assert (body["records"], body["documents"], body["files"]) == (1, 3, 3)
    assert not body["receiver"] and "handover/bien-ban-giao-nhan.txt" in body["handover_files"]


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--fonds", "NOPE", "{out}"], 3, "NOPE"),
        (["--fonds", FONDS, "--record", "H49.64.1999.99.XX", "{out}"], 3, "H49.64.1999.99.XX"),
        (["--fonds", FONDS, "--receiver", "X9", "{out}"], 3, "X9"),
        (["--fonds", FONDS, "{full}"], 2, "full"),
    ],
)
def test_bad_selection_is_refused(tmp_path, kho, args, code, needle):
    build_source(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    values = {"out": tmp_path / "out", "full": tmp_path / "full"}
    result = kho("export", "package", *[a.format(**values) for a in args])
    assert result.code == code and needle in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists() and PackageTransfer.objects.count() == 0


def test_missing_object_stops_the_export_and_leaves_nothing(tmp_path, kho):
    build_source(tmp_path)
    blob = DigitalObject.objects.first().blob  # in a classified record: stored encrypted, under enc/
    get_store().path_for_key(blob.storage_key).unlink()
    result = kho("export", "package", "--fonds", FONDS, tmp_path / "out")
    assert result.code == 2 and "sha256:" in result.err
    assert not (tmp_path / "out").exists() and PackageTransfer.objects.count() == 0


def test_user_must_be_allowed_to_export_every_record(tmp_path):
    build_source(tmp_path)
    district = Agency.objects.get(code="H49.64")
    uncleared = access_user(role="archivist", agencies=[district])
    with pytest.raises(KhoPermissionDeniedError):  # record 1 is Mật and the user has no clearance
        ExportPackageAction(FONDS, tmp_path / "out", user=uncleared).execute()
    assert not (tmp_path / "out").exists()
    with pytest.raises(SelectionNotFoundError):  # a reader has no export right: the fonds is not visible
        ExportPackageAction(FONDS, tmp_path / "out", user=access_user(role="reader", agencies=[district])).execute()
    cleared = access_user(role="archivist", agencies=[district], clearance=SecrecyLevel.MAT)
    result = ExportPackageAction(FONDS, tmp_path / "out", user=cleared).execute()
    assert result.records == 2
    assert Event.objects.filter(event_type="information package creation", agent=f"user:{cleared.username}").exists()


def test_content_is_streamed_memory_does_not_grow_with_file_size(tmp_path):
    rec = factories.record(file_code="H49.99.2024.01.VP")
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        for _ in range(48):
            f.write(b"\x00" * (1024 * 1024))
    with big.open("rb") as stream:
        blob, _put = put_blob(stream)
    doc = rec.documents.create(ordinal=1, doc_id="H49.99.2024.01.VP.1", doc_code="H49.99.2024.01.VP.0000001")
    DigitalObject.objects.create(document=doc, blob=blob, role="master", media_type="image/tiff", filename="a.tif")
    tracemalloc.start()
    ExportPackageAction(rec.fonds.code, tmp_path / "out").execute()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a 48 MB file"
    assert validate_bag(tmp_path / "out").is_valid


@pytest.mark.parametrize(
    ("file_code", "doc_id", "role", "filename", "expected"),
    [
        ("H49/64:2024", "H49.64.1", "access", "Quyết định.PDF", "H49_64_2024/H49.64.1.access.pdf"),
        ("H49.64.2024.01.VP", "H49.64.2024.01.VP.2", "original", "scan", "H49.64.2024.01.VP/H49.64.2024.01.VP.2.bin"),
        ("..", "a%b", "master", "x.tif", "_/a_b.tif"),
    ],
)
def test_package_names_are_safe_on_every_platform(file_code, doc_id, role, filename, expected):
    media = "image/tiff" if filename.endswith(".tif") else "application/octet-stream"
    assert package_file_name(file_code, doc_id, role, filename, media) == expected
