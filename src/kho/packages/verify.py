"""Verify a received transfer package completely, without touching the database or the object store.

Order (every step runs even when an earlier one found problems, so the report lists every problem):

1. BagIt: structure, every manifest and tag manifest, every checksum, symlinks, paths outside the bag
   (:func:`~kho.packages.formats.validate_bag`).
2. Layout: ``data/`` holds exactly one folder, the E-ARK package; every tag file we rely on is listed
   in ``tagmanifest-sha256.txt``.
3. E-ARK CSIP rules, METS/PREMIS/EAD against the XSDs in the schema folder, every METS/PREMIS checksum
   (:func:`~kho.packages.formats.eark.validate_package`; untrusted XML only through ``parse_untrusted`` or
   ``iter_untrusted``). The checksums are compared with the digests step 1 computed from the files, so no
   file is read twice.
4. Identity and root hash, then counts: the inventory against EAD, METS and the sidecar.
5. Cross-references and every metadata value (``clean_fields`` of unsaved model instances).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kho.core.text import N_
from kho.packages import _checks, _read, _values
from kho.packages._sidecar import Sidecar
from kho.packages._tags import list_tag_files, tag_manifest_paths
from kho.packages.formats import BagReport, BagValidationError, root_hash, validate_bag
from kho.packages.formats.eark import validate_package
from kho.packages.layout import INVENTORY_PATH, SIDECAR_PATH
from kho.packages.report import TransferReport
from kho.signing.package_check import check_package_copies

__all__ = ["Inspection", "verify_transfer", "quick_identity"]


@dataclass(slots=True)
class Inspection:
    """The report plus what the importer needs from a package that passed.

    Attributes:
        report: Every finding and the package's facts.
        package_dir: ``data/<OBJID>`` when the layout is right.
        sidecar: ``documentation/kho-transfer.json`` when readable: a private copy of the verified bytes,
            its records read one at a time (see :mod:`kho.packages._sidecar`).
        inventory: ``handover/inventory.json`` when readable.
        classified: Whether a record or document is classified (its files are sealed on import).
    """

    report: TransferReport
    package_dir: Path | None = None
    sidecar: Sidecar | None = None
    inventory: dict[str, Any] | None = None
    classified: bool = False


def _root_hash(bag: Path) -> str | None:
    try:
        return root_hash(bag)
    except BagValidationError:
        return None


def quick_identity(bag: Path) -> tuple[str | None, str | None]:
    """``(package id, root hash)`` read cheaply, for the "already imported" test.

    The id is the folder name under ``data/``, the hash comes from the payload manifest; either is None
    when it cannot be read.
    """
    data = bag / "data"
    folders = [e.name for e in os.scandir(data) if e.is_dir(follow_symlinks=False)] if data.is_dir() else []
    return (folders[0] if len(folders) == 1 else None), _root_hash(bag)


def _layout(bag: Path, report: TransferReport) -> Path | None:
    """``data/`` must hold one real folder and nothing else; return it."""
    data = bag / "data"
    if data.is_symlink() or not data.is_dir():
        return None  # the BagIt validator reports a missing payload directory
    entries = list(os.scandir(data))
    folders = [e for e in entries if stat.S_ISDIR(e.stat(follow_symlinks=False).st_mode)]
    if len(folders) != 1 or len(entries) != 1:
        names = ", ".join(sorted(e.name for e in entries)) or "-"
        report.error(
            "TRANSFER-LAYOUT",
            "data",
            N_("data/ must hold exactly one package folder, found: %(names)s."),
            names=names,
        )
    return Path(folders[0].path) if len(folders) == 1 else None


def _check_tag_coverage(bag: Path, report: TransferReport) -> None:
    """Every tag file except the tag manifests must be listed in ``tagmanifest-sha256.txt``; no fetch.txt."""
    if (bag / "fetch.txt").exists():
        report.error(
            "TRANSFER-LAYOUT",
            "fetch.txt",
            N_("%(path)s: a transfer package must hold every file; nothing is ever fetched from elsewhere."),
        )
    listed = tag_manifest_paths(bag)
    if listed is None:
        report.error(
            "TRANSFER-TAG-UNLISTED",
            "tagmanifest-sha256.txt",
            N_("The bag has no readable %(path)s; its handover files are unprotected."),
        )
        return
    for rel in list_tag_files(bag):
        if not rel.startswith("tagmanifest-") and rel not in listed:
            report.error("TRANSFER-TAG-UNLISTED", rel, N_("%(path)s is not listed in tagmanifest-sha256.txt; refused."))


class _Under(Mapping[str, Mapping[str, str]]):
    """The bag's digests of the files under one folder, by path inside it: a view, not a copy (flat memory).

    Lookups cost one lookup in the bag's map; ``len()`` and iteration walk all of it.
    """

    def __init__(self, digests: Mapping[str, Mapping[str, str]], prefix: str) -> None:
        self._digests, self._prefix = digests, prefix

    def __getitem__(self, key: str) -> Mapping[str, str]:
        return self._digests[self._prefix + key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._prefix + key in self._digests

    def __iter__(self) -> Iterator[str]:
        size = len(self._prefix)
        return (rel[size:] for rel in self._digests if rel.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _rel in self)


def _load(root: Path | None, rel: str, report: TransferReport, shown: str) -> dict[str, Any] | None:
    if root is None:
        return None
    data, reason = _read.read_json(root, rel)
    if data is None:
        report.error("TRANSFER-JSON", shown, N_("%(path)s cannot be used (%(reason)s)."), reason=reason)
    return data


def _load_sidecar(
    package_dir: Path | None, report: TransferReport, digests: Mapping[str, Mapping[str, str]]
) -> Sidecar | None:
    """The sidecar, read from a private copy whose digest must be the one the BagIt check computed."""
    if package_dir is None:
        return None
    rel = f"documentation/{SIDECAR_PATH}"
    sidecar, reason = _read.read_sidecar_file(package_dir, rel)
    if sidecar is None:
        report.error("TRANSFER-JSON", rel, N_("%(path)s cannot be used (%(reason)s)."), reason=reason)
        return None
    verified = digests.get(f"data/{package_dir.name}/{rel}", {}).get("sha256")
    if verified is not None and f"sha256:{verified}" != sidecar[1]:
        sidecar[0].close()
        report.error("TRANSFER-JSON", rel, N_("%(path)s changed while the package was being verified; refused."))
        return None
    return sidecar[0]


def verify_transfer(bag: Path, schema_dir: Path) -> Inspection:
    """Run every check on the bag at ``bag`` and return the findings (never raises for package content).

    Raises:
        SchemaLoadError: The XSDs cannot be loaded from ``schema_dir`` (a deployment problem).
    """
    report = TransferReport(path=str(bag))
    if bag.is_symlink() or not bag.is_dir():
        report.error("bag.not_a_directory", None, N_("%(bag)s is not a folder."), bag=str(bag))
        return Inspection(report)
    bag_report = validate_bag(bag)
    try:
        report.findings.extend(bag_report.findings)
        report.root_hash = _root_hash(bag)
        package_dir = _layout(bag, report)
        _check_tag_coverage(bag, report)
        mets, ead = _package_facts(bag_report, package_dir, schema_dir, report)
        inventory = _load(bag, INVENTORY_PATH, report, INVENTORY_PATH)
        sidecar = _load_sidecar(package_dir, report, bag_report.digests)
    finally:
        bag_report.close()  # one entry per file, needed no further
    try:
        folder = package_dir.name if package_dir else None
        _checks.check_identity(report, folder=folder, bag_info=bag_report.info, inventory=inventory, sidecar=sidecar)
        counts = _checks.check_cross_references(report, sidecar, mets, ead)
        _checks.check_counts(report, inventory, counts, mets, ead)
    finally:
        mets.close()
        ead.close()
    classified = _values.check_values(report, sidecar) if sidecar is not None else False
    if package_dir is not None and sidecar is not None:
        check_package_copies(report, package_dir, sidecar)  # signatures and PDF/A of the digitized copies
    return Inspection(report, package_dir, sidecar, inventory, classified)


def _package_facts(
    bag_report: BagReport, package_dir: Path | None, schema_dir: Path, report: TransferReport
) -> tuple[_read.MetsFacts, _read.EadFacts]:
    """Validate the E-ARK package (its checksums against the bag check's digests); return its METS and EAD facts."""
    if package_dir is None:
        return _read.MetsFacts(readable=False), _read.EadFacts(readable=False)
    known = _Under(bag_report.digests, f"data/{package_dir.name}/")
    collector = _read.FactsCollector(package_dir)  # METS and EAD facts read while validated: parsed once
    package_report = validate_package(
        package_dir, schema_dir, known_digests=known, observers=collector.observers()
    )  # reads no file twice
    report.findings.extend(package_report.findings)
    report.package_id = package_report.package_id
    return collector.facts(package_report.observed)
