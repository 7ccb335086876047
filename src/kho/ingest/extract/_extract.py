"""The extractor: runs the field readers in layout order and assembles :class:`ExtractedMetadata`."""

from __future__ import annotations

from typing import NamedTuple

from kho.core.codetables import DOC_TYPE, DOC_TYPE_OTHER
from kho.core.text import N_, nfc
from kho.ingest.extract._accents import restore_accents
from kho.ingest.extract._dates import PlaceDate, find_place_date
from kho.ingest.extract._header import (
    Issuer,
    Summary,
    find_body_start,
    find_issuer,
    find_stamps,
    find_summary,
)
from kho.ingest.extract._model import CORE_FIELDS, REVIEW_THRESHOLD, ExtractedMetadata, QcFinding
from kho.ingest.extract._numbers import NumberSymbol, find_number_symbol
from kho.ingest.extract._recipients import find_recipients
from kho.ingest.extract._references import Reference, references_from_lines
from kho.ingest.extract._signature import Signature, find_signature
from kho.ingest.extract._text import Line, drop_specks, split_lines
from kho.ingest.extract._types import CONG_VAN, DocType, type_from_symbol

_VBHN = "VBHN"
_CONG_VAN_TYPE = DocType(DOC_TYPE[CONG_VAN], CONG_VAN)
_VBHN_TYPE = DocType("Văn bản hợp nhất", DOC_TYPE_OTHER)


class _Typed(NamedTuple):
    doc_type: DocType | None
    confidence: float


class _Fields(NamedTuple):
    """Everything the readers found, before it is flattened into ExtractedMetadata."""

    number: NumberSymbol | None
    place_date: PlaceDate
    summary: Summary
    issuer: Issuer
    typed: _Typed
    signature: Signature
    classification: tuple[str | None, float]
    urgency: tuple[str | None, float]
    recipients: list[str]
    references: list[Reference]


def _doc_type(summary: Summary, number: NumberSymbol | None) -> _Typed:
    """Decide the type: VBHN symbol, then the type line, then ``V/v``, then the symbol abbreviation."""
    if number and _VBHN in number.number_symbol.upper():
        return _Typed(_VBHN_TYPE, 0.9)
    if summary.type_line is not None:
        return _Typed(summary.type_line.doc_type, 0.8 if summary.type_line.accents_lost else 0.95)
    if summary.from_vv:
        return _Typed(_CONG_VAN_TYPE, 0.9)
    from_symbol = type_from_symbol(number.number_symbol) if number else None
    if from_symbol is not None:
        doc_type, lost = from_symbol
        return _Typed(doc_type, 0.6 if lost else 0.8)
    if number is not None:
        # A State công văn carries no type abbreviation in its symbol (12/UBND-VX).
        return _Typed(_CONG_VAN_TYPE, 0.7)
    return _Typed(None, 0.0)


def _issuer_stop(lines: list[Line], number: NumberSymbol | None, summary: Summary, body_start: int) -> int:
    candidates = [body_start, len(lines)]
    if number is not None:
        candidates.append(number.line_index)
    if summary.type_index is not None:
        candidates.append(summary.type_index)
    return min(candidates)


def _read(lines: list[Line]) -> _Fields:
    """Run the readers in layout order: body start, number, date, type and summary, issuer, the rest."""
    body_start = find_body_start(lines)
    number = find_number_symbol(lines, body_start)
    summary = find_summary(lines, body_start, number.line_index if number else None)
    secrecy, secrecy_confidence, urgency, urgency_confidence = find_stamps(lines, body_start)
    return _Fields(
        number=number,
        place_date=find_place_date(lines, body_start),
        summary=summary,
        issuer=find_issuer(lines, _issuer_stop(lines, number, summary, body_start)),
        typed=_doc_type(summary, number),
        signature=find_signature(lines),
        classification=(secrecy, secrecy_confidence),
        urgency=(urgency.value if urgency else None, urgency_confidence),
        recipients=find_recipients(lines),
        references=references_from_lines(lines, number.number_symbol if number else None),
    )


def _confidences(fields: _Fields) -> dict[str, float]:
    """Confidence per extracted field; a missing core field gets 0.0 (see CORE_FIELDS)."""
    number, place_date, signature = fields.number, fields.place_date, fields.signature
    number_confidence = number.confidence if number else 0.0
    values: dict[str, tuple[object, float]] = {
        "issuer": (fields.issuer.issuer, fields.issuer.confidence),
        "issuer_parent": (fields.issuer.parent, fields.issuer.confidence),
        "number": (number.number if number else None, number_confidence),
        "number_symbol": (number.number_symbol if number else None, number_confidence),
        "doc_type": fields.typed,
        "doc_type_code": fields.typed,
        "issued_date": (place_date.date, place_date.date_confidence),
        "place": (place_date.place, place_date.place_confidence),
        "summary": (fields.summary.summary, 0.9 if fields.summary.type_line or fields.summary.from_vv else 0.5),
        "signer": (signature.signer, signature.confidence),
        "signer_title": (signature.title, signature.confidence),
        "signer_authority": (signature.authority, signature.confidence),
        "classification": fields.classification,
        "urgency": fields.urgency,
        "recipients": (fields.recipients, 0.8),
        "references": (fields.references, 0.9),
    }
    confidence: dict[str, float] = {}
    for name, (value, score) in values.items():
        if value:
            confidence[name] = round(max(0.0, min(1.0, score)), 2)
        elif name in CORE_FIELDS:
            confidence[name] = 0.0
    return confidence


def _qc(confidence: dict[str, float]) -> list[QcFinding]:
    findings: list[QcFinding] = []
    for name, value in confidence.items():
        if value <= 0.0:
            message = N_("%(field)s was not found in the text; enter it by hand.")
            findings.append({"code": "missing_field", "field": name, "message": message})
        elif value < REVIEW_THRESHOLD:
            message = N_("Check %(field)s: extraction confidence %(confidence)s is below the review threshold.")
            findings.append({"code": "low_confidence", "field": name, "confidence": f"{value:.2f}", "message": message})
    return findings


def extract_metadata(text: str) -> ExtractedMetadata:
    """Read the metadata of one Vietnamese administrative document from its OCR (or extracted) text.

    State and Party layouts are both handled (standards.md §5). The function is pure and total: it never
    raises for any ``str``; fields it cannot find are None (or empty lists) with a QC finding.

    Args:
        text: the text of the document, any Unicode normalisation form.

    Returns:
        The extracted metadata; ``pages`` is 1 until the caller sets it with
        :meth:`ExtractedMetadata.with_pages`.
    """
    source = nfc(text)
    fields = _read(split_lines(source))
    number, doc_type, signature = fields.number, fields.typed.doc_type, fields.signature
    confidence = _confidences(fields)
    return ExtractedMetadata(
        issuer=restore_accents(drop_specks(fields.issuer.issuer)),
        issuer_parent=restore_accents(drop_specks(fields.issuer.parent)),
        number=number.number if number else None,
        number_symbol=number.number_symbol if number else None,
        doc_type=doc_type.name if doc_type else None,
        doc_type_code=doc_type.code if doc_type else None,
        issued_date=fields.place_date.date,
        place=fields.place_date.place,
        summary=drop_specks(fields.summary.summary),
        signer=signature.signer,
        signer_title=restore_accents(signature.title),
        signer_authority=restore_accents(signature.authority),
        classification=fields.classification[0],
        urgency=fields.urgency[0],
        recipients=fields.recipients,
        references=[reference.number_symbol for reference in fields.references],
        text=source,
        confidence=confidence,
        qc=_qc(confidence),
    )
