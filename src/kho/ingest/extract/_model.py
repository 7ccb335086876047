"""Result type of the metadata extractor: :class:`ExtractedMetadata` and its QC findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Fields whose confidence is below this value are listed by ExtractedMetadata.review_fields() and get a
# "low_confidence" QC finding, so a person checks them in the two-pass verification (standards.md §3).
REVIEW_THRESHOLD = 0.8

# A QC finding: "code" (stable identifier), "message" (English template for gettext whose %(name)s
# placeholders are filled from the finding's other keys) and usually "field". Callers may add other keys.
QcFinding = dict[str, str]

# Fields that every document should have; when one is missing its confidence is reported as 0.0.
CORE_FIELDS = ("issuer", "number_symbol", "doc_type", "issued_date", "summary", "signer")


@dataclass(frozen=True, slots=True)
class ExtractedMetadata:
    """Metadata read from the OCR text of one administrative document.

    The field order is part of the contract: :meth:`as_dict` returns exactly these keys in this order.

    Attributes:
        issuer: issuing body as printed (``"ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"``).
        issuer_parent: parent/superior body as printed (``"BỘ TÀI CHÍNH"``), or None.
        number: numeric part of the number (``"15"``).
        number_symbol: whole number and symbol (``"15/QĐ-BNV"``, ``"64-CV/TW"``).
        doc_type: type name (TT05 name, or the literal name for code 32: ``"Kết luận"``).
        doc_type_code: TT05 ``typeName`` code (``"02"``; ``"22"`` for công văn).
        issued_date: ISO ``YYYY-MM-DD``.
        place: place name of the place-date line (``"Hà Nội"``).
        summary: trích yếu without its ``V/v``/``Về việc`` prefix.
        signer: signer's full name.
        signer_title: position above the name (``"PHÓ CHỦ TỊCH"``).
        signer_authority: authority lines joined by `` / `` (``"TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"``).
        classification: None, ``"MẬT"``, ``"TỐI MẬT"`` or ``"TUYỆT MẬT"``.
        urgency: None, ``"KHẨN"``, ``"THƯỢNG KHẨN"`` or ``"HỎA TỐC"``.
        recipients: ``Kính gửi`` and ``Nơi nhận`` entries, without ``Lưu: …``.
        references: number/symbols of cited documents, never the document's own.
        pages: page count; the extractor sets 1, the caller sets the real count.
        text: the NFC input text.
        confidence: field name -> confidence in [0, 1] for every extracted field; missing core fields
            (:data:`CORE_FIELDS`) are reported with 0.0.
        qc: findings (:data:`QcFinding`); the extractor adds low-confidence and missing-field findings, the
            caller appends image QC findings with :meth:`with_qc`.
    """

    issuer: str | None = None
    issuer_parent: str | None = None
    number: str | None = None
    number_symbol: str | None = None
    doc_type: str | None = None
    doc_type_code: str | None = None
    issued_date: str | None = None
    place: str | None = None
    summary: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    signer_authority: str | None = None
    classification: str | None = None
    urgency: str | None = None
    recipients: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    pages: int = 1
    text: str = ""
    confidence: dict[str, float] = field(default_factory=dict)
    qc: list[QcFinding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a new dict with exactly the documented keys, in field order.

        Lists and dicts are copied, so changing the result does not change this object.
        """
        result: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, list):
                value = [dict(entry) if isinstance(entry, dict) else entry for entry in value]
            elif isinstance(value, dict):
                value = dict(value)
            result[item.name] = value
        return result

    def review_fields(self, threshold: float = REVIEW_THRESHOLD) -> list[str]:
        """List the fields whose confidence is below ``threshold``, in field order.

        Args:
            threshold: defaults to :data:`REVIEW_THRESHOLD`.

        Returns:
            Field names for a person to check.
        """
        order = [item.name for item in dataclasses.fields(self)]
        low = [name for name, value in self.confidence.items() if value < threshold]
        return sorted(low, key=lambda name: order.index(name) if name in order else len(order))

    def with_pages(self, pages: int) -> ExtractedMetadata:
        """Return a copy with ``pages`` set (the extractor only sees text, so it cannot count pages)."""
        return dataclasses.replace(self, pages=pages)

    def with_qc(self, findings: Iterable[QcFinding]) -> ExtractedMetadata:
        """Return a copy with ``findings`` (for example image QC results) appended to :attr:`qc`."""
        return dataclasses.replace(self, qc=[*self.qc, *(dict(finding) for finding in findings)])
