"""Signatures and PDF/A status of the PDFs in a received transfer package (``TRANSFER-SIGNATURE``/``-PDFA``).

The bag's checksums already prove the bytes are the sender's; this check catches a sender exporting a copy
whose signature was already broken, or an access copy that claims PDF/A without conforming. Findings:

==========================  ======================================================================
``TRANSFER-SIGNATURE``      error: a signature is broken (bytes changed or appended after signing,
                            wrong signature value) or the signed PDF cannot be read; warning: an
                            intact signature whose certificate this archive's roots do not trust
``TRANSFER-PDFA``           error: an access copy claims a PDF/A level it does not conform to;
                            warning: an access copy claims no PDF/A level
==========================  ======================================================================

Unsigned PDFs that are not access copies cost one ``/ByteRange`` scan (memory-mapped) and nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from asn1crypto import x509

from kho.core.text import N_
from kho.packages._checks import documents_of, objects_of, sidecar_records
from kho.packages._sidecar import Sidecar
from kho.packages.formats.exceptions import UnsafePathError
from kho.packages.formats.safepath import safe_join
from kho.packages.report import TransferReport
from kho.signing.report import BROKEN, CopyReport, has_signature, inspect_pdf, load_roots
from kho.signing.service import trust_roots

__all__ = ["check_package_copies"]


def _pdf_objects(sidecar: Sidecar) -> Iterator[dict[str, Any]]:
    """The PDF objects of the sidecar, read a record at a time (the sidecar is never whole in memory)."""
    for record in sidecar_records(sidecar):
        for doc in documents_of(record):
            for obj in objects_of(doc):
                if obj.get("media_type") == "application/pdf" or str(obj.get("path")).lower().endswith(".pdf"):
                    yield obj


def check_package_copies(report: TransferReport, package_dir: Path, sidecar: Sidecar) -> None:
    """Add a finding for every broken or untrusted signature and every non-conforming access copy."""
    roots: list[x509.Certificate] | None = None
    dirs: set[str] = set()
    for obj in _pdf_objects(sidecar):
        rel = str(obj.get("path"))
        try:
            path = safe_join(package_dir, rel, dirs)
        except UnsafePathError:
            continue  # reported by the BagIt and transfer checks
        access = obj.get("role") == "access"
        if not path.is_file() or not (access or has_signature(path)):
            continue
        if roots is None:
            roots = load_roots(trust_roots())[1]
        filename = obj.get("filename")
        shown = f"{rel} ({filename})" if isinstance(filename, str) and filename else rel
        _report_copy(report, rel, shown, inspect_pdf(path, roots), access=access)


def _report_copy(report: TransferReport, rel: str, shown: str, copy: CopyReport, *, access: bool) -> None:
    """Findings for one file; ``shown`` (package path and the sender's file name) fills ``%(file)s``."""
    if copy.error:
        report.error(
            "TRANSFER-SIGNATURE" if not access else "TRANSFER-PDFA",
            rel,
            N_("%(file)s cannot be read as a PDF (%(reason)s); its signature and PDF/A status cannot be checked."),
            reason=copy.error,
            file=shown,
        )
        return
    for signature in copy.signatures:
        if signature.problem in BROKEN:
            message = N_("%(file)s: the signature of %(signer)s is broken: %(reason)s.")
            report.error(
                "TRANSFER-SIGNATURE", rel, message, signer=signature.organisation, reason=signature.reason, file=shown
            )
        elif signature.problem == "untrusted":
            message = N_(
                "%(file)s: the signature of %(signer)s is intact, but its certificate is not trusted here "
                "(add the sender's root certificate to KHO_DATA_DIR/keys/trusted)."
            )
            report.warning("TRANSFER-SIGNATURE", rel, message, signer=signature.organisation, file=shown)
    pdfa = copy.pdfa
    if pdfa.claimed and not pdfa.conforming:
        message = N_("%(file)s claims %(level)s but does not conform: %(problems)s")
        report.error("TRANSFER-PDFA", rel, message, level=pdfa.label, problems=" ".join(pdfa.problems), file=shown)
    elif access and not pdfa.claimed:
        report.warning("TRANSFER-PDFA", rel, N_("%(file)s is an access copy but claims no PDF/A level."), file=shown)
