"""What the archive can tell about a stored PDF copy: its organisation signatures and its PDF/A status.

:func:`inspect_pdf` is pure (a file and trusted roots in, a :class:`CopyReport` out) and never raises for
the file's content: an unreadable or encrypted PDF becomes a report state. :func:`copy_report` is the
cached form for the document page. The file stored under a digest never changes (content addressing),
so a report only goes stale when the trusted roots change, which is why the cache key holds the digest
and a fingerprint of the roots' bytes; it also expires after a day, since certificates expire.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mmap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pikepdf
from asn1crypto import pem, x509
from django.core.cache import cache
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from kho.core.exceptions import KhoError
from kho.ingest.stages import check_pdfa
from kho.signing.pades import VN_ZONE
from kho.signing.service import trust_roots
from kho.storage.models import Blob
from kho.storage.store import blob_path

__all__ = [
    "CopyReport",
    "PdfaCheck",
    "SignatureCheck",
    "copy_report",
    "has_signature",
    "inspect_pdf",
    "load_roots",
]

CACHE_SECONDS = 24 * 3600
MAX_PROBLEMS = 3
BROKEN = frozenset({"unreadable", "modified", "bad_signature", "partial"})
SignatureState = Literal["valid", "invalid", "untrusted", "none", "unreadable"]
_PROBLEMS = {
    "unreadable": "the signature value cannot be parsed",
    "modified": "the signed bytes were changed after signing",
    "bad_signature": "the signature value does not match the signing certificate",
    "partial": "content was added after signing; the signature does not cover the whole file",
    "untrusted": "the certificate does not chain to a trusted root",
}


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """One signature: who signed, when, and what verification found.

    Attributes:
        organisation: The organisation (O, else CN) of the signing certificate.
        signed_at: Signing time claimed by the signer, ISO 8601 in Vietnam time, or None.
        intact: The signed byte ranges hash to the signed digest.
        valid: The signature value verifies with the certificate's key.
        trusted: The certificate chains to one of the trusted roots.
        covers_whole_document: Nothing was appended after the signature.
        readable: The signature value could be parsed at all (else ``organisation`` is empty).
    """

    organisation: str
    signed_at: str | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    readable: bool = True

    @property
    def problem(self) -> str:
        """Worst problem: ``unreadable``, ``modified``, ``bad_signature``, ``partial``, ``untrusted``, or ``""``."""
        checks = (
            ("unreadable", self.readable),
            ("modified", self.intact),
            ("bad_signature", self.valid),
            ("partial", self.covers_whole_document),
            ("untrusted", self.trusted),
        )
        return next((code for code, passed in checks if not passed), "")

    @property
    def reason(self) -> str:
        """The problem in English (for package findings and logs), or ``""``."""
        return _PROBLEMS.get(self.problem, "")

    @property
    def problem_label(self) -> str:
        """The problem in the active language, for the document page, or ``""``."""
        labels = {
            "unreadable": _("không đọc được giá trị chữ ký"),
            "modified": _("nội dung đã bị sửa sau khi ký"),
            "bad_signature": _("giá trị chữ ký không khớp chứng thư"),
            "partial": _("có nội dung thêm vào sau khi ký"),
            "untrusted": _("chứng thư không do nơi cấp được tin cậy cấp"),
        }
        return labels.get(self.problem, "")

    @property
    def signed_at_display(self) -> str:
        """The signing time as ``dd/mm/yyyy hh:mm:ss`` (Vietnam time), or ``""``."""
        if self.signed_at is None:
            return ""
        return dt.datetime.fromisoformat(self.signed_at).strftime("%d/%m/%Y %H:%M:%S")


@dataclass(frozen=True, slots=True)
class PdfaCheck:
    """The PDF/A level the file claims in its XMP, and whether it conforms to it.

    Attributes:
        claimed: ``"2B"``, ``"1A"`` ... or None when the file claims no PDF/A level.
        conforming: The file claims a level and :func:`~kho.ingest.stages.check_pdfa` finds no error.
        problems: The first error messages (English).
    """

    claimed: str | None
    conforming: bool
    problems: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``PDF/A-2b`` for a claimed level, else ``PDF/A``."""
        return f"PDF/A-{self.claimed[0]}{self.claimed[1:].lower()}" if self.claimed else "PDF/A"


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Signatures and PDF/A status of one PDF; ``error`` is ``unreadable`` or ``encrypted`` if it could not be read."""

    signatures: tuple[SignatureCheck, ...] = ()
    pdfa: PdfaCheck = PdfaCheck(None, conforming=False)
    error: str = ""

    @property
    def signature_state(self) -> SignatureState:
        """``unreadable``, ``none``, ``invalid`` (any broken), ``untrusted`` (intact, unknown CA) or ``valid``."""
        if self.error:
            return "unreadable"
        if not self.signatures:
            return "none"
        problems = {s.problem for s in self.signatures}
        if problems & BROKEN:
            return "invalid"
        return "untrusted" if "untrusted" in problems else "valid"

    @property
    def signature_label(self) -> str:
        """The state in the active language, for the document page."""
        labels = {
            "valid": _("hợp lệ"),
            "invalid": _("không hợp lệ"),
            "untrusted": _("không tin cậy"),
            "none": _("không có"),
            "unreadable": _("không đọc được tệp"),
        }
        return labels[self.signature_state]


_UNPARSABLE = SignatureCheck(
    "", None, intact=False, valid=False, trusted=False, covers_whole_document=False, readable=False
)


def load_roots(paths: list[Path]) -> tuple[str, list[x509.Certificate]]:
    """Load trusted root certificates (PEM or DER); return a fingerprint of their bytes and the certificates.

    A file that cannot be parsed is skipped (it trusts nothing); its bytes still count in the fingerprint.
    """
    digest = hashlib.sha256()
    roots = []
    for path in sorted(paths):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest.update(hashlib.sha256(data).digest())
        try:
            roots.append(x509.Certificate.load(pem.unarmor(data)[2] if pem.detect(data) else data))
        except ValueError:
            continue
    return digest.hexdigest(), roots


def has_signature(path: Path) -> bool:
    """Cheap test: does the file contain a ``/ByteRange`` (every PDF signature dictionary has one)?"""
    with path.open("rb") as stream:
        if path.stat().st_size == 0:
            return False
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find(b"/ByteRange") >= 0


def inspect_pdf(path: Path, roots: list[x509.Certificate]) -> CopyReport:
    """Verify every signature of ``path`` against ``roots`` and check the PDF/A level it claims."""
    try:
        with pikepdf.open(path) as pdf:
            claimed = pdf.open_metadata().pdfa_status or None
    except pikepdf.PasswordError:
        return CopyReport(error="encrypted")
    except (pikepdf.PdfError, OSError, ValueError):
        return CopyReport(error="unreadable")
    try:
        signatures = _signatures(path, roots) if has_signature(path) else ()
    except Exception:  # noqa: BLE001 - untrusted bytes through a third-party parser: any failure is "unreadable"
        return CopyReport(error="unreadable", pdfa=_pdfa(path, claimed))
    return CopyReport(signatures=signatures, pdfa=_pdfa(path, claimed))


def _signatures(path: Path, roots: list[x509.Certificate]) -> tuple[SignatureCheck, ...]:
    with path.open("rb") as stream:
        reader = PdfFileReader(stream, strict=False)
        if reader.encrypted:  # an owner password only (empty user password) still lets anyone read it
            reader.decrypt(b"")
        try:
            embedded = reader.embedded_signatures
        except ValueError:  # a signature value that is not CMS at all (seen in a real scan)
            return (_UNPARSABLE,)
        return tuple(_one_signature(signature, roots) for signature in embedded)


def _one_signature(embedded: EmbeddedPdfSignature, roots: list[x509.Certificate]) -> SignatureCheck:
    try:
        result = validate_pdf_signature(embedded, ValidationContext(trust_roots=roots))
    except Exception:  # noqa: BLE001 - a malformed signature value (seen in a real scan): not a valid signature
        return _UNPARSABLE
    subject = result.signing_cert.subject.native
    when = result.signer_reported_dt
    return SignatureCheck(
        organisation=str(subject.get("organization_name") or subject.get("common_name") or ""),
        signed_at=when.astimezone(VN_ZONE).isoformat(timespec="seconds") if when else None,
        intact=bool(result.intact),
        valid=bool(result.valid),
        trusted=bool(result.trusted),
        covers_whole_document=result.coverage is not None and result.coverage.name == "ENTIRE_FILE",
    )


def _pdfa(path: Path, claimed: str | None) -> PdfaCheck:
    if claimed is None:
        return PdfaCheck(None, conforming=False)
    try:
        findings = check_pdfa(path, expect=claimed, require_text=False)
    except ValueError:  # a claim such as "4F" that is not a level check_pdfa knows
        return PdfaCheck(claimed, conforming=False, problems=(f"unknown PDF/A level {claimed}",))
    errors = [f.render() for f in findings if f.severity == "error"]
    return PdfaCheck(claimed, not errors, tuple(errors[:MAX_PROBLEMS]))


def copy_report(blob: Blob) -> CopyReport:
    """The report for a stored object, through :func:`~kho.storage.store.blob_path` (works for sealed objects).

    Cached by (digest, fingerprint of the trusted roots): the bytes under a digest never change, so only a
    change of the trusted roots (or a day passing) can change the answer.
    """
    fingerprint, roots = load_roots(trust_roots())
    key = f"kho:copy-report:{blob.digest}:{fingerprint}"
    cached = cache.get(key)
    if isinstance(cached, CopyReport):
        return cached
    try:
        with blob_path(blob) as path:
            if not path.is_file():
                return CopyReport(error="unreadable")  # missing from the store: not cached, fixity reports it
            report = inspect_pdf(path, roots)
    except (OSError, KhoError):  # missing object, no or wrong master key: shown, not cached, never a 500
        return CopyReport(error="unreadable")
    cache.set(key, report, CACHE_SECONDS)
    return report
