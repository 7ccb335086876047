"""Every tampering with a written package yields its specific finding; findings come back as data."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from kho.packages.formats.eark import PackageValidationError, is_valid_package, validate_package, write_package
from kho.packages.formats.report import Finding, Severity
from tests.packages._eark_data import DOC1_PATH, DOC2_PATH, PACKAGE_ID, PDF1, SCHEMAS, sample_spec

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
REP = "representations/rep1"
DATA1 = f"{REP}/data/{DOC1_PATH}"
DATA2 = f"{REP}/data/{DOC2_PATH}"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / PACKAGE_ID
    write_package(root, sample_spec(tmp_path / "src"))
    return root


def edit(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data, old
    path.write_bytes(data.replace(old, new, 1))


def flip_byte(root: Path) -> None:
    target = root / DATA1
    data = bytearray(target.read_bytes())
    data[10] ^= 0x01
    target.write_bytes(bytes(data))


def remove_file(root: Path) -> None:
    (root / DATA2).unlink()


def extra_file(root: Path) -> None:
    (root / REP / "data" / "lạ.pdf").write_bytes(b"not in any METS")


def parent_href(root: Path) -> None:
    edit(root / REP / "METS.xml", b'xlink:href="data/', b'xlink:href="../../../outside/')


def absolute_href(root: Path) -> None:
    edit(root / "METS.xml", b'xlink:href="documentation/', b'xlink:href="file:///etc/')


def symlink(root: Path) -> None:
    outside = root.parent / "outside.pdf"
    outside.write_bytes(PDF1)
    (root / DATA1).unlink()
    (root / DATA1).symlink_to(outside)


def xxe_in_mets(root: Path) -> None:
    edit(
        root / "METS.xml",
        b'<?xml version="1.0" encoding="UTF-8"?>\n',
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE mets [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n',
    )


def wrong_checksum_attribute(root: Path) -> None:
    right = hashlib.sha256(PDF1).hexdigest().upper().encode()
    edit(root / REP / "METS.xml", right, b"0" * 64)


def wrong_size_attribute(root: Path) -> None:
    edit(root / REP / "METS.xml", f'SIZE="{len(PDF1)}"'.encode(), f'SIZE="{len(PDF1) + 1}"'.encode())


def tamper_ead(root: Path) -> None:
    edit(root / "metadata/descriptive/EAD.xml", "cải cách".encode(), b"cai cach")


def tamper_premis(root: Path) -> None:
    edit(root / "metadata/preservation/PREMIS.xml", b"transfer", b"migration")


def drop_struct_map_label(root: Path) -> None:
    edit(root / "METS.xml", b'LABEL="CSIP"', b'LABEL="other"')


def schema_invalid_mets(root: Path) -> None:
    edit(root / "METS.xml", b"<metsHdr ", b'<metsHdr BOGUS="1" ')


def remove_rep_mets(root: Path) -> None:
    (root / REP / "METS.xml").unlink()


CASES: list[tuple[Callable[[Path], None], str, str]] = [
    (flip_byte, "CSIP71", DATA1),
    (flip_byte, "KHO-PREMIS-FIXITY", DATA1),
    (remove_file, "CSIP79", f"{REP}/METS.xml"),
    (extra_file, "KHO-UNREFERENCED", f"{REP}/data/lạ.pdf"),
    (parent_href, "KHO-PATH-UNSAFE", f"{REP}/METS.xml"),
    (absolute_href, "KHO-PATH-UNSAFE", "METS.xml"),
    (symlink, "KHO-SYMLINK", DATA1),
    (xxe_in_mets, "KHO-XML-UNSAFE", "METS.xml"),
    (wrong_checksum_attribute, "CSIP71", DATA1),
    (wrong_size_attribute, "CSIP69", DATA1),
    (tamper_ead, "CSIP29", "metadata/descriptive/EAD.xml"),
    (tamper_premis, "CSIP43", "metadata/preservation/PREMIS.xml"),
    (drop_struct_map_label, "CSIP80", "METS.xml"),
    (schema_invalid_mets, "KHO-METS-SCHEMA", "METS.xml"),
    (remove_rep_mets, "CSIP79", "METS.xml"),
]


@pytest.mark.parametrize(("tamper", "code", "path"), CASES, ids=[f"{c[0].__name__}-{c[1]}" for c in CASES])
def test_tampering_is_found(package: Path, tamper: Callable[[Path], None], code: str, path: str) -> None:
    assert validate_package(package, SCHEMAS).findings == []
    tamper(package)
    report = validate_package(package, SCHEMAS)
    hits = [f for f in report.findings if f.code == code and f.path == path]
    assert hits, [(f.code, f.path) for f in report.findings]
    assert all(f.severity == Severity.ERROR for f in hits)
    assert not report.is_valid
    assert not is_valid_package(package, SCHEMAS)


def test_symlink_target_is_never_read(package: Path) -> None:
    symlink(package)
    report = validate_package(package, SCHEMAS)
    assert report.files_checked == 9  # the symlinked file is not hashed


def test_xxe_stops_mets_checks_but_not_the_rest(package: Path) -> None:
    xxe_in_mets(package)
    flip_byte(package)
    codes = validate_package(package, SCHEMAS).codes()
    assert "KHO-XML-UNSAFE" in codes
    assert "CSIP71" in codes  # the representation METS is still checked
    assert "KHO-UNREFERENCED" not in codes  # no noise about files only the refused METS lists


def test_all_problems_are_gathered_and_raised_once(package: Path) -> None:
    flip_byte(package)
    remove_file(package)
    extra_file(package)
    report = validate_package(package, SCHEMAS)
    assert {"CSIP71", "CSIP79", "KHO-UNREFERENCED"} <= report.codes(Severity.ERROR)
    with pytest.raises(PackageValidationError) as info:
        report.raise_if_invalid()
    assert info.value.details == tuple(report.findings)
    assert all(isinstance(f, Finding) for f in info.value.details)
    assert info.value.as_dict()["details"]
    assert "%(" not in "".join(f.render() for f in report.findings)


def test_valid_report_does_not_raise(package: Path) -> None:
    validate_package(package, SCHEMAS).raise_if_invalid()


def test_not_a_folder(tmp_path: Path) -> None:
    report = validate_package(tmp_path / "missing", SCHEMAS)
    assert not report.is_valid
    assert report.codes() == {"KHO-UNREADABLE"}


def test_missing_root_mets(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    report = validate_package(tmp_path / "pkg", SCHEMAS)
    assert "CSIPSTR4" in report.codes(Severity.ERROR)


def test_case_only_href_mismatch_is_a_warning(package: Path) -> None:
    target = package / REP / "data" / DOC1_PATH
    target.rename(target.with_name(target.name.upper()))
    report = validate_package(package, SCHEMAS)
    assert report.codes() == {"KHO-HREF-CASE"}
    assert report.is_valid
