"""Sign a digitized copy for the agency that owns its record, and verify signatures against trusted roots."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from kho.records.models import Record
from kho.signing.models import AgencySigner
from kho.signing.pades import SignatureStatus, sign_pdf, verify_pdf


def signer_for(record: Record) -> AgencySigner | None:
    """The active signer of the record's creating agency, if one is configured."""
    return AgencySigner.objects.filter(agency_id=record.fonds.agency_id, active=True).first()


def sign_copy(record: Record, pdf: Path, work_dir: Path) -> tuple[Path, AgencySigner | None]:
    """Return the signed copy of ``pdf`` (or ``pdf`` itself when the agency has no signer)."""
    signer = signer_for(record)
    if signer is None:
        return pdf, None
    signed = work_dir / "signed.pdf"
    sign_pdf(pdf, signed, signer.identity())
    return signed, signer


def trust_roots() -> list[Path]:
    """Trusted root certificates: ``KHO_DATA_DIR/keys/trusted/*.pem`` plus the chains of registered signers."""
    roots = sorted((Path(settings.DATA_DIR) / "keys" / "trusted").glob("*.pem"))
    for chain in AgencySigner.objects.values_list("chain_paths", flat=True):
        roots += [Path(p) for p in chain if Path(p).is_file()]
    return roots


def verify_copy(pdf: Path) -> list[SignatureStatus]:
    """Verify every signature of ``pdf`` against the trusted roots."""
    return verify_pdf(pdf, trust_roots())
