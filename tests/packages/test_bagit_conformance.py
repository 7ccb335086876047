"""Every bag of the Library of Congress BagIt conformance suite, judged by its directory category."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kho.packages.formats import validate_bag
from tests.packages._bagit_data import SUITE, copy_writable

# Quoted from /work/shared/testdata/bagit-conformance-suite/README.md.
BROKEN_UPSTREAM = (
    "README: these three bags are already broken upstream - git could not keep `data/HELLO.txt` next to "
    "`data/hello.txt`, nor the `.DS_Store` file, nor two Unicode normalisations of `Núñez`; the manifests "
    "still list them, so any validator rejects them."
)
BROKEN = {
    "duplicate-file-with-different-case",
    "special-system-files",
    "same-filename-listed-twice-with-different-normalization",
}
WINDOWS_ONLY = (
    "README: windows-only bags are invalid only on Windows (drive letters, UNC); skip on Linux "
    "(upstream harness skips them)"
)


def _bags() -> list[object]:
    params: list[object] = []
    for bag in sorted(p for p in SUITE.glob("v*/*/*") if p.is_dir()):
        marks = []
        if bag.parent.name == "windows-only":
            marks.append(pytest.mark.skipif(os.name != "nt", reason=WINDOWS_ONLY))
        if bag.name in BROKEN:
            marks.append(pytest.mark.xfail(strict=True, reason=BROKEN_UPSTREAM))
        params.append(pytest.param(bag, id=bag.relative_to(SUITE).as_posix(), marks=marks))
    return params


BAGS = _bags()


def test_suite_is_complete() -> None:
    assert len(BAGS) == 60, "the README lists 60 bags"


@pytest.mark.parametrize("bag", BAGS)
def test_conformance(bag: Path, tmp_path: Path) -> None:
    report = validate_bag(copy_writable(bag, tmp_path / bag.name))
    errors = [f"{f.code} {f.path}" for f in report.errors]
    category = bag.parent.name
    if category == "valid":
        assert not errors
    elif category == "warning":
        assert not errors
        assert report.warnings, "a good validator should warn"
    else:  # invalid, linux-only, windows-only (on Windows)
        assert errors


def _check(rel: str, tmp_path: Path) -> tuple[set[str], set[str]]:
    report = validate_bag(copy_writable(SUITE / rel, tmp_path / "bag"))
    return {f.code for f in report.errors}, {f.code for f in report.warnings}


@pytest.mark.parametrize(
    ("rel", "code"),
    [
        ("v1.0/invalid/bagit-with-invalid-whitespace", "bagit.malformed_line"),  # bagit-python accepts it
        ("v0.97/invalid/bom-in-bagit.txt", "bagit.bom"),
        ("v0.97/invalid/baginfo-missing-encoding", "bagit.encoding_missing"),
        ("v0.97/invalid/invalid-version-number", "bagit.version_invalid"),
        ("v0.97/invalid/missing-bagit.txt", "bagit.missing"),
        ("v0.97/invalid/missing-baginfo", "tagfile.missing"),
        ("v0.97/invalid/corrupt-data-file", "payload.checksum_mismatch"),
        ("v0.97/invalid/corrupt-tag-file", "tagfile.checksum_mismatch"),
        ("v0.97/invalid/extra-file-in-bag", "payload.not_in_manifest"),
        ("v0.97/invalid/out-of-scope-file-paths-using-dot-notation", "path.out_of_scope"),
        ("v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch", "path.out_of_scope"),
        ("v0.97/invalid/same-filename-listed-twice-with-different-hashes", "manifest.conflicting_entries"),
        ("v1.0/invalid/same-filename-listed-twice-with-the-same-hash", "manifest.duplicate_entry"),
        ("v1.0/invalid/notAllManifestsListAllFiles", "payload.not_in_manifest"),
        ("v0.97/linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch", "path.out_of_scope"),
        ("v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username", "path.out_of_scope"),
    ],
)
def test_specific_error(rel: str, code: str, tmp_path: Path) -> None:
    errors, _ = _check(rel, tmp_path)
    assert code in errors


@pytest.mark.parametrize(
    ("rel", "code"),
    [
        ("v0.97/warning/same-filename-listed-twice-with-the-same-hash", "manifest.duplicate_entry"),
        ("v0.97/warning/made-with-md5sum-tools", "manifest.weak_algorithm"),
        ("v0.97/warning/made-with-md5sum-tools", "manifest.binary_marker"),
        ("v0.97/warning/relative-path", "path.dot_slash"),
        ("v0.97/valid/bag-with-encoded-names", "path.percent_literal"),
        ("v0.97/valid/uncommon-metadata-separators", "baginfo.label_whitespace"),
    ],
)
def test_specific_warning(rel: str, code: str, tmp_path: Path) -> None:
    errors, warnings = _check(rel, tmp_path)
    assert not errors
    assert code in warnings


def test_holey_bag_with_missing_fetch_item_is_reported_not_invalid(tmp_path: Path) -> None:
    bag = copy_writable(SUITE / "v0.97/valid/holey-bag", tmp_path / "bag")
    (bag / "data" / "test2.txt").unlink()
    report = validate_bag(bag)
    assert report.is_valid
    assert report.fetch_pending == 1
    assert [f.path for f in report.warnings if f.code == "fetch.pending"] == ["data/test2.txt"]


def test_missing_file_not_in_fetch_is_an_error(tmp_path: Path) -> None:
    bag = copy_writable(SUITE / "v0.97/valid/basic-bag", tmp_path / "bag")
    (bag / "data" / "bare-filename").unlink()
    report = validate_bag(bag)
    assert [f.path for f in report.errors if f.code == "payload.missing"] == ["data/bare-filename"]
