"""Agency and its lineage relations (standards.md §2.5 identifiers, §4 reorganisation)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.core.models import TimeStampedModel

# QĐ 20/2020/QĐ-TTg: ≤ 35 chars of [0-9A-Z.], dot-separated groups, level 1 leftmost (standards.md §2.5).
AGENCY_CODE_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")
AGENCY_CODE_MAX = 35
# QCVN 102:2016 / ND30 OrganId, 13 chars, level 1 rightmost: 000.00.00.G09.
LEGACY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def validate_agency_code(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is an electronic identifier code per QĐ 20/2020."""
    if len(value) > AGENCY_CODE_MAX or not AGENCY_CODE_RE.match(value):
        raise ValidationError(
            _("Mã định danh “%(value)s” không hợp lệ: tối đa 35 ký tự 0-9, A-Z, nhóm cách nhau bằng dấu chấm."),
            params={"value": value},
        )


def validate_legacy_code(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` has the 13-character legacy form ``000.00.00.G09``."""
    if not LEGACY_CODE_RE.match(value):
        raise ValidationError(
            _("Mã cơ quan cũ “%(value)s” không hợp lệ: cần dạng 13 ký tự như 000.00.00.G09."),
            params={"value": value},
        )


class AgencyLevel(models.TextChoices):
    """Administrative level of an agency."""

    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Khác")


class PoliticalSystem(models.TextChoices):
    """Which rules apply (standards.md §0): State, Party, or the Front and mass organisations."""

    STATE = "state", _("Nhà nước")
    PARTY = "party", _("Đảng")
    MASS = "mass", _("Mặt trận, đoàn thể")


class AgencyStatus(models.TextChoices):
    """Lifecycle of an agency through the reorganisation."""

    ACTIVE = "active", _("Đang hoạt động")
    ENDING = "ending", _("Sắp kết thúc hoạt động")
    ENDED = "ended", _("Đã kết thúc hoạt động")


class Agency(TimeStampedModel):
    """An agency or organisation that creates records (đơn vị hình thành phông)."""

    code = models.CharField(_("mã định danh điện tử"), max_length=35, unique=True, validators=[validate_agency_code])
    legacy_code = models.CharField(
        _("mã cơ quan (13 ký tự)"), max_length=13, blank=True, validators=[validate_legacy_code]
    )
    name = models.CharField(_("tên cơ quan"), max_length=300)
    short_name = models.CharField(_("tên viết tắt"), max_length=40, blank=True)
    level = models.CharField(_("cấp"), max_length=16, choices=AgencyLevel.choices, default=AgencyLevel.OTHER)
    system = models.CharField(
        _("hệ thống"), max_length=8, choices=PoliticalSystem.choices, default=PoliticalSystem.STATE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    status = models.CharField(_("trạng thái"), max_length=8, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE)
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("kết thúc hoạt động"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_code"], condition=~models.Q(legacy_code=""), name="agency_legacy_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
        ]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RelationKind(models.TextChoices):
    """Kinds of reorganisation that link a predecessor to a successor (standards.md §4)."""

    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia, tách")
    DISSOLVE = "dissolve", _("Giải thể")
    RENAME = "rename", _("Đổi tên")
    TRANSFER = "transfer", _("Chuyển giao quản lý")


class AgencyRelation(TimeStampedModel):
    """One lineage edge: ``predecessor`` passed (part of) its functions to ``successor`` on a date."""

    predecessor = models.ForeignKey(
        Agency, verbose_name=_("cơ quan trước"), on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Agency, verbose_name=_("cơ quan kế thừa"), on_delete=models.PROTECT, related_name="predecessor_links"
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=RelationKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ (số quyết định)"), max_length=100, blank=True)
    legal_basis_date = models.DateField(_("ngày quyết định"), null=True, blank=True)

    class Meta:
        ordering = ["effective_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor", "kind"], name="agency_relation_unique"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="agency_relation_not_self"
            ),
        ]
        verbose_name = _("quan hệ kế thừa")
        verbose_name_plural = _("quan hệ kế thừa")

    def __str__(self) -> str:
        return f"{self.predecessor.code} -[{self.kind}]-> {self.successor.code}"
