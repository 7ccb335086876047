"""The result of inspecting a transfer package: every finding of every check, as data (style.md rule 13).

Findings keep their source's codes: BagIt codes (``payload.checksum_mismatch``), E-ARK requirement IDs
and ``KHO-...`` codes of the E-ARK validator, and the transfer checks' own ``TRANSFER-...`` codes:

==========================  ======================================================================
``TRANSFER-LAYOUT``         ``data/`` does not hold exactly one package folder (named like its OBJID)
``TRANSFER-TAG-UNLISTED``   a tag file (e.g. the inventory) is not covered by ``tagmanifest-sha256.txt``
``TRANSFER-JSON``           ``handover/inventory.json`` or ``documentation/kho-transfer.json`` unusable
``TRANSFER-IDENTITY``       the package id differs between METS, folder, bag-info, inventory, sidecar
``TRANSFER-ROOT-HASH``      the inventory's root hash is not the bag's
``TRANSFER-COUNT``          a count in the inventory differs from the EAD, METS or sidecar
``TRANSFER-MISMATCH``       records, documents or files differ between EAD, METS, inventory, sidecar
``TRANSFER-VALUE``          a metadata value is not acceptable for this archive (code, length, date)
``TRANSFER-CONFLICT``       the receiving archive already holds a code or another package with this id
``TRANSFER-SIGNATURE``      a digitized copy's signature is broken (error) or not trusted here (warning)
``TRANSFER-PDFA``           a copy claiming PDF/A does not conform (error) or claims none (warning)
==========================  ======================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kho.packages.formats import Finding
from kho.packages.formats.report import FindingList

__all__ = ["TransferReport"]


@dataclass(slots=True)
class TransferReport(FindingList):
    """Every finding about one transfer package, plus the facts a receipt needs.

    Adding and reading findings (``error``, ``warning``, ``errors``, ``is_valid``, ``codes``) is
    :class:`~kho.packages.formats.report.FindingList`'s, as for the BagIt and E-ARK reports.

    Attributes:
        path: The bag folder as given.
        findings: Every finding, in check order (BagIt, E-ARK, transfer).
        package_id: The package's OBJID when it could be read.
        root_hash: :func:`~kho.packages.formats.root_hash` of the bag, when it has a manifest.
        counts: Records, documents, files and bytes as found in the package.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    package_id: str | None = None
    root_hash: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def only_conflicts(self) -> bool:
        """True when there are errors and every one is a conflict with the receiving archive."""
        errors = self.errors
        return bool(errors) and all(f.code == "TRANSFER-CONFLICT" for f in errors)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; each finding also carries its rendered (untranslated) message."""
        return {
            "path": self.path,
            "valid": self.is_valid,
            "package_id": self.package_id,
            "root_hash": self.root_hash,
            "counts": dict(self.counts),
            "errors": len(self.errors),
            "findings": [{**f.as_dict(), "text": f.render()} for f in self.findings],
        }
