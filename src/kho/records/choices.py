"""Django choices built from the TT05 code tables in ``kho.core.codetables`` (one source of truth)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.core.codetables import (
    ACCESS_MODE,
    CONFIDENCE_LEVEL,
    DOC_TYPE,
    PHYSICAL_STATE,
    RETENTION,
    RISK_RECOVERY_STATUS,
    SecrecyLevel,
    Urgency,
)


def _pairs(table: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, f"{code} - {name}") for code, name in table.items()]


RETENTION_CHOICES = _pairs(RETENTION)
ACCESS_MODE_CHOICES = _pairs(ACCESS_MODE)
PHYSICAL_STATE_CHOICES = _pairs(PHYSICAL_STATE)
CONFIDENCE_LEVEL_CHOICES = _pairs(CONFIDENCE_LEVEL)
RISK_RECOVERY_STATUS_CHOICES = _pairs(RISK_RECOVERY_STATUS)
DOC_TYPE_CHOICES = _pairs(DOC_TYPE)
SECRECY_CHOICES = [
    (SecrecyLevel.NONE.value, _("Thường")),
    (SecrecyLevel.MAT.value, _("Mật")),
    (SecrecyLevel.TOI_MAT.value, _("Tối mật")),
    (SecrecyLevel.TUYET_MAT.value, _("Tuyệt mật")),
]
URGENCY_CHOICES = [(u.value, u.value) for u in Urgency]


class FondsStatus(models.TextChoices):
    """A fonds is closed from the day its agency ends operations (standards.md §2.1, §4)."""

    OPEN = "open", _("Mở")
    CLOSED = "closed", _("Đóng")


class DigitizationStatus(models.TextChoices):
    """Where a record stands in digitization."""

    NOT_STARTED = "not_started", _("Chưa số hóa")
    IN_PROGRESS = "in_progress", _("Đang số hóa")
    DIGITIZED = "digitized", _("Đã số hóa")
    VERIFIED = "verified", _("Đã kiểm tra")


class VerificationStatus(models.TextChoices):
    """Human verification of a document's metadata."""

    UNVERIFIED = "unverified", _("Chưa kiểm tra")
    NEEDS_REVIEW = "needs_review", _("Cần xem lại")
    VERIFIED = "verified", _("Đã kiểm tra")


class CopyType(models.TextChoices):
    """Loại bản (Party superset, standards.md §2.6)."""

    ORIGINAL = "original", _("Bản gốc")
    MASTER = "master", _("Bản chính")
    COPY = "copy", _("Bản sao y")
    EXTRACT = "extract", _("Bản trích sao")
    TRANSCRIPT = "transcript", _("Bản sao lục")
    OTHER = "other", _("Khác")


class ObjectRole(models.TextChoices):
    """What a digital object is for a document."""

    ORIGINAL = "original", _("Bản gốc điện tử")
    MASTER = "master", _("Bản quét gốc")
    ACCESS = "access", _("Bản PDF/A khai thác")
    TEXT = "text", _("Văn bản OCR")
    DERIVATIVE = "derivative", _("Bản dẫn xuất")
