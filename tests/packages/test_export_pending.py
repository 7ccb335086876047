"""Export's overlap of bagging with the content copy (issue #5): same bag bytes, failures still fail.

``start_package`` returns while the copying child may still run; ``make_bag_of_written_payload`` bags
the package from the writer's digests without listing or reading ``data/``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from kho.packages.formats import _eark_write, make_bag_in_place
from kho.packages.formats._eark_write import start_package
from kho.packages.formats.bagit import make_bag_of_written_payload, root_hash
from kho.packages.formats.eark import PackageWriteError, write_package
from kho.packages.formats.earkspec import ManifestEntry, PackageSpec
from kho.packages.formats.exceptions import BagWriteError
from tests.packages._eark_data import PACKAGE_ID, PDF1, SCHEMAS, sample_spec

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
INFO = {"Source-Organization": "Văn phòng", "External-Identifier": PACKAGE_ID}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _payload(entries: tuple[ManifestEntry, ...]) -> list[tuple[str, str, int]]:
    return [(f"{PACKAGE_ID}/{e.path}", e.digest.removeprefix("sha256:"), e.size) for e in entries]


def _checked_spec(src: Path, **changes: object) -> PackageSpec:
    """The sample spec, its first content file with a known digest and size (so the child copies it)."""
    spec = sample_spec(src)
    record = spec.records[0]
    doc = record.documents[0]
    known = {"sha256": "sha256:" + hashlib.sha256(PDF1).hexdigest(), "size": len(PDF1), **changes}
    new_file = replace(doc.files[0], **known)
    return replace(spec, records=(replace(record, documents=(replace(doc, files=(new_file,)), record.documents[1])),))


def test_bag_of_written_payload_has_the_bytes_of_bagging_in_place(tmp_path: Path) -> None:
    old = write_package(tmp_path / "a" / PACKAGE_ID, sample_spec(tmp_path / "a-src"))
    known = {f"{PACKAGE_ID}/{e.path}": ({"sha256": e.digest.removeprefix("sha256:")}, e.size) for e in old.entries}
    in_place = make_bag_in_place(tmp_path / "a", bag_info=INFO, known=known)
    pending = start_package(tmp_path / "b" / "data" / PACKAGE_ID, sample_spec(tmp_path / "b-src"))
    written = make_bag_of_written_payload(tmp_path / "b", _payload(pending.manifest.entries), bag_info=INFO)
    pending.wait()
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert written.root_hash == in_place.root_hash == root_hash(tmp_path / "b")
    assert written.payload_oxum == in_place.payload_oxum


def test_bag_of_written_payload_refuses_what_bagging_in_place_would_change(tmp_path: Path) -> None:
    (tmp_path / "bag" / "data").mkdir(parents=True)
    nfd = unicodedata.normalize("NFD", "hồ sơ.pdf")
    with pytest.raises(BagWriteError):
        make_bag_of_written_payload(tmp_path / "bag", [(nfd, "0" * 64, 1)])
    with pytest.raises(BagWriteError):
        make_bag_of_written_payload(tmp_path / "bag", [("a//b.pdf", "0" * 64, 1)])
    (tmp_path / "bag" / "stray.txt").write_text("x")
    with pytest.raises(BagWriteError):
        make_bag_of_written_payload(tmp_path / "bag", [("a.pdf", "0" * 64, 1)])
    assert not (tmp_path / "bag" / "bagit.txt").exists()


def test_a_failed_copy_fails_the_wait_and_removes_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_eark_write, "BACKGROUND_MIN_FILES", 1)
    root = tmp_path / "out" / PACKAGE_ID
    pending = start_package(root, _checked_spec(tmp_path / "src", sha256="sha256:" + "0" * 64))
    assert any(e.path.endswith(".1.pdf") for e in pending.manifest.entries)  # the manifest is there already
    with pytest.raises(PackageWriteError) as caught:
        pending.wait()
    assert "does not match its expected SHA-256" in caught.value.render()
    assert not root.exists()


def test_a_missing_source_names_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_eark_write, "BACKGROUND_MIN_FILES", 1)
    pending = start_package(tmp_path / "out", _checked_spec(tmp_path / "src", source=Path("/nonexistent/kho.pdf")))
    with pytest.raises(PackageWriteError) as caught:
        pending.wait()
    assert "/nonexistent/kho.pdf" in caught.value.render()


def test_cancel_stops_the_copy_and_removes_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_eark_write, "BACKGROUND_MIN_FILES", 1)
    root = tmp_path / "out" / PACKAGE_ID
    pending = start_package(root, _checked_spec(tmp_path / "src"))
    pending.cancel()
    assert not root.exists()
