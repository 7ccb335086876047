"""Map extracted metadata (``kho.ingest.extract``) onto Document fields; used by digitization and review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kho.core.codetables import SecrecyLevel
from kho.core.text import clean
from kho.ingest.extract import ExtractedMetadata
from kho.records.choices import VerificationStatus

MEDIA_TYPES = {"pdf": "application/pdf", "tiff": "image/tiff", "jpeg": "image/jpeg", "png": "image/png"}


def split_number_symbol(number_symbol: str) -> tuple[str, str]:
    """Split ``15/QĐ-BNV`` into (``15``, ``QĐ-BNV``) and Party ``64-CV/TW`` into (``64``, ``CV/TW``)."""
    text = clean(number_symbol)
    for separator in ("/", "-"):
        head, sep, tail = text.partition(separator)
        if sep and head.isdigit():
            return head, tail
    return "", text


def parse_iso_date(value: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` to a date; None for empty or impossible dates."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def document_fields(metadata: ExtractedMetadata) -> dict[str, Any]:
    """Document field values from extracted metadata (text truncated to the TT05 lengths)."""
    number, notation = split_number_symbol(metadata.number_symbol or "")
    secrecy = SecrecyLevel.from_mark(metadata.classification)
    return {
        "number_symbol": clean(metadata.number_symbol)[:50],
        "code_number": (metadata.number or number)[:11],
        "code_notation": notation[:30],
        "type_code": metadata.doc_type_code or "",
        "type_name": clean(metadata.doc_type)[:100],
        "issued_date": parse_iso_date(metadata.issued_date),
        "organ_name": clean(metadata.issuer)[:200],
        "organ_parent": clean(metadata.issuer_parent)[:200],
        "place": clean(metadata.place)[:100],
        "subject": clean(metadata.summary)[:500],
        "signer": clean(metadata.signer)[:100],
        "signer_title": clean(metadata.signer_title)[:200],
        "signer_authority": clean(metadata.signer_authority)[:200],
        "secrecy_level": int(secrecy),
        "mode": "03" if secrecy > SecrecyLevel.NONE else "01",
        "urgency": metadata.urgency or "",
        "recipients": [clean(r) for r in metadata.recipients],
        "number_of_page": metadata.pages,
        "extracted": {k: v for k, v in metadata.as_dict().items() if k not in {"text", "confidence"}},
        "confidence": dict(metadata.confidence),
        "verification_status": review_status(metadata),
    }


def review_status(metadata: ExtractedMetadata) -> str:
    """``needs_review`` when a field has low confidence or QC found an error or warning."""
    flagged = metadata.review_fields() or any(f.get("severity") in {"error", "warning"} for f in metadata.qc)
    return VerificationStatus.NEEDS_REVIEW if flagged else VerificationStatus.UNVERIFIED
