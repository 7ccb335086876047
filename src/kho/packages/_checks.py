"""Transfer-level checks of a received package: identity, counts against the inventory, cross-references.

These run after the BagIt and E-ARK validators and add ``TRANSFER-...`` findings to the same report;
they never raise for package content. The inventory (a tag file) states how many records, documents and
files were sent; the EAD, the representation METS files and the sidecar must all agree with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kho.core.text import N_
from kho.packages._read import EadFacts, MetsFacts
from kho.packages._sidecar import Sidecar
from kho.packages.report import TransferReport

__all__ = ["check_counts", "check_cross_references", "check_identity", "sidecar_records"]


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
    _same_set(report, "records", {"handover/inventory.json": set(listed), "EAD.xml": set(ead.records)})
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


def _same_set(report: TransferReport, what: str, sets: Mapping[str, set[str]]) -> None:
    """Report every item present in one source but missing from another."""
    union = set().union(*sets.values())
    for item in sorted(union):
        missing = [source for source, items in sets.items() if item not in items]
        if missing:
            report.error(
                "TRANSFER-MISMATCH",
                item,
                N_("%(what)s %(path)s is missing from %(sources)s."),
                what=what,
                sources=", ".join(missing),
            )


def check_cross_references(report: TransferReport, sidecar: Sidecar | None, mets: MetsFacts,
                           ead: EadFacts) -> dict[str, int]:  # fmt: skip
    """Sidecar records, documents and files against the EAD and the METS checksums and sizes.

    One pass over the records; returns the sidecar's counts of records, documents and files (for
    :func:`check_counts`).
    """
    counts = {"records": 0, "documents": 0, "files": 0}
    if sidecar is None:
        return counts
    codes: set[str] = set()
    seen_paths: set[str] = set()
    for record in sidecar_records(sidecar):
        codes.add(str(record.get("file_code")))
        docs = documents_of(record)
        counts["records"] += 1
        counts["documents"] += len(docs)
        in_ead = ead.records.get(str(record.get("file_code")))
        if in_ead is not None:
            _same_set(report, "documents", {"kho-transfer.json": {str(d.get("doc_id")) for d in docs},
                                            "EAD.xml": set(in_ead)})  # fmt: skip
        for doc in docs:
            objects = objects_of(doc)
            counts["files"] += len(objects)
            paths = {str(o.get("path")) for o in objects}
            seen_paths |= paths
            daos = ead.daos.get(str(doc.get("doc_id")))
            if daos is not None:
                _same_set(report, "files", {"kho-transfer.json": paths, "EAD.xml": daos})
            for obj in objects:
                _check_object(report, obj, mets)
    _same_set(report, "records", {"kho-transfer.json": codes, "EAD.xml": set(ead.records)})
    _same_set(report, "files", {"kho-transfer.json": seen_paths, "METS.xml": set(mets.files)})
    return counts


def _check_object(report: TransferReport, obj: Mapping[str, Any], mets: MetsFacts) -> None:
    """A sidecar object must be a METS file with the same SHA-256 and size."""
    path = str(obj.get("path"))
    listed = mets.files.get(path)
    if listed is None:
        return  # reported by the set comparison
    digest = str(obj.get("sha256", "")).removeprefix("sha256:").lower()
    if digest != listed[0] or obj.get("size") != listed[1]:
        report.error(
            "TRANSFER-MISMATCH",
            path,
            N_("%(path)s: kho-transfer.json states another checksum or size than METS."),
        )
