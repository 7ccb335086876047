"""The extractor: runs the field readers in layout order and assembles :class:`ExtractedMetadata`."""

from __future__ import annotations

from typing import NamedTuple

from kho.core.text import N_, nfc
from kho.ingest.extract._dates import find_place_date
from kho.ingest.extract._header import Summary, find_body_start, find_issuer, find_stamps, find_summary
from kho.ingest.extract._model import CORE_FIELDS, REVIEW_THRESHOLD, ExtractedMetadata, QcFinding
from kho.ingest.extract._numbers import NumberSymbol, find_number_symbol
from kho.ingest.extract._recipients import find_recipients
from kho.ingest.extract._references import references_from_lines
from kho.ingest.extract._signature import find_signature
from kho.ingest.extract._text import Line, split_lines
from kho.ingest.extract._types import CONG_VAN, DocType, type_by_name, type_from_symbol

_VBHN = "VBHN"


class _Typed(NamedTuple):
    doc_type: DocType | None
    confidence: float


def _doc_type(summary: Summary, number: NumberSymbol | None) -> _Typed:
    """Decide the type: VBHN symbol, then the type line, then ``V/v``, then the symbol abbreviation."""
    from_symbol = type_from_symbol(number.number_symbol) if number else None
    if number and _VBHN in number.number_symbol.upper():
        return _Typed(type_by_name("Văn bản hợp nhất"), 0.9)
    if summary.type_line is not None:
        confidence = 0.8 if summary.type_line.accents_lost else 0.95
        return _Typed(summary.type_line.doc_type, confidence)
    if summary.from_vv:
        return _Typed(type_by_name("Công văn"), 0.9)
    if from_symbol is not None:
        doc_type, lost = from_symbol
        return _Typed(doc_type, 0.6 if lost else 0.8)
    if number is not None:
        # A State công văn carries no type abbreviation in its symbol (12/UBND-VX).
        cong_van = type_by_name("Công văn")
        assert cong_van is not None and cong_van.code == CONG_VAN  # noqa: S101 - static table invariant
        return _Typed(cong_van, 0.7)
    return _Typed(None, 0.0)


def _issuer_stop(lines: list[Line], number: NumberSymbol | None, summary: Summary, body_start: int) -> int:
    candidates = [body_start, len(lines)]
    if number is not None:
        candidates.append(number.line_index)
    if summary.type_index is not None:
        candidates.append(summary.type_index)
    return min(candidates)


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


def _confidences(values: dict[str, tuple[object, float]]) -> dict[str, float]:
    confidence: dict[str, float] = {}
    for name, (value, score) in values.items():
        if value:
            confidence[name] = round(max(0.0, min(1.0, score)), 2)
        elif name in CORE_FIELDS:
            confidence[name] = 0.0
    return confidence


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
    lines = split_lines(source)
    body_start = find_body_start(lines)
    number = find_number_symbol(lines, body_start)
    place_date = find_place_date(lines, body_start)
    summary = find_summary(lines, body_start, number.line_index if number else None)
    issuer = find_issuer(lines, _issuer_stop(lines, number, summary, body_start))
    typed = _doc_type(summary, number)
    signature = find_signature(lines)
    classification, secrecy_confidence, urgency, urgency_confidence = find_stamps(lines, body_start)
    recipients = find_recipients(lines)
    references = references_from_lines(lines, number.number_symbol if number else None)
    number_confidence = number.confidence if number else 0.0
    summary_confidence = 0.9 if summary.type_line or summary.from_vv else 0.5
    confidence = _confidences(
        {
            "issuer": (issuer.issuer, issuer.confidence),
            "issuer_parent": (issuer.parent, issuer.confidence),
            "number": (number.number if number else None, number_confidence),
            "number_symbol": (number.number_symbol if number else None, number_confidence),
            "doc_type": (typed.doc_type, typed.confidence),
            "doc_type_code": (typed.doc_type, typed.confidence),
            "issued_date": (place_date.date, place_date.date_confidence),
            "place": (place_date.place, place_date.place_confidence),
            "summary": (summary.summary, summary_confidence),
            "signer": (signature.signer, signature.confidence),
            "signer_title": (signature.title, signature.confidence),
            "signer_authority": (signature.authority, signature.confidence),
            "classification": (classification, secrecy_confidence),
            "urgency": (urgency, urgency_confidence),
            "recipients": (recipients, 0.8),
            "references": (references, 0.9),
        }
    )
    return ExtractedMetadata(
        issuer=issuer.issuer,
        issuer_parent=issuer.parent,
        number=number.number if number else None,
        number_symbol=number.number_symbol if number else None,
        doc_type=typed.doc_type.name if typed.doc_type else None,
        doc_type_code=typed.doc_type.code if typed.doc_type else None,
        issued_date=place_date.date,
        place=place_date.place,
        summary=summary.summary,
        signer=signature.signer,
        signer_title=signature.title,
        signer_authority=signature.authority,
        classification=classification,
        urgency=urgency.value if urgency else None,
        recipients=recipients,
        references=[reference.number_symbol for reference in references],
        text=source,
        confidence=confidence,
        qc=_qc(confidence),
    )
