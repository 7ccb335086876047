"""Streaming METS/PREMIS/EAD writers: the same bytes as the former lxml trees, XSD-valid, flat memory.

Also the single hashing pass of export and import: bagging reuses the writer's digests, the E-ARK check
reuses the bag check's digests, and neither hides a file that does not match.
"""

from __future__ import annotations

import dataclasses
import io
import json
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from kho.packages.export import _dump_json
from kho.packages.formats import bagit, make_bag_in_place, validate_bag
from kho.packages.formats._earkxml import StoredFile
from kho.packages.formats._xmlstream import XmlStream
from kho.packages.formats.ead import build_ead
from kho.packages.formats.eark import validate_package, write_package
from kho.packages.formats.eark_errors import UnsafeXmlError
from kho.packages.formats.exceptions import UnsafePathError
from kho.packages.formats.mets import build_representation_mets
from kho.packages.formats.premis import build_premis, write_premis
from kho.packages.formats.safepath import safe_join
from kho.packages.formats.schemas import SchemaName, load_schema, schema_errors
from kho.packages.formats.xmlsafe import StreamIncompleteError, iter_untrusted
from tests.packages import _tree_ead, _tree_mets, _tree_premis
from tests.packages._eark_data import PACKAGE_ID, SCHEMAS, sample_spec

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
CREATED = "2025-07-01T09:30:00+07:00"
# Characters XML 1.0 can hold, with the ones that need escaping made likely.
XML_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("&<>\"'\n\r\t  ệƯđ€"),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff", min_codepoint=0x20),
    ),
    max_size=30,
)


def _files(n: int) -> list[StoredFile]:
    return [
        StoredFile(
            f"representations/rep1/data/hồ sơ {i:05d} & <x>.pdf",
            f"{i:064x}",
            1000 + i,
            "application/pdf",
            CREATED,
            "original" if i % 2 else "",
            "PDF/A" if i % 3 else "",
            "2b" if i % 3 else "",
            "fmt/477" if i % 5 else "",
        )  # fmt: skip
        for i in range(n)
    ]


def _tree_bytes(build: etree._Element) -> bytes:
    etree.indent(build, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(build, encoding="UTF-8", pretty_print=True)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(XML_TEXT, min_size=1, max_size=4), mixed=XML_TEXT)
def test_stream_writes_what_lxml_writes(texts: list[str], mixed: str) -> None:
    root = etree.Element("r", nsmap={None: "urn:x"})  # type: ignore[dict-item]  # lxml-stubs: None prefix
    out = io.BytesIO()
    w = XmlStream(out)
    w.start("r", (("xmlns", "urn:x"),))
    for text in texts:
        etree.SubElement(root, "leaf", a=text).text = text
        w.leaf("leaf", text, (("a", text),))
    etree.SubElement(root, "empty")
    w.leaf("empty")
    parent = etree.SubElement(root, "m")
    parent.text = mixed
    etree.SubElement(parent, "c", v=mixed)
    w.start("m", (), mixed)
    w.leaf("c", None, (("v", mixed),))
    w.end()
    w.end()
    w.close()
    assert out.getvalue() == _tree_bytes(root)


@pytest.mark.parametrize("bad", ["\x00", "a\x01b", "\x0b", "x\x1f"])
def test_stream_refuses_what_xml_cannot_hold(bad: str) -> None:
    w = XmlStream(io.BytesIO())
    with pytest.raises(ValueError, match="XML compatible"):
        w.leaf("a", bad)
    with pytest.raises(ValueError, match="XML compatible"):
        w.leaf("a", "ok", (("b", bad),))


def test_stream_refuses_to_close_an_open_element() -> None:
    w = XmlStream(io.BytesIO())
    w.start("a")
    with pytest.raises(ValueError, match="still open"):
        w.close()


@pytest.mark.parametrize("nfd", [False, True], ids=["nfc", "nfd"])
def test_streamed_documents_equal_the_tree_built_ones(tmp_path: Path, nfd: bool) -> None:  # noqa: FBT001
    spec = sample_spec(tmp_path / "src", nfd=nfd)
    files = _files(7)
    events = tuple(dataclasses.replace(e, objects=(files[1].path, files[4].path)) for e in spec.events)
    assert build_ead(spec) == _tree_ead.build_ead(spec)
    assert build_premis(files, events, spec.agents) == _tree_premis.build_premis(files, events, spec.agents)
    assert build_representation_mets(spec, "rep1", files) == _tree_mets.build_representation_mets(spec, "rep1", files)


def test_streamed_documents_are_schema_valid(tmp_path: Path) -> None:
    spec = sample_spec(tmp_path / "src")
    files = _files(5)
    events = tuple(dataclasses.replace(e, objects=(files[0].path,)) for e in spec.events)
    documents = {
        SchemaName.EAD: build_ead(spec),
        SchemaName.PREMIS: build_premis(files, events, spec.agents),
        SchemaName.METS_PREMIS: build_representation_mets(spec, "rep1", files),
    }
    for schema, data in documents.items():
        assert schema_errors(load_schema(SCHEMAS, schema), etree.fromstring(data).getroottree()) == []


def _premis_peak(n: int) -> int:
    """Bytes allocated at the peak while streaming PREMIS for ``n`` files (the inputs excluded)."""
    files = _files(n)

    class Sink:
        def write(self, data: bytes) -> int:
            return len(data)

    tracemalloc.start()
    try:
        write_premis(Sink(), files, (), ())  # type: ignore[arg-type]  # a write-only sink is enough
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streaming_memory_does_not_grow_with_the_number_of_files() -> None:
    small, big = _premis_peak(1_000), _premis_peak(10_000)
    # Sorting holds one list entry per file (8 bytes each); everything else is a bounded buffer.
    assert big < small + 10_000 * 16 + 256 * 1024, (small, big)


def test_bagging_reuses_the_writer_digests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bag"
    manifest = write_package(out / PACKAGE_ID, sample_spec(tmp_path / "src"))
    known = {f"{PACKAGE_ID}/{e.path}": ({"sha256": e.digest.removeprefix("sha256:")}, e.size) for e in manifest.entries}
    hashed: list[str] = []
    real = bagit.hash_many

    def counting(jobs: Any, **kwargs: Any) -> Any:
        jobs = list(jobs)
        hashed.extend(job[0] for job in jobs)
        return real(jobs, **kwargs)

    monkeypatch.setattr(bagit, "hash_many", counting)
    make_bag_in_place(out, known=known)
    assert hashed == []  # no payload file read a second time
    report = validate_bag(out)
    assert report.is_valid and len([rel for rel in report.digests if rel.startswith("data/")]) == len(manifest.entries)
    assert validate_package(out / "data" / PACKAGE_ID, SCHEMAS).is_valid


def test_bagging_trusts_a_known_digest_only_for_the_size_written(tmp_path: Path) -> None:
    root = tmp_path / "bag"
    root.mkdir()
    (root / "a.txt").write_bytes(b"changed after writing")
    (root / "b.txt").write_bytes(b"bbb")
    wrong = "0" * 64
    make_bag_in_place(root, known={"a.txt": ({"sha256": wrong}, 3), "b.txt": ({"sha256": wrong}, 3)})
    lines = (root / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert f"{wrong}  data/b.txt" in lines  # same size: taken as given (the caller hashed it while writing)
    assert not any(line.startswith(wrong) and line.endswith("a.txt") for line in lines)  # other size: hashed
    report = validate_bag(root)  # a wrong digest handed in is never hidden: the bag check reads every file
    assert [f.path for f in report.findings if f.code == "payload.checksum_mismatch"] == ["data/b.txt"]
    assert "data/b.txt" not in report.digests and "data/a.txt" in report.digests


def test_eark_check_uses_known_digests_and_still_compares_them(tmp_path: Path) -> None:
    root = tmp_path / PACKAGE_ID
    manifest = write_package(root, sample_spec(tmp_path / "src"))
    content = next(e.path for e in manifest.entries if e.use == "content")
    known = {e.path: {"sha256": e.digest.removeprefix("sha256:")} for e in manifest.entries}
    assert validate_package(root, SCHEMAS, known_digests=known).is_valid
    known[content] = {"sha256": "f" * 64}  # as if the file had changed: the METS checksum no longer matches
    report = validate_package(root, SCHEMAS, known_digests=known)
    assert not report.is_valid and content in {f.path for f in report.findings if f.severity == "error"}


def test_iter_untrusted_streams_the_outermost_elements_of_a_tag(tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_bytes(b'<?xml version="1.0"?><r><g><i n="1"><i n="1.1"/></i><i n="2"/></g><g><i n="3"/></g></r>')
    assert [e.get("n") for e in iter_untrusted(path, ("i",))] == ["1", "2", "3"]
    assert [[i.get("n") for i in e.iter("i")] for e in iter_untrusted(path, ("i",))][0] == ["1", "1.1"]
    assert [len(g) for g in iter_untrusted(path, ("g",))] == [2, 1]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>', UnsafeXmlError),
        (b"<r><i/><i>", (StreamIncompleteError, etree.XMLSyntaxError)),  # truncated: never passes
        (b'<r><i id="a"/><i id="a"/></r>', StreamIncompleteError),  # stream validation misses repeated IDs
        (b"<r><i></r>", etree.XMLSyntaxError),
    ],
    ids=["doctype", "truncated", "duplicate-id", "malformed"],
)
def test_iter_untrusted_refuses(tmp_path: Path, data: bytes, error: Any) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(data)
    with pytest.raises(error):
        list(iter_untrusted(path, ("i",)))


def test_metadata_that_fails_the_stream_check_gets_every_tree_finding(tmp_path: Path) -> None:
    root = tmp_path / PACKAGE_ID
    write_package(root, sample_spec(tmp_path / "src"))
    ead = root / "metadata" / "descriptive" / "EAD.xml"
    text = ead.read_text(encoding="utf-8")
    ids = [part.split('"', 1)[0] for part in text.split('level="item" id="')[1:]]
    assert len(ids) == 2
    ead.write_text(text.replace(ids[0], "dup").replace(ids[1], "dup"), encoding="utf-8")  # two items, one ID
    report = validate_package(root, SCHEMAS)
    schema_errors_found = [f.render() for f in report.findings if f.code == "KHO-EAD-SCHEMA"]
    assert schema_errors_found and any("dup" in message for message in schema_errors_found), schema_errors_found


def test_safe_join_with_a_run_cache_still_refuses_an_escaping_link(tmp_path: Path) -> None:
    root = tmp_path / "bag"
    (root / "data" / "a").mkdir(parents=True)
    (root / "data" / "a" / "f.txt").write_text("x")
    (root / "data" / "out").symlink_to(tmp_path)
    dirs: set[str] = set()
    assert safe_join(root, "data/a/f.txt", dirs) == root / "data" / "a" / "f.txt"
    assert safe_join(root, "data/a/f.txt", dirs) == root / "data" / "a" / "f.txt"  # from the cache
    with pytest.raises(UnsafePathError):
        safe_join(root, "data/out/x", dirs)
    assert not any(d.endswith("out") for d in dirs)


@settings(max_examples=100, deadline=None)
@given(
    data=st.dictionaries(
        st.text(max_size=5),
        st.one_of(
            st.lists(st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), XML_TEXT, st.none()), max_size=3)),
            st.integers(),
            XML_TEXT,
        ),
        max_size=5,
    )
)
def test_sidecar_json_is_written_piecewise_as_one_dumps(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _dump_json(data, Path(tmp) / "x.json")
        expected = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        assert path.read_text(encoding="utf-8") == expected
