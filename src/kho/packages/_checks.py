"""Transfer-level checks of a received package: identity, counts against the inventory, cross-references.

These run after the BagIt and E-ARK validators and add ``TRANSFER-...`` findings to the same report;
they never raise for package content. The inventory (a tag file) states how many records, documents and
files were sent; the EAD, the representation METS files and the sidecar must all agree with it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from kho.core.text import N_
from kho.packages._read import EadFacts, MetsFacts
from kho.packages._sidecar import Sidecar
from kho.packages.formats.hashing import SeenFilter
from kho.packages.formats.spill import SpillMap
from kho.packages.report import TransferReport

__all__ = ["check_counts", "check_cross_references", "check_identity", "sidecar_records"]

#: A source's name and the items it holds, for :func:`_same_items`.
_Source = tuple[str, Collection[str]]


def sidecar_records(sidecar: Sidecar | None) -> Sequence[dict[str, Any]]:
    """The sidecar's records (JSON objects only), parsed one at a time as they are iterated."""
    return sidecar.records if sidecar is not None else ()


def documents_of(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A sidecar record's documents as dicts."""
    docs = record.get("documents")
    return [d for d in docs if isinstance(d, dict)] if isinstance(docs, list) else []


def objects_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A sidecar document's objects as dicts."""
    objs = document.get("objects")
    return [o for o in objs if isinstance(o, dict)] if isinstance(objs, list) else []


def check_identity(
    report: TransferReport,
    *,
    folder: str | None,
    bag_info: Iterable[tuple[str, str]],
    inventory: Mapping[str, Any] | None,
    sidecar: Mapping[str, Any] | None,
) -> None:
    """The OBJID must be the same in METS, the folder name, bag-info, the inventory and the sidecar."""
    claims = {
        "METS.xml": report.package_id,
        "data/": folder,
        "bag-info.txt": next((v for k, v in bag_info if k.lower() == "external-identifier"), None),
        "inventory.json": inventory.get("package_id") if inventory else None,
        "kho-transfer.json": sidecar.get("package_id") if sidecar else None,
    }
    expected = report.package_id or folder
    for source, value in claims.items():
        if value is not None and value != expected:
            report.error(
                "TRANSFER-IDENTITY",
                source,
                N_("%(path)s names package %(found)r, but the package is %(expected)r."),
                found=str(value),
                expected=str(expected),
            )
    claimed = inventory.get("root_hash") if inventory else None
    if claimed is not None and report.root_hash is not None and claimed != report.root_hash:
        report.error(
            "TRANSFER-ROOT-HASH",
            "handover/inventory.json",
            N_("The inventory (and the handover record) state root hash %(claimed)s, but the bag's is %(actual)s."),
            claimed=str(claimed),
            actual=report.root_hash,
        )


def _count(report: TransferReport, what: str, expected: Any, found: Mapping[str, int]) -> None:
    """Report every source whose count of ``what`` differs from the inventory's."""
    if not isinstance(expected, int) or isinstance(expected, bool):
        report.error(
            "TRANSFER-JSON", "handover/inventory.json", N_("The inventory has no count of %(what)s."), what=what
        )
        return
    for source, value in found.items():
        if value != expected:
            report.error(
                "TRANSFER-COUNT",
                source,
                N_("Wrong count of %(what)s: the inventory lists %(expected)d, %(path)s has %(found)d."),
                what=what,
                expected=expected,
                found=value,
            )


def check_counts(
    report: TransferReport, inventory: Mapping[str, Any] | None, sidecar: Mapping[str, int], mets: MetsFacts,
    ead: EadFacts,
) -> None:  # fmt: skip
    """Records, documents, files and bytes: inventory against EAD, METS and the sidecar.

    ``sidecar`` holds the sidecar's counts, as :func:`check_cross_references` returns them.
    """
    report.counts = {
        "records": len(ead.records),
        "documents": ead.documents,
        "files": len(mets.files),
        "bytes": sum(size for _digest, size in mets.files.values()),
    }
    if inventory is None:
        return
    counts = inventory.get("counts")
    counts = counts if isinstance(counts, dict) else {}
    ead_src = "metadata/descriptive/EAD.xml"
    sidecar_src = "documentation/kho-transfer.json"
    _count(report, "records", counts.get("records"), {ead_src: len(ead.records), sidecar_src: sidecar["records"]})
    _count(report, "documents", counts.get("documents"), {ead_src: ead.documents, sidecar_src: sidecar["documents"]})
    dao_total = sum(len(paths) for paths in ead.daos.values())
    found_files = {"representations/*/METS.xml": len(mets.files), sidecar_src: sidecar["files"], ead_src: dao_total}
    _count(report, "files", counts.get("files"), found_files)
    _count(report, "bytes", counts.get("bytes"), {"representations/*/METS.xml": report.counts["bytes"]})
    _per_record_counts(report, inventory, ead)


def _per_record_counts(report: TransferReport, inventory: Mapping[str, Any], ead: EadFacts) -> None:
    """Each inventory row's document count must match the EAD record; the code sets must be equal."""
    rows = inventory.get("records")
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    listed = {str(r.get("file_code")): r for r in rows}
    _same_items(report, "records", ("handover/inventory.json", listed), ("EAD.xml", ead.records))
    for code, row in listed.items():
        docs = ead.records.get(code)
        if docs is not None and row.get("documents") != len(docs):
            report.error(
                "TRANSFER-COUNT",
                code,
                N_("Wrong count of documents in record %(path)s: the inventory lists %(expected)s, EAD has %(found)d."),
                expected=str(row.get("documents")),
                found=len(docs),
            )


def _same_items(report: TransferReport, what: str, first: _Source, second: _Source) -> None:
    """Report every item present in one source but missing from the other, in sorted order.

    Only the differences are held (each becomes a finding anyway): the sources may be spilled maps and sets
    of a large package, read one item at a time.
    """
    (first_name, first_items), (second_name, second_items) = first, second
    missing = {item: second_name for item in first_items if item not in second_items}
    missing.update((item, first_name) for item in second_items if item not in first_items)
    _report_missing(report, what, missing)


def _report_missing(report: TransferReport, what: str, missing: Mapping[str, str]) -> None:
    """One finding per item, sorted, naming the source it is missing from."""
    for item in sorted(missing):
        report.error(
            "TRANSFER-MISMATCH",
            item,
            N_("%(what)s %(path)s is missing from %(sources)s."),
            what=what,
            sources=missing[item],
        )


class _SeenFiles:
    """The sidecar's files as its records pass: those METS lacks, and how many METS files were named.

    Each METS file the sidecar names goes into a spilled set once; when their number is that of the METS
    files, none is missing from the sidecar and the METS files need not be looked up one by one.
    """

    def __init__(self) -> None:
        self.named: SpillMap[None] = SpillMap()  # used as a set: paths from JSON may be any text
        self.filter = SeenFilter()
        self.not_in_mets: set[str] = set()  # each becomes a finding

    def add(self, path: str, *, in_mets: bool) -> None:
        """Count ``path`` (a METS file when ``in_mets``) once."""
        if not in_mets:
            self.not_in_mets.add(path)
        elif not (self.filter.add(path) and path in self.named):
            self.named[path] = None

    def missing(self, mets: MetsFacts) -> dict[str, str]:
        """Every path missing from one side, with the side it is missing from."""
        missing = dict.fromkeys(self.not_in_mets, "METS.xml")
        if len(self.named) != len(mets.files):
            missing.update((path, "kho-transfer.json") for path in mets.files if path not in self.named)
        return missing


def check_cross_references(report: TransferReport, sidecar: Sidecar | None, mets: MetsFacts,
                           ead: EadFacts) -> dict[str, int]:  # fmt: skip
    """Sidecar records, documents and files against the EAD and the METS checksums and sizes.

    One pass over the records; returns the sidecar's counts of records, documents and files (for
    :func:`check_counts`).
    """
    counts = {"records": 0, "documents": 0, "files": 0}
    if sidecar is None:
        return counts
    seen = _SeenFiles()
    with SpillMap[None]() as codes, seen.named:  # codes: used as a set
        for record in sidecar_records(sidecar):
            codes[str(record.get("file_code"))] = None
            docs = documents_of(record)
            counts["records"] += 1
            counts["documents"] += len(docs)
            in_ead = ead.records.get(str(record.get("file_code")))
            if in_ead is not None:
                doc_ids = {str(d.get("doc_id")) for d in docs}
                _same_items(report, "documents", ("kho-transfer.json", doc_ids), ("EAD.xml", set(in_ead)))
            for doc in docs:
                counts["files"] += _check_document(report, doc, mets, ead, seen)
        _same_items(report, "records", ("kho-transfer.json", codes), ("EAD.xml", ead.records))
        _report_missing(report, "files", seen.missing(mets))
    return counts


def _check_document(report: TransferReport, doc: Mapping[str, Any], mets: MetsFacts, ead: EadFacts,
                    seen: _SeenFiles) -> int:  # fmt: skip
    """A sidecar document's files against its EAD ``dao`` links and the METS files; return its file count."""
    objects = objects_of(doc)
    paths = {str(o.get("path")) for o in objects}
    daos = ead.daos.get(str(doc.get("doc_id")))
    if daos is not None:
        _same_items(report, "files", ("kho-transfer.json", paths), ("EAD.xml", daos))
    for obj in objects:
        path = str(obj.get("path"))
        listed = mets.files.get(path)
        seen.add(path, in_mets=listed is not None)
        if listed is not None:
            _check_object(report, obj, path, listed)
    return len(objects)


def _check_object(report: TransferReport, obj: Mapping[str, Any], path: str, listed: tuple[str, int]) -> None:
    """A sidecar object must have the SHA-256 and size of its METS file (``listed``)."""
    digest = str(obj.get("sha256", "")).removeprefix("sha256:").lower()
    if digest != listed[0] or obj.get("size") != listed[1]:
        report.error(
            "TRANSFER-MISMATCH",
            path,
            N_("%(path)s: kho-transfer.json states another checksum or size than METS."),
        )
