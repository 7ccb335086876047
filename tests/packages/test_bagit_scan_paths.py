"""The bag check trusts its own scan for where a listed file is, never for whether its name is safe.

A manifest path the scan found as a regular file is opened without a filesystem check of its own (the
scan follows no link), but it still passes ``safe_join``'s lexical rules: a name that is harmless on
Linux and an escape on Windows is refused as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kho.packages.formats import validate_bag


def _list(bag: Path, manifest: str, rel: str) -> None:
    digest = hashlib.sha256((bag / rel).read_bytes()).hexdigest()
    with (bag / manifest).open("a", encoding="utf-8") as f:
        f.write(f"{digest}  {rel}\n")


@pytest.mark.parametrize(
    ("manifest", "rel"),
    [
        ("manifest-sha256.txt", "data/x\\..\\..\\y.txt"),  # a backslash is a separator on Windows
        ("tagmanifest-sha256.txt", "C:notes.txt"),  # a drive letter
        ("tagmanifest-sha256.txt", "~notes.txt"),
    ],
)
def test_an_existing_file_with_an_unsafe_name_is_refused(small_bag: Path, manifest: str, rel: str) -> None:
    (small_bag / rel).write_bytes(b"present on disk")
    _list(small_bag, manifest, rel)
    report = validate_bag(small_bag)
    assert ("path.out_of_scope", rel) in {(f.code, f.path) for f in report.errors}
    assert rel not in report.digests


def test_an_existing_file_with_a_safe_name_is_hashed_where_it_is(small_bag: Path) -> None:
    rel = "data/thêm/tệp mới.txt"
    (small_bag / rel).parent.mkdir()
    (small_bag / rel).write_bytes(b"new file")
    _list(small_bag, "manifest-sha256.txt", rel)
    report = validate_bag(small_bag)
    assert report.digests[rel] == {"sha256": hashlib.sha256(b"new file").hexdigest()}
    assert {f.code for f in report.errors} == {"oxum.mismatch", "tagfile.checksum_mismatch"}
