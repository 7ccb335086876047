"""Small signed PDF/A copies for the signature tests: a veraPDF PDF/A-2b sample signed with the test CA.

Signing a one-page born-digital PDF/A takes well under a second (no OCR), so these run in every test run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from kho.signing.pades import sign_pdf
from kho.signing.testca import issue_signer

PDFA = (
    Path("/work/shared/testdata/verapdf-corpus/samples/PDF_A-2b/6.6 Metadata")
    / "6.6.4 Version and conformance level identification/veraPDF test suite 6-6-4-t01-pass-a.pdf"
)
ORGANISATION = "Ủy ban nhân dân xã Thống Nhất"
SIGNED_TEXT = b"veraPDF Consortium"  # first found in the XMP of the first revision: inside the signed range


def signed_copy(folder: Path, name: str = "signed.pdf") -> tuple[Path, Path]:
    """Sign the PDF/A sample for ``ORGANISATION``; return (signed file, the test CA's root certificate)."""
    if not PDFA.is_file():
        pytest.skip(f"veraPDF sample not found: {PDFA}")
    identity = issue_signer(folder / "keys", ORGANISATION, "h49-64-33")
    signed = folder / name
    sign_pdf(PDFA, signed, identity)
    return signed, folder / "keys" / "test-ca.pem"


def change_signed_byte(src: Path, dst: Path) -> Path:
    """Copy ``src`` with one letter changed inside the signed range (the file still parses)."""
    data = src.read_bytes()
    assert SIGNED_TEXT in data
    dst.write_bytes(data.replace(SIGNED_TEXT, b"veraPDF Consortiun", 1))
    return dst


def append_update(src: Path, dst: Path) -> Path:
    """Copy ``src`` with an incremental update appended after the signature (a new document title)."""
    with src.open("rb") as stream:
        writer = IncrementalPdfFileWriter(stream)
        catalog = writer.root
        catalog["/Lang"] = generic.TextStringObject("vi")  # any change to the document after signing
        writer.update_root()
        with dst.open("wb") as out:
            writer.write(out)
    return dst
