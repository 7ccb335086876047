"""The E-ARK check streams METS files (flat memory) and reports exactly what the whole-tree check reports.

A METS file is validated against its XSD while it is read, and each ``mets:file`` is checked as it
passes; a file the stream cannot vouch for (unsafe, malformed, truncated, invalid, a repeated ID) is parsed
whole again, so every finding, its wording and its place in the report stay those of the tree check. Each
defect below is checked both ways and the two reports must be equal, finding for finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from kho.packages.formats import eark
from kho.packages.formats.eark import validate_package, write_package
from kho.packages.formats.report import Finding, Severity
from kho.packages.formats.schemas import SchemaName, load_schema
from kho.packages.formats.xmlsafe import StreamIncompleteError, UntrustedStream, iter_untrusted
from tests.packages._eark_data import PACKAGE_ID, SCHEMAS, sample_spec

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
REP_METS = "representations/rep1/METS.xml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / PACKAGE_ID
    write_package(root, sample_spec(tmp_path / "src"))
    return root


def _edit(rel: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text, rel
        path.write_text(changed, encoding="utf-8")

    return apply


def _sub(pattern: str, replacement: str, count: int = 1) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text, count=count, flags=re.S)


def _prolog(extra: str) -> Callable[[str], str]:
    return lambda text: text.replace(DECLARATION, DECLARATION + extra, 1)


_FILE_START = r'<file ID="[^"]*"[^>]*>\s*<FLocat[^>]*/>'
_FILE = _FILE_START + r"\s*</file>"
DEFECTS: dict[str, Callable[[Path], None]] = {
    "checksum": _edit(REP_METS, _sub(r'CHECKSUM="[0-9A-F]{4}', 'CHECKSUM="0000', 2)),
    "size": _edit(REP_METS, _sub(r'(<file [^>]*)SIZE="\d+"', r'\1SIZE="7"')),
    "no-flocat": _edit(REP_METS, _sub(r"<FLocat [^>]*/>", "")),
    "two-flocats": _edit(REP_METS, _sub(r"(<FLocat [^>]*/>)", r"\1\1")),
    "bad-mimetype": _edit(REP_METS, _sub(r'(<file [^>]*)MIMETYPE="[^"]*"', r'\1MIMETYPE="application/nonsense"')),
    "no-mimetype": _edit(REP_METS, _sub(r'(<file [^>]*)MIMETYPE="[^"]*"', r"\1")),
    "missing-target": _edit(REP_METS, _sub(r'xlink:href="data/', 'xlink:href="data/nope-', 2)),
    "case-only-target": _edit(REP_METS, lambda t: re.sub(r'(xlink:href="data/[^"]*)\.pdf"', r'\1.PDF"', t, count=1)),
    "parent-href": _edit(REP_METS, _sub(r'xlink:href="data/', 'xlink:href="../../')),
    "url-href": _edit(REP_METS, _sub(r'xlink:href="data/', 'xlink:href="http://example.com/')),
    "unlisted-file": _edit(REP_METS, _sub(_FILE, "")),
    "empty-group": _edit(REP_METS, _sub(r"(<fileGrp [^>]*>).*?(</fileGrp>)", r"\1\2")),
    "nested-groups": _edit(
        REP_METS, _sub(r'(<fileGrp ID="[^"]*"[^>]*>)', r'\1<fileGrp ID="grp-inner" USE="Representations/rep1/data">')
    ),
    "file-in-file": _edit(REP_METS, _sub(rf"({_FILE_START})\s*</file>\s*({_FILE})", r"\1\2</file>")),
    "no-file-section": _edit(REP_METS, _sub(r"<fileSec.*?</fileSec>", "")),
    "root-checksum": _edit("METS.xml", _sub(r'CHECKSUM="[0-9A-F]{4}', 'CHECKSUM="0000', 3)),
    "root-empty-group": _edit("METS.xml", _sub(r'(<fileGrp ID="[^"]*" USE="Schemas"[^>]*>).*?(</fileGrp>)', r"\1\2")),
    "schema-invalid": _edit(REP_METS, _sub(r"<file ID", '<file BOGUS="1" ID')),
    "repeated-id": _edit(REP_METS, _sub(r'(<file ID="([^"]*)".*?<file ID=")[^"]*"', r'\1\2"')),
    "premis-root": _edit(REP_METS, lambda t: t.replace("<mets ", "<premis ", 1)),
    "truncated": _edit(REP_METS, lambda t: t[: len(t) // 2]),
    "root-never-closed": _edit(REP_METS, lambda t: t.replace("</mets>", "")),
    "xxe": _edit(REP_METS, _prolog('<!DOCTYPE mets [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n')),
    "external-dtd": _edit(REP_METS, _prolog('<!DOCTYPE mets SYSTEM "http://example.com/mets.dtd">\n')),
    "billion-laughs": _edit(
        REP_METS, _prolog('<!DOCTYPE mets [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n')
    ),
    "truncated-premis": _edit("metadata/preservation/PREMIS.xml", lambda t: t[: len(t) // 2]),
    "truncated-ead": _edit("metadata/descriptive/EAD.xml", lambda t: t.replace("</ead>", "")),
}


def _findings(package: Path) -> list[Finding]:
    return validate_package(package, SCHEMAS).findings


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_streamed_mets_reports_what_the_tree_check_reports(
    package: Path, defect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _findings(package) == []
    DEFECTS[defect](package)
    streamed = _findings(package)
    monkeypatch.setattr(eark, "_load_streamed", lambda *_args: None)  # every METS file parsed whole
    whole = _findings(package)
    assert streamed == whole
    assert any(f.severity in (Severity.ERROR, Severity.WARNING) for f in streamed), defect


@pytest.mark.parametrize(
    ("defect", "code", "reason"),
    [
        ("xxe", "KHO-XML-UNSAFE", "entity"),
        ("external-dtd", "KHO-XML-UNSAFE", "external-dtd"),
        ("billion-laughs", "KHO-XML-UNSAFE", "entity"),
        ("truncated", "KHO-XML-MALFORMED", None),
        ("root-never-closed", "KHO-XML-MALFORMED", None),
    ],
)
def test_unsafe_or_broken_representation_mets_is_named(package: Path, defect: str, code: str, reason: str) -> None:
    DEFECTS[defect](package)
    hits = [f for f in _findings(package) if f.code == code]
    assert [f.path for f in hits] == [REP_METS]
    assert hits[0].severity == Severity.ERROR
    assert reason is None or hits[0].params["reason"] == reason


@pytest.mark.parametrize(
    ("defect", "path"),
    [("truncated-premis", "metadata/preservation/PREMIS.xml"), ("truncated-ead", "metadata/descriptive/EAD.xml")],
)
def test_a_truncated_premis_or_ead_is_malformed(package: Path, defect: str, path: str) -> None:
    DEFECTS[defect](package)
    assert ("KHO-XML-MALFORMED", path) in {(f.code, f.path) for f in _findings(package)}


def test_a_sound_package_is_never_parsed_whole(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("parsed whole")

    monkeypatch.setattr(eark, "_load_tree", refuse)
    assert _findings(package) == []


def test_a_schema_invalid_mets_is_parsed_whole(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    DEFECTS["schema-invalid"](package)
    parsed: list[str] = []
    inner = eark._load_tree

    def spy(ctx: eark.Context, path: str, *args: object) -> object:
        parsed.append(path)
        return inner(ctx, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(eark, "_load_tree", spy)
    assert "KHO-METS-SCHEMA" in {f.code for f in _findings(package)}
    assert parsed == [REP_METS]


def test_stream_keeps_the_root_without_the_streamed_elements(package: Path) -> None:
    stream = UntrustedStream(package / REP_METS, ("{http://www.loc.gov/METS/}file",))
    assert len(list(stream)) == 2
    assert stream.root is not None
    assert stream.root.find(".//{http://www.loc.gov/METS/}structMap") is not None
    assert all(not len(f) and not f.attrib for f in stream.root.iter("{http://www.loc.gov/METS/}file"))


def test_stream_of_a_document_that_just_stops_is_incomplete(tmp_path: Path) -> None:
    """With a schema (and entities off) lxml does not raise for a missing end; the stream must."""
    path = tmp_path / "METS.xml"
    path.write_text(DECLARATION + '<mets xmlns="http://www.loc.gov/METS/"><metsHdr/>', encoding="utf-8")
    schema = load_schema(SCHEMAS, SchemaName.METS_PREMIS)
    with pytest.raises(StreamIncompleteError):
        list(iter_untrusted(path, ("{http://www.loc.gov/METS/}file",), schema))
    with pytest.raises(etree.XMLSyntaxError):
        list(iter_untrusted(path, ("{http://www.loc.gov/METS/}file",)))


EAD = "metadata/descriptive/EAD.xml"
PREMIS = "metadata/preservation/PREMIS.xml"


def _observe(package: Path, paths: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    """Validate with an observer on each path; return what each saw (tag and ID of each element)."""
    seen: dict[str, list[str]] = {path: [] for path in paths}
    observers = {path: lambda e, out=seen[path]: out.append(f"{e.tag} {e.get('ID') or e.get('id')}") for path in paths}
    report = validate_package(package, SCHEMAS, observers=observers)
    return seen, report.observed


def test_observers_see_every_streamed_element_once(package: Path) -> None:
    seen, observed = _observe(package, ["METS.xml", REP_METS, EAD, PREMIS, "documentation/none.xml"])
    assert observed == {"METS.xml", REP_METS, EAD, PREMIS}
    files = [f"{e.tag} {e.get('ID')}" for e in iter_untrusted(package / REP_METS, ("{http://www.loc.gov/METS/}file",))]
    assert seen[REP_METS] == files
    assert len(files) == 2
    components = [f"{e.tag} {e.get('id')}" for e in iter_untrusted(package / EAD, ("{urn:isbn:1-931666-22-9}c",))]
    assert seen[EAD] == components
    assert components
    assert seen[PREMIS]
    assert seen["documentation/none.xml"] == []


@pytest.mark.parametrize(("defect", "path"), [("schema-invalid", REP_METS), ("truncated-ead", EAD)])
def test_a_file_the_stream_cannot_vouch_for_is_not_observed(package: Path, defect: str, path: str) -> None:
    DEFECTS[defect](package)
    _seen, observed = _observe(package, [REP_METS, EAD, PREMIS])
    assert path not in observed
    assert observed == {REP_METS, EAD, PREMIS} - {path}
