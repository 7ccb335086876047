"""Offline XSD loading and the metsrw fixtures (12 valid, 4 invalid per their README)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kho.packages.formats.eark_errors import SchemaLoadError
from kho.packages.formats.schemas import SCHEMA_FILES, SchemaName, load_schema, schema_errors
from kho.packages.formats.xmlsafe import parse_untrusted
from tests.packages._eark_data import CORPUS, METSRW, SCHEMAS

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")

# ../metsrw-fixtures/README.md "Expected outcomes" against mets-premis-wrapper.xsd.
METSRW_VALID = [
    "dmdsecs_mets.xml",
    "mets_all_rights.xml",
    "mets_dir_with_fptrs.xml",
    "mets_directory_amd.xml",
    "mets_structmap_arranged_sip.xml",
    "mets_structmap_imported.xml",
    "mets_with_dmdsecs_in_filesec.xml",
    "mets_with_missing_bag_metadata_amdsec.xml",
    "mets_without_groupid_in_file.xml",
    "production-aip-mets-file.xml",
    "production-pointer-file.xml",
    "transfer_mets.xml",
]
METSRW_INVALID = {
    "complete_mets.xml": "objectCharacteristicsExtension",
    "mets_empty_dirs.xml": "creatingApplication",
    "createdate_too_new.xml": "structMap",
    "mets_invalid_xlink_hrefs.xml": "anyURI",
}


@pytest.mark.skipif(not METSRW.is_dir(), reason="metsrw fixtures missing")
@pytest.mark.parametrize("name", METSRW_VALID)
def test_metsrw_valid(name: str) -> None:
    tree = parse_untrusted(METSRW / name)
    assert schema_errors(load_schema(SCHEMAS, SchemaName.METS_PREMIS), tree) == []


@pytest.mark.skipif(not METSRW.is_dir(), reason="metsrw fixtures missing")
@pytest.mark.parametrize(("name", "needle"), sorted(METSRW_INVALID.items()))
def test_metsrw_invalid(name: str, needle: str) -> None:
    errors = schema_errors(load_schema(SCHEMAS, SchemaName.METS_PREMIS), parse_untrusted(METSRW / name))
    assert errors
    assert any(needle in e for e in errors), errors


def test_all_fixtures_are_classified() -> None:
    if not METSRW.is_dir():
        pytest.skip("metsrw fixtures missing")
    assert {p.name for p in METSRW.glob("*.xml")} == set(METSRW_VALID) | set(METSRW_INVALID)


def test_every_schema_compiles_offline_and_is_cached() -> None:
    for name in SchemaName:
        assert load_schema(SCHEMAS, name) is load_schema(SCHEMAS, name.value)


def test_corpus_template_is_schema_valid() -> None:
    """xml-schemas/README.md: the template IP's root and representation METS and its PREMIS3.xml are valid."""
    template = CORPUS / "corpus/template-ip/Valid_IP_example"
    if not template.is_dir():
        pytest.skip("corpus template missing")
    premis = parse_untrusted(template / "metadata/preservation/PREMIS3.xml")
    assert schema_errors(load_schema(SCHEMAS, SchemaName.PREMIS), premis) == []
    for mets in ("METS.xml", "representations/rep1/METS.xml"):
        assert schema_errors(load_schema(SCHEMAS, SchemaName.METS_PREMIS), parse_untrusted(template / mets)) == []


def test_missing_schema_file(tmp_path: Path) -> None:
    with pytest.raises(SchemaLoadError) as info:
        load_schema(tmp_path, SchemaName.METS)
    assert info.value.http_status == 500


def test_unresolvable_import_is_refused_not_fetched(tmp_path: Path) -> None:
    """Without xlink.xsd and without a catalog entry the import stays unresolved: no network."""
    shutil.copy(SCHEMAS / SCHEMA_FILES[SchemaName.METS], tmp_path / "mets.xsd")
    with pytest.raises(SchemaLoadError) as info:
        load_schema(tmp_path, SchemaName.METS)
    assert "xlink" in info.value.detail


def test_catalog_maps_remote_locations(tmp_path: Path) -> None:
    """A vendored copy with its own catalog.xml (and a renamed xlink file) compiles offline."""
    shutil.copy(SCHEMAS / "mets.xsd", tmp_path / "mets.xsd")
    shutil.copy(SCHEMAS / "xlink.xsd", tmp_path / "xlink-v2.xsd")
    (tmp_path / "catalog.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<system systemId="http://www.loc.gov/standards/xlink/xlink.xsd" uri="xlink-v2.xsd"/></catalog>'
    )
    assert load_schema(tmp_path, SchemaName.METS) is not None
