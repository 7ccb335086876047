"""Sign a PDF/A-2b copy with the organisation's key (PAdES B-B) and verify signatures. Pure module.

standards.md §1: the organisation's digital signature, top right of page 1, visible text = organisation
name + signing time (date h:m:s, Vietnam time zone, ISO 8601), 10 pt, black, no seal image; sign AFTER the
PDF/A conversion, incrementally. toolnotes §5: pyHanko writes a different Producer into the Info
dictionary and the XMP, which breaks PDF/A; ``_PdfaWriter`` makes them agree.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from kho.core.text import nfc

VN_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FIELD_NAME = "ChuKyCoQuan"
STAMP_WIDTH, STAMP_HEIGHT, MARGIN, LINE_CHARS = 230, 48, 14, 40
# Liberation Serif 2 has Times metrics but pyHanko's glyph accumulator spaces its glyphs wrongly (seen on
# 2026-11-21); Noto Serif renders correctly.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)


class SigningError(Exception):
    """The PDF could not be signed (missing key or certificate, unreadable PDF, no usable font)."""


@dataclass(frozen=True, slots=True)
class SigningIdentity:
    """Where an organisation's key and certificates are, and the name printed in the stamp."""

    organisation: str
    key_path: Path
    cert_path: Path
    chain_paths: tuple[Path, ...] = ()
    key_passphrase: bytes | None = None


@dataclass(frozen=True, slots=True)
class SignatureStatus:
    """What verification found for one signature."""

    field: str
    signer: str
    signed_at: str | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool

    @property
    def ok(self) -> bool:
        """Intact, cryptographically valid, trusted and covering the whole file."""
        return self.intact and self.valid and self.trusted and self.covers_whole_file


class _PdfaWriter(IncrementalPdfFileWriter):
    """Keeps Info /Producer equal to the XMP pdf:Producer pyHanko writes (PDF/A metadata agreement)."""

    def _update_meta(self) -> None:
        super()._update_meta()  # type: ignore[no-untyped-call]
        if self._info is not None:
            info = self._info.get_object()  # type: ignore[no-untyped-call]
            info["/Producer"] = generic.TextStringObject(VENDOR)
            self.mark_update(self._info)


def _font() -> str:
    found = next((f for f in FONT_CANDIDATES if Path(f).is_file()), None)
    if found is None:
        raise SigningError("no serif font with Vietnamese glyphs: apt-get install fonts-liberation2")
    return found


def _stamp_box(reader: PdfFileReader) -> tuple[int, int, int, int]:
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    x1, y1 = (int(float(v)) for v in list(page["/MediaBox"])[2:])
    return (x1 - MARGIN - STAMP_WIDTH, y1 - MARGIN - STAMP_HEIGHT, x1 - MARGIN, y1 - MARGIN)


def sign_pdf(src: Path, dst: Path, identity: SigningIdentity, *, when: dt.datetime | None = None) -> None:
    """Sign ``src`` into ``dst`` with a visible stamp at the top right of page 1 (PAdES B-B)."""
    try:
        signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
            str(identity.key_path),
            str(identity.cert_path),
            ca_chain_files=[str(p) for p in identity.chain_paths],
            key_passphrase=identity.key_passphrase,
        )
    except (OSError, ValueError) as error:
        raise SigningError(f"cannot load the signing key or certificate: {error}") from error
    if signer is None:
        raise SigningError("cannot load the signing key or certificate")
    moment = (when or dt.datetime.now(tz=VN_ZONE)).astimezone(VN_ZONE)
    organisation = nfc(identity.organisation)
    style = TextStampStyle(
        stamp_text="\n".join([*textwrap.wrap(organisation, LINE_CHARS)[:2], moment.isoformat(timespec="seconds")]),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(_font()), font_size=10),
        border_width=0,
        background=None,
    )
    with src.open("rb") as inf:
        writer = _PdfaWriter(inf)
        box = _stamp_box(writer.prev)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            name=organisation,
            reason="Chữ ký số của cơ quan, tổ chức trên bản số hóa",
        )
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, stamp_style=style, new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=0, box=box)
        )
        with dst.open("wb") as out:
            pdf_signer.sign_pdf(writer, output=out)


def verify_pdf(path: Path, trust_roots: list[Path]) -> list[SignatureStatus]:
    """Verify every signature of ``path`` against ``trust_roots`` (PEM or DER files); [] if unsigned."""
    from asn1crypto import pem, x509

    roots = []
    for root in trust_roots:
        data = root.read_bytes()
        roots.append(x509.Certificate.load(pem.unarmor(data)[2] if pem.detect(data) else data))
    statuses = []
    with path.open("rb") as stream:
        reader = PdfFileReader(stream)
        for embedded in reader.embedded_signatures:
            result = validate_pdf_signature(embedded, ValidationContext(trust_roots=roots))
            statuses.append(
                SignatureStatus(
                    field=embedded.field_name,
                    signer=result.signing_cert.subject.human_friendly,
                    signed_at=result.signer_reported_dt.isoformat() if result.signer_reported_dt else None,
                    intact=result.intact,
                    valid=result.valid,
                    trusted=result.trusted,
                    covers_whole_file=result.coverage is not None and result.coverage.name == "ENTIRE_FILE",
                )
            )
    return statuses
