"""write_package: layout, XSD validity, TT05 fields in EAD, PREMIS, determinism, streaming, refusals."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from kho.packages.formats import spill
from kho.packages.formats._earkxml import CSIP_NS, EAD_NS, METS_NS, PREMIS_NS, XLINK_NS, unhref
from kho.packages.formats.eark import (
    DocumentSpec,
    EventSpec,
    FileSpec,
    PackageWriteError,
    validate_package,
    write_package,
)
from kho.packages.formats.earkspec import DOCUMENT_FIELDS, RECORD_FIELDS
from kho.packages.formats.exceptions import DuplicatePathError
from kho.packages.formats.schemas import SchemaName, load_schema, schema_errors
from kho.packages.formats.xmlsafe import parse_untrusted
from tests.packages._eark_data import (
    DOC1_PATH,
    DOC2_PATH,
    FILE_CODE,
    HANDOVER,
    PACKAGE_ID,
    PDF1,
    PDF2,
    SCHEMAS,
    T0,
    sample_spec,
)

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
NS = {"m": METS_NS, "xlink": XLINK_NS, "p": PREMIS_NS, "e": EAD_NS, "c": CSIP_NS}
REP = "representations/rep1"


@pytest.fixture(params=["nfc", "nfd"])
def written(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A package written from the sample spec (NFC and NFD input)."""
    root = tmp_path / "out" / PACKAGE_ID
    write_package(root, sample_spec(tmp_path / "src", nfd=request.param == "nfd"))
    return root


def test_round_trip_has_no_findings(written: Path) -> None:
    report = validate_package(written, SCHEMAS)
    assert [f.render() for f in report.findings] == []
    assert report.package_id == PACKAGE_ID
    assert report.package_type == "AIP"
    assert report.representations == ("rep1",)
    assert report.files_checked == 10  # every file but the root METS.xml


def test_layout_and_nfc_names(written: Path) -> None:
    files = sorted(p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file())
    assert files == sorted(
        [
            "METS.xml",
            f"documentation/{HANDOVER}",
            "metadata/descriptive/EAD.xml",
            "metadata/preservation/PREMIS.xml",
            f"{REP}/METS.xml",
            f"{REP}/data/{DOC1_PATH}",
            f"{REP}/data/{DOC2_PATH}",
            "schemas/ead2002.xsd",
            "schemas/mets.xsd",
            "schemas/premis-v3-0.xsd",
            "schemas/xlink.xsd",
        ]
    )
    assert (written / REP / "data" / DOC2_PATH).read_bytes() == PDF2


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("METS.xml", SchemaName.METS_PREMIS),
        (f"{REP}/METS.xml", SchemaName.METS_PREMIS),
        ("metadata/preservation/PREMIS.xml", SchemaName.PREMIS),
        ("metadata/descriptive/EAD.xml", SchemaName.EAD),
    ],
)
def test_xml_is_schema_valid(written: Path, path: str, schema: SchemaName) -> None:
    assert schema_errors(load_schema(SCHEMAS, schema), parse_untrusted(written / path)) == []


def test_root_mets(written: Path) -> None:
    mets = parse_untrusted(written / "METS.xml").getroot()
    assert mets.get("OBJID") == PACKAGE_ID
    assert mets.get("TYPE") == "Mixed"
    assert mets.get(f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE") == "MIXED"
    assert mets.get("PROFILE") == "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
    header = mets.find("m:metsHdr", NS)
    assert header is not None
    assert header.get("RECORDSTATUS") == "NEW"
    assert header.get(f"{{{CSIP_NS}}}OAISPACKAGETYPE") == "AIP"
    assert header.get("CREATEDATE") == "2025-07-01T09:30:00+07:00"
    roles = [
        (a.get("ROLE"), a.get("TYPE"), a.findtext("m:name", namespaces=NS)) for a in header.iter(f"{{{METS_NS}}}agent")
    ]
    assert roles == [
        ("CREATOR", "OTHER", "Kho"),
        ("CREATOR", "ORGANIZATION", "UBND phường Hồng Gai"),
        ("PRESERVATION", "ORGANIZATION", "Lưu trữ lịch sử tỉnh Quảng Ninh"),
    ]
    assert mets.xpath("m:dmdSec/m:mdRef/@xlink:href", namespaces=NS) == ["metadata/descriptive/EAD.xml"]
    assert mets.xpath("m:amdSec/m:digiprovMD/m:mdRef/@xlink:href", namespaces=NS) == [
        "metadata/preservation/PREMIS.xml"
    ]
    labels = mets.xpath("m:structMap[@LABEL='CSIP']/m:div/m:div/@LABEL", namespaces=NS)
    assert labels == ["Metadata", "Documentation", "Schemas", "Representations/rep1"]


def test_checksums_are_upper_case_sha256_of_the_files(written: Path) -> None:
    for mets_path, base in (("METS.xml", written), (f"{REP}/METS.xml", written / REP)):
        mets = parse_untrusted(written / mets_path).getroot()
        for node in mets.iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
            location = node if node.tag.endswith("mdRef") else node.find("m:FLocat", NS)
            assert location is not None
            target = base / unhref(location.get(f"{{{XLINK_NS}}}href", ""))
            data = target.read_bytes()
            assert node.get("CHECKSUMTYPE") == "SHA-256"
            assert node.get("CHECKSUM") == hashlib.sha256(data).hexdigest().upper()
            assert node.get("SIZE") == str(len(data))
            assert node.get("CREATED") and node.get("MIMETYPE")


def test_premis_objects_events_agents(written: Path) -> None:
    premis = parse_untrusted(written / "metadata/preservation/PREMIS.xml").getroot()
    objects = premis.xpath("p:object/p:objectIdentifier/p:objectIdentifierValue/text()", namespaces=NS)
    assert objects == sorted([f"{REP}/data/{DOC1_PATH}", f"{REP}/data/{DOC2_PATH}", f"documentation/{HANDOVER}"])
    digest = premis.xpath(
        "p:object[p:objectIdentifier/p:objectIdentifierValue=$v]//p:messageDigest/text()",
        namespaces=NS, v=f"{REP}/data/{DOC2_PATH}",
    )  # fmt: skip
    assert digest == [hashlib.sha256(PDF2).hexdigest().upper()]
    assert premis.xpath("p:event/p:eventType/text()", namespaces=NS) == ["transfer", "message digest calculation"]
    transfer = premis.xpath("p:event[p:eventType='transfer']", namespaces=NS)[0]
    assert transfer.xpath("p:linkingAgentIdentifier/p:linkingAgentRole/text()", namespaces=NS) == [
        "executing program",
        "implementer",
    ]
    assert len(transfer.xpath("p:linkingObjectIdentifier", namespaces=NS)) == 2
    assert transfer.findtext("p:eventOutcomeInformation/p:eventOutcome", namespaces=NS) == "success"
    assert premis.xpath("p:agent/p:agentType/text()", namespaces=NS) == ["organization", "software"]
    assert premis.xpath("count(p:object/p:linkingEventIdentifier)", namespaces=NS) == 3


def _fields(component: etree._Element) -> list[str]:
    """TT05 names on a component, not descending into nested components."""
    own = component.xpath("*[not(self::e:c)]//@encodinganalog | *[not(self::e:c)]/@encodinganalog", namespaces=NS)
    return sorted(str(a) for a in own)


def test_ead_has_every_tt05_field_once(written: Path) -> None:
    ead = parse_untrusted(written / "metadata/descriptive/EAD.xml").getroot()
    (record,) = ead.xpath("//e:c[@level='file']", namespaces=NS)
    assert _fields(record) == sorted(name for _attr, name in RECORD_FIELDS)
    documents = record.xpath("e:c[@level='item']", namespaces=NS)
    assert len(documents) == 2
    for document in documents:
        assert _fields(document) == sorted([*(name for _attr, name in DOCUMENT_FIELDS), "docOrdinal"])

    def field(c: etree._Element, name: str) -> str:
        (node,) = c.xpath(f"*[not(self::e:c)]/descendant-or-self::*[@encodinganalog='{name}']", namespaces=NS)
        return "".join(node.itertext()).strip()

    assert field(record, "fileCode") == FILE_CODE
    assert field(record, "title") == "Hồ sơ về công tác cải cách hành chính năm 2001"
    assert field(record, "startDate") == "05/01/2001"
    assert field(record, "riskRecovery") == "1"
    assert field(record, "paperFileCode") == "H49.01.02.160"
    assert field(documents[0], "issuedDate") == "05/03/2001"
    assert field(documents[0], "typeName") == "02"
    assert field(documents[0], "process") == "1"
    assert field(documents[1], "issuedDate") == "03/2001"
    assert field(documents[0], "maintenance") == "01"  # defaults to the record's
    assert field(documents[1], "maintenance") == "02"
    hrefs = documents[1].xpath("e:did/e:dao/@xlink:href", namespaces=NS)
    assert [unhref(h) for h in hrefs] == [f"../../{REP}/data/{DOC2_PATH}"]


def test_manifest(tmp_path: Path) -> None:
    root = tmp_path / PACKAGE_ID
    manifest = write_package(root, sample_spec(tmp_path / "src"))
    paths = [entry.path for entry in manifest.entries]
    assert paths == sorted(paths)
    for entry in manifest.entries:
        data = (root / entry.path).read_bytes()
        assert entry.digest == "sha256:" + hashlib.sha256(data).hexdigest()
        assert entry.size == len(data)
    assert manifest.get(f"{REP}/data/{DOC1_PATH}") is not None
    assert manifest.total_bytes == sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def test_two_exports_are_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / PACKAGE_ID, tmp_path / "b" / PACKAGE_ID
    write_package(a, sample_spec(tmp_path / "src-a"))
    write_package(b, sample_spec(tmp_path / "src-b", nfd=True))
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a == files_b


def test_a_file_list_kept_on_disk_writes_the_same_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a few thousand files the writer keeps its file list on disk (issue #5): the same bytes and manifest.

    A second representation whose name sorts before ``rep1`` by path but after it by name checks that the
    representations are still listed by name.
    """
    opened = []
    monkeypatch.setattr(spill, "private_database", lambda real=spill.private_database: opened.append(1) or real())
    trees, manifests = [], []
    for limit in (0, 1_000_000):
        monkeypatch.setattr(spill, "DEFAULT_LIMIT", limit)
        src = tmp_path / f"src-{limit}"
        spec = sample_spec(src)
        extra = FileSpec("ban-sao.pdf", src / "doc1.pdf", "application/pdf", T0, representation="rep1-a")
        spec = replace(spec, records=(replace(spec.records[0], files=(extra,)),))
        root = tmp_path / str(limit) / PACKAGE_ID
        manifests.append(list(write_package(root, spec).entries))
        trees.append({p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()})
        assert bool(opened) is (limit == 0)
        opened.clear()
    assert trees[0] == trees[1] and manifests[0] == manifests[1]
    assert [e.path for e in manifests[0]] == sorted(str(path) for path in trees[0])
    mets = etree.fromstring(trees[0][Path("METS.xml")])  # written by this test
    labels = mets.xpath("//m:structMap/m:div/m:div/@LABEL", namespaces=NS)
    assert labels.index("Representations/rep1") < labels.index("Representations/rep1-a")


def test_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.truncate(48 * 1024 * 1024)
    spec = sample_spec(tmp_path / "src", with_schemas=False)
    record = spec.records[0]
    extra = FileSpec(f"{FILE_CODE}/big.pdf", big, "application/pdf", T0)
    spec = replace(spec, records=(replace(record, files=(extra,)),))
    tracemalloc.start()
    try:
        write_package(tmp_path / PACKAGE_ID, spec)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024
    assert (tmp_path / PACKAGE_ID / REP / "data" / FILE_CODE / "big.pdf").stat().st_size == 48 * 1024 * 1024


def _with_file(tmp_path: Path, **changes: object) -> object:
    spec = sample_spec(tmp_path / "src")
    record = spec.records[0]
    doc = record.documents[0]
    new_file = replace(doc.files[0], **changes)
    return replace(spec, records=(replace(record, documents=(replace(doc, files=(new_file,)), record.documents[1])),))


@pytest.mark.parametrize(
    "changes",
    [
        {"sha256": "sha256:" + "0" * 64},
        {"sha256": hashlib.sha256(b"other").hexdigest().upper()},
        {"size": len(PDF1) + 1},
    ],
    ids=["wrong-digest", "wrong-bare-digest", "wrong-size"],
)
def test_expected_digest_and_size_are_verified(tmp_path: Path, changes: dict[str, object]) -> None:
    root = tmp_path / "out"
    with pytest.raises(PackageWriteError):
        write_package(root, _with_file(tmp_path, **changes))  # type: ignore[arg-type]
    assert not root.exists()


def test_correct_expected_digest_is_accepted(tmp_path: Path) -> None:
    spec = _with_file(tmp_path, sha256="sha256:" + hashlib.sha256(PDF1).hexdigest(), size=len(PDF1))
    write_package(tmp_path / PACKAGE_ID, spec)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [
        {"package_path": "../escape.pdf"},
        {"package_path": "/etc/passwd"},
        {"package_path": "a\\b.pdf"},
        {"package_path": "a//b.pdf"},
        {"package_path": "tab\there.pdf"},
        {"package_path": ""},
        {"representation": "rep/1"},
        {"representation": ".."},
        {"created": datetime(2025, 7, 1, 9, 30)},  # noqa: DTZ001 - the naive timestamp is the point
        {"sha256": "not-a-digest"},
    ],
)
def test_bad_file_specs_are_refused(tmp_path: Path, changes: dict[str, object]) -> None:
    root = tmp_path / "out"
    with pytest.raises(PackageWriteError):
        write_package(root, _with_file(tmp_path, **changes))  # type: ignore[arg-type]
    assert not root.exists()


def test_nfc_collision_is_refused(tmp_path: Path) -> None:
    spec = sample_spec(tmp_path / "src")
    record = spec.records[0]
    twin = FileSpec(DOC2_PATH.replace("ế", "e\u0302\u0301"), io.BytesIO(b"x"), "application/pdf", T0)
    doc3 = DocumentSpec(f"{FILE_CODE}.3", f"{FILE_CODE}.0000003", 3, "Bản trùng", files=(twin,))
    spec = replace(spec, records=(replace(record, documents=(*record.documents, doc3)),))
    with pytest.raises(DuplicatePathError):
        write_package(tmp_path / "out", spec)


def test_unknown_event_object_is_refused_and_root_removed(tmp_path: Path) -> None:
    spec = sample_spec(tmp_path / "src")
    event = EventSpec("e-3", "ingestion", T0, objects=("representations/rep1/data/missing.pdf",))
    root = tmp_path / "out"
    with pytest.raises(PackageWriteError):
        write_package(root, replace(spec, events=(*spec.events, event)))
    assert not root.exists()


def test_bad_tt05_date_is_refused(tmp_path: Path) -> None:
    spec = sample_spec(tmp_path / "src")
    record = replace(spec.records[0], start_date="2001-01-05")
    with pytest.raises(PackageWriteError):
        write_package(tmp_path / "out", replace(spec, records=(record,)))


def test_codes_outside_the_tt05_tables_are_refused_all_at_once(tmp_path: Path) -> None:
    spec = sample_spec(tmp_path / "src")
    record = replace(spec.records[0], maintenance="99", language=("01", "12"))
    document = replace(record.documents[0], type_code="33", mode="04")
    record = replace(record, documents=(document, record.documents[1]))
    with pytest.raises(PackageWriteError) as info:
        write_package(tmp_path / "out", replace(spec, records=(record,)))
    fields = str(info.value.params["fields"])
    for bad in ("maintenance='99'", "language='12'", "type_code='33'", "mode='04'"):
        assert bad in fields
    assert not (tmp_path / "out").exists()


def test_non_empty_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "keep.txt").write_text("x")
    with pytest.raises(PackageWriteError):
        write_package(root, sample_spec(tmp_path / "src"))
    assert (root / "keep.txt").read_text() == "x"


def test_empty_existing_root_is_used_and_emptied_on_failure(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    spec = _with_file(tmp_path, size=1)
    with pytest.raises(PackageWriteError):
        write_package(root, spec)  # type: ignore[arg-type]
    assert root.is_dir()
    assert list(root.iterdir()) == []


@pytest.mark.parametrize("package_id", ["a/b", "..", "", "x\x00y"])
def test_bad_package_id(tmp_path: Path, package_id: str) -> None:
    with pytest.raises(PackageWriteError):
        write_package(tmp_path / "out", replace(sample_spec(tmp_path / "src"), package_id=package_id))
