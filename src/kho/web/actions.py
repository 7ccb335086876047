"""Verification of a digitized document's metadata (the second pass of standards.md §3).

``VerifyDocumentAction`` is ``check()`` + ``execute()`` + audit (style.md rules 1, 2). It lives here until
the ingest app grows a ``verify`` module for it; nothing in it depends on the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kho.access.levels import Action
from kho.access.policies import check as check_access
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.ingest.extract import REVIEW_THRESHOLD
from kho.records.choices import DigitizationStatus, VerificationStatus
from kho.records.models import Document, Record

__all__ = ["CONFIDENCE_FIELDS", "VERIFY_FIELDS", "VerifyDocumentAction", "VerifyResult", "low_confidence_fields"]

# Document fields a verifier may correct, in form order.
VERIFY_FIELDS = (
    "number_symbol",
    "code_number",
    "code_notation",
    "type_code",
    "type_name",
    "issued_date",
    "organ_name",
    "organ_parent",
    "place",
    "subject",
    "signer",
    "signer_title",
    "signer_authority",
    "secrecy_level",
    "urgency",
    "mode",
    "maintenance",
    "language",
    "number_of_page",
    "copy_type",
    "keyword",
    "infor_sign",
    "topic",
    "autograph",
    "format",
    "description",
)
# Extractor field (Document.confidence key) -> the Document field it fills.
CONFIDENCE_FIELDS = {
    "issuer": "organ_name",
    "issuer_parent": "organ_parent",
    "number": "code_number",
    "number_symbol": "number_symbol",
    "doc_type": "type_name",
    "doc_type_code": "type_code",
    "issued_date": "issued_date",
    "place": "place",
    "summary": "subject",
    "signer": "signer",
    "signer_title": "signer_title",
    "signer_authority": "signer_authority",
    "classification": "secrecy_level",
    "urgency": "urgency",
}


def low_confidence_fields(document: Document) -> dict[str, float]:
    """Document fields whose extraction confidence is below the review threshold (0.8), with the confidence."""
    low: dict[str, float] = {}
    for key, value in (document.confidence or {}).items():
        target = CONFIDENCE_FIELDS.get(key)
        if target and isinstance(value, int | float) and value < REVIEW_THRESHOLD:
            low[target] = min(float(value), low.get(target, 1.0))
    return low


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What a verification changed."""

    doc_code: str
    changed: list[str] = field(default_factory=list)
    record_verified: bool = False


class VerifyDocumentAction:
    """Save a verifier's corrections and approve the document (``verified`` by the user, now).

    Lowering the secrecy level is a declassification and needs the ``declassify`` action as well.
    """

    def __init__(self, document: Document, user: Any, values: dict[str, Any]) -> None:
        self.document = document
        self.user = user
        self.values = {name: value for name, value in values.items() if name in VERIFY_FIELDS}

    def check(self) -> None:
        """Raise ``AccessDeniedError`` unless the user may verify (and, when lowering it, declassify).

        Judged on the stored document, not on the instance passed in: a bound ``ModelForm`` has already
        copied the submitted values onto that instance.
        """
        stored = Document.objects.select_related("record__fonds").get(pk=self.document.pk)
        check_access(self.user, Action.VERIFY, stored)
        level = self.values.get("secrecy_level")
        if level is not None and int(level) < stored.secrecy_level:
            check_access(self.user, Action.DECLASSIFY, stored)

    def execute(self) -> VerifyResult:
        """Apply the values, mark verified, append METADATA_MODIFICATION (if any change) and VERIFICATION."""
        self.check()
        with transaction.atomic():
            document = Document.objects.select_for_update().select_related("record").get(pk=self.document.pk)
            changed = [name for name, value in self.values.items() if getattr(document, name) != value]
            for name in changed:
                setattr(document, name, self.values[name])
            review = sorted(low_confidence_fields(document))
            document.verification_status = VerificationStatus.VERIFIED
            document.verified_by = self.user
            document.verified_at = timezone.now()
            document.save()
            self._audit(document, changed, review)
            record_verified = _mark_record_if_verified(document.record)
        self.document = document
        return VerifyResult(document.doc_code, changed, record_verified)

    def _audit(self, document: Document, changed: list[str], review: list[str]) -> None:
        agent = log.user_agent(self.user)
        events = []
        if changed:
            # Field names only: the values may be classified and the log is exported (standards.md §6.8).
            events.append(
                log.NewEvent(
                    EventType.METADATA_MODIFICATION,
                    agent=agent,
                    object_type="document",
                    object_id=document.doc_code,
                    detail="metadata corrected during verification",
                    data={"fields": changed},
                )
            )
        events.append(
            log.NewEvent(
                EventType.VERIFICATION,
                agent=agent,
                object_type="document",
                object_id=document.doc_code,
                detail="metadata verified and approved",
                data={"low_confidence": review, "changed": len(changed)},
            )
        )
        log.append_many(events)


def _mark_record_if_verified(record: Record) -> bool:
    """Mark the record verified once every document in it is verified; return whether it now is."""
    if record.documents.exclude(verification_status=VerificationStatus.VERIFIED).exists():
        return False
    Record.objects.filter(pk=record.pk, digitization_status=DigitizationStatus.DIGITIZED).update(
        digitization_status=DigitizationStatus.VERIFIED
    )
    return True
