"""Verification holds no per-file structure in memory (issue #5): past the spill limit the same findings.

Every per-file map of the checks (the bag's tree, manifests and digests, the E-ARK inventory, references and
IDs, the METS and EAD facts, the sidecar cross-checks) is a :class:`~kho.packages.formats.spill.SpillMap` or
``SpillSet``. Here the limit drops to nothing, so every one of them moves to disk at its first entry, and
each run must give the findings, in the same order, that it gives with every map in memory.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kho.packages import _checks
from kho.packages.formats import spill, validate_bag
from kho.packages.formats.eark import validate_package, write_package
from kho.packages.formats.hashing import SeenFilter
from kho.packages.formats.report import FindingList
from kho.packages.formats.xmlsafe import StreamIncompleteError, iter_untrusted
from kho.packages.report import TransferReport
from kho.packages.verify import verify_transfer
from tests.packages import test_eark_tamper, test_transfer_fixtures
from tests.packages._bagit_data import SUITE, copy_writable
from tests.packages._eark_data import PACKAGE_ID, PDF1, PDF2, SCHEMAS, sample_spec
from tests.packages.test_transfer_fixtures import fresh_copy, payload_dir, rebag

pristine = test_transfer_fixtures.pristine  # the module-scoped fixture, shared
IN_MEMORY = 10**9


class _Spills:
    """Counts the maps that moved to disk, so a test can tell that it really ran on disk."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def spills(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Spills]:
    """Count every spill; each test sets ``spill.DEFAULT_LIMIT`` itself through :func:`_run`."""
    found = _Spills()
    original = spill.SpillMap._spill

    def counting(self: spill.SpillMap[Any]) -> None:
        found.count += 1
        original(self)

    monkeypatch.setattr(spill.SpillMap, "_spill", counting)
    yield found


def _run(monkeypatch: pytest.MonkeyPatch, limit: int, check: Callable[[], FindingList]) -> list[dict[str, object]]:
    """The findings of ``check`` with every spilling map limited to ``limit`` entries."""
    monkeypatch.setattr(spill, "DEFAULT_LIMIT", limit)
    return [f.as_dict() for f in check().findings]


def _same_both_ways(monkeypatch: pytest.MonkeyPatch, spills: _Spills, check: Callable[[], FindingList]) -> list[Any]:
    """Run ``check`` in memory, then with every map on disk; the findings must be equal and it must have spilled."""
    in_memory = _run(monkeypatch, IN_MEMORY, check)
    assert spills.count == 0
    on_disk = _run(monkeypatch, 0, check)
    assert spills.count > 0
    assert on_disk == in_memory
    return on_disk


def _suite_bags() -> list[Any]:
    return [
        pytest.param(bag, id=bag.relative_to(SUITE).as_posix())
        for bag in sorted(p for p in SUITE.glob("v*/*/*") if p.is_dir())
    ]


@pytest.mark.skipif(not SUITE.is_dir(), reason=f"test data missing: {SUITE}")
@pytest.mark.parametrize("bag", _suite_bags())
def test_bag_check_on_disk_equals_in_memory(
    bag: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spills: _Spills
) -> None:
    root = copy_writable(bag, tmp_path / "bag")
    _same_both_ways(monkeypatch, spills, lambda: validate_bag(root))
    monkeypatch.setattr(spill, "DEFAULT_LIMIT", 0)
    on_disk = validate_bag(root)
    monkeypatch.setattr(spill, "DEFAULT_LIMIT", IN_MEMORY)
    in_memory = validate_bag(root)
    assert dict(on_disk.digests.items()) == dict(in_memory.digests.items())
    assert (on_disk.payload_files, on_disk.payload_bytes) == (in_memory.payload_files, in_memory.payload_bytes)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / PACKAGE_ID
    write_package(root, sample_spec(tmp_path / "src"))
    return root


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
@pytest.mark.parametrize("tamper", sorted({c[0] for c in test_eark_tamper.CASES}, key=lambda t: t.__name__))
def test_eark_check_on_disk_equals_in_memory(
    package: Path, tamper: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch, spills: _Spills
) -> None:
    tamper(package)
    assert _same_both_ways(monkeypatch, spills, lambda: validate_package(package, SCHEMAS))
    counted = []
    for limit in (IN_MEMORY, 0):
        monkeypatch.setattr(spill, "DEFAULT_LIMIT", limit)
        report = validate_package(package, SCHEMAS)
        counted.append((report.files_checked, report.bytes_checked))
    assert counted[0] == counted[1] and counted[0][0] > 0


def _known(root: Path, skip: str) -> dict[str, dict[str, str]]:
    """SHA-256 of every file of the package (as the bag check gives them) but ``skip``."""
    return {
        p.relative_to(root).as_posix(): {"sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() != skip
    }


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
@pytest.mark.parametrize("limit", [IN_MEMORY, 0])
def test_known_and_hashed_references_are_reported_in_document_order(
    package: Path, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """References whose digest is known are compared at once, the others after hashing: the order is kept."""
    monkeypatch.setattr(spill, "DEFAULT_LIMIT", limit)
    mets = package / test_eark_tamper.REP / "METS.xml"
    test_eark_tamper.wrong_checksum_attribute(package)  # DATA1: hashed (its digest is not handed in)
    test_eark_tamper.edit(mets, f'SIZE="{len(PDF1)}"'.encode(), b'SIZE="1"')  # DATA1's size as well
    test_eark_tamper.edit(mets, f'SIZE="{len(PDF2)}"'.encode(), b'SIZE="2"')  # DATA2: known, compared at once
    test_eark_tamper.tamper_ead(package)  # EAD differs from its METS checksum: known, compared at once
    hashed = [f.as_dict() for f in validate_package(package, SCHEMAS).findings]
    known = _known(package, test_eark_tamper.DATA1)
    mixed = [f.as_dict() for f in validate_package(package, SCHEMAS, known_digests=known).findings]
    assert mixed == hashed
    codes = [(f["code"], f["path"]) for f in mixed]
    data1, data2 = test_eark_tamper.DATA1, test_eark_tamper.DATA2
    assert [c for c in codes if c[1] in (data1, data2)] == [("CSIP69", data1), ("CSIP71", data1), ("CSIP69", data2)]
    assert ("CSIP29", "metadata/descriptive/EAD.xml") in codes


def test_repeated_id_is_found_in_a_spilled_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "DEFAULT_LIMIT", 2)
    path = tmp_path / "a.xml"
    items = "".join(f'<i id="n{n}"/>' for n in range(10))
    path.write_text(f'<r>{items}<i id="n3"/></r>', encoding="utf-8")
    with pytest.raises(StreamIncompleteError):
        list(iter_untrusted(path, ("i",)))
    path.write_text(f"<r>{items}</r>", encoding="utf-8")
    assert len(list(iter_untrusted(path, ("i",)))) == 10


def test_items_missing_from_either_side_are_reported_sorted_once() -> None:
    report = TransferReport(path="bag")
    with spill.SpillSet(["b", "x", "a"], limit=0) as first:
        _checks._same_items(report, "files", ("kho-transfer.json", first), ("METS.xml", {"a", "z", "c"}))
    found = [(f.path, f.params["sources"]) for f in report.findings]
    assert found == [("b", "METS.xml"), ("c", "kho-transfer.json"), ("x", "METS.xml"), ("z", "kho-transfer.json")]


def _tamper_byte(bag: Path) -> None:
    target = sorted(payload_dir(bag).rglob("*.pdf"))[0]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))


def _tamper_byte_hidden(bag: Path) -> None:
    _tamper_byte(bag)
    rebag(bag)  # the bag is right again: only the METS, PREMIS and sidecar checksums can tell


def _tamper_extra(bag: Path) -> None:
    (payload_dir(bag) / "representations" / "rep1" / "data" / "thêm.pdf").write_bytes(b"%PDF-1.4 extra")
    rebag(bag)


def _tamper_remove(bag: Path) -> None:
    sorted(payload_dir(bag).rglob("*.pdf"))[-1].unlink()


def _tamper_sidecar_path(bag: Path) -> None:
    sidecar = payload_dir(bag) / "documentation" / "kho-transfer.json"
    text = sidecar.read_text(encoding="utf-8")
    needle = '"path":"representations/rep1/data/'
    assert needle in text
    sidecar.write_text(text.replace(needle, needle + "khác-", 1), encoding="utf-8")
    rebag(bag)


def _untouched(bag: Path) -> None:
    del bag


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper", [_untouched, _tamper_byte, _tamper_byte_hidden, _tamper_extra, _tamper_remove, _tamper_sidecar_path]
)
def test_transfer_verification_on_disk_equals_in_memory(
    pristine: Any, tmp_path: Path, tamper: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch, spills: _Spills
) -> None:
    bag = fresh_copy(pristine[0], tmp_path / "bag")
    tamper(bag)
    findings = _same_both_ways(monkeypatch, spills, lambda: verify_transfer(bag, settings.KHO_SCHEMA_DIR).report)
    assert bool(findings) == (tamper is not _untouched)
    if tamper is _tamper_sidecar_path:
        assert {"TRANSFER-MISMATCH"} <= {f["code"] for f in findings}


def test_seen_filter_never_forgets_a_key_and_tells_most_new_ones() -> None:
    keys = [f"representations/rep1/data/{n:06d}.pdf" for n in range(5000)]
    tiny = SeenFilter(size=64)  # saturated: it may say "maybe" for new keys, never "new" for a known one
    for key in keys:
        tiny.add(key)
    assert all(tiny.add(key) for key in keys)
    roomy = SeenFilter()
    assert sum(roomy.add(key) for key in keys) < 5
    assert all(roomy.add(key) for key in keys)


@pytest.mark.skipif(not SUITE.is_dir(), reason=f"test data missing: {SUITE}")
def test_a_name_that_is_not_utf8_is_reported_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spills: _Spills
) -> None:
    root = copy_writable(SUITE / "v0.97/valid/basic-bag", tmp_path / "bag")
    (root / "data" / os.fsdecode(b"t\xean-l\xe1.txt")).write_bytes(b"a name in another encoding")
    findings = _same_both_ways(monkeypatch, spills, lambda: validate_bag(root))
    assert "payload.not_in_manifest" in {f["code"] for f in findings}


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")
def test_a_package_file_name_that_is_not_utf8_is_reported_not_a_crash(
    package: Path, monkeypatch: pytest.MonkeyPatch, spills: _Spills
) -> None:
    (package / "documentation" / os.fsdecode(b"t\xean.txt")).write_bytes(b"a name in another encoding")
    findings = _same_both_ways(monkeypatch, spills, lambda: validate_package(package, SCHEMAS))
    assert "KHO-UNREFERENCED" in {f["code"] for f in findings}
