"""Reorganization events, the custody chain of each fonds, closure flags and readiness snapshots (standards.md §4).

A ``ReorganizationEvent`` is stored first (a plan, from the table of a decision) and applied later by
``ApplyReorganizationAction``; applying it writes the ``agencies.AgencyRelation`` lineage edges, ends the
predecessors, closes their fonds, moves custody and flags documents dated after the closing date.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.agencies.models import Agency, RelationKind
from kho.core.models import TimeStampedModel
from kho.records.models import Document, Fonds

# Kinds whose predecessors stop operating on the effective date (their fonds are closed).
ENDING_KINDS = frozenset({RelationKind.MERGE, RelationKind.SPLIT, RelationKind.DISSOLVE})


class ReorganizationEvent(TimeStampedModel):
    """One reorganization decided by one legal act: merge n→1, split 1→n, dissolution, rename, transfer."""

    kind = models.CharField(_("hình thức"), max_length=10, choices=RelationKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành quyết định"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    old_name = models.CharField(_("tên cũ (đổi tên)"), max_length=300, blank=True)
    new_name = models.CharField(_("tên mới (đổi tên)"), max_length=300, blank=True)
    source = models.CharField(_("nguồn (tệp nhập)"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("áp dụng lúc"), null=True, blank=True)

    class Meta:
        ordering = ["effective_date", "id"]
        indexes = [models.Index(fields=["decision_number"])]
        verbose_name = _("sự kiện sắp xếp tổ chức")
        verbose_name_plural = _("sự kiện sắp xếp tổ chức")

    def __str__(self) -> str:
        return f"{self.kind} {self.effective_date:%d/%m/%Y} {self.decision_number}"

    @property
    def ends_predecessors(self) -> bool:
        """Whether the predecessors stop operating (merge, split, dissolution)."""
        return self.kind in ENDING_KINDS

    def legal_basis(self) -> str:
        """The decision as one line: "123/QĐ-UBND ngày 16/06/2025 của UBND tỉnh" (for relations and records)."""
        parts = [self.decision_number]
        if self.decision_date:
            parts.append(f"ngày {self.decision_date:%d/%m/%Y}")
        if self.issuing_body:
            parts.append(f"của {self.issuing_body}")
        return " ".join(parts)


class ParticipantRole(models.TextChoices):
    """The side of an agency in a reorganization."""

    PREDECESSOR = "predecessor", _("Cơ quan trước")
    SUCCESSOR = "successor", _("Cơ quan kế thừa")


class Participant(models.Model):
    """An agency taking part in an event; a predecessor may name who receives its fonds (whole)."""

    event = models.ForeignKey(ReorganizationEvent, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=12, choices=ParticipantRole.choices)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    fonds_receiver = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan nhận phông"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["event", "role", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "agency", "role"], name="handover_participant_unique"),
            models.CheckConstraint(
                condition=models.Q(role="predecessor") | models.Q(fonds_receiver__isnull=True),
                name="handover_receiver_only_for_predecessor",
            ),
        ]
        verbose_name = _("cơ quan tham gia")
        verbose_name_plural = _("cơ quan tham gia")

    def __str__(self) -> str:
        return f"{self.role} {self.agency_id}"


class Custody(TimeStampedModel):
    """One link of the custody chain of a fonds: who held it, from when to when, on what legal basis."""

    fonds = models.ForeignKey(Fonds, verbose_name=_("phông"), on_delete=models.PROTECT, related_name="custody")
    holder = models.ForeignKey(
        Agency, verbose_name=_("cơ quan quản lý"), on_delete=models.PROTECT, related_name="custody_of"
    )
    from_date = models.DateField(_("từ ngày"), null=True, blank=True)
    to_date = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    event = models.ForeignKey(
        ReorganizationEvent,
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custody",
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["fonds", "from_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fonds"], condition=models.Q(to_date__isnull=True), name="handover_one_open_custody"
            ),
            models.CheckConstraint(
                condition=models.Q(to_date__isnull=True)
                | models.Q(from_date__isnull=True)
                | models.Q(to_date__gte=models.F("from_date")),
                name="handover_custody_range",
            ),
        ]
        verbose_name = _("quản lý phông")
        verbose_name_plural = _("lịch sử quản lý phông")

    def __str__(self) -> str:
        return f"{self.fonds_id} @ {self.holder_id} {self.from_date}..{self.to_date}"


class ClosureFlag(TimeStampedModel):
    """A document of a closed fonds dated after the closing date, to be reviewed (archival metadata untouched)."""

    document = models.ForeignKey(
        Document, verbose_name=_("tài liệu"), on_delete=models.CASCADE, related_name="closure_flags"
    )
    event = models.ForeignKey(
        ReorganizationEvent, verbose_name=_("sự kiện"), on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(_("lý do"), max_length=300)
    resolved_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)

    class Meta:
        ordering = ["document"]
        constraints = [models.UniqueConstraint(fields=["document", "event"], name="handover_flag_unique")]
        verbose_name = _("tài liệu cần xem lại khi đóng phông")
        verbose_name_plural = _("tài liệu cần xem lại khi đóng phông")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.reason}"


class ReadinessSnapshot(TimeStampedModel):
    """The counts of one readiness report, kept to follow progress before the agency's end date."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="readiness_snapshots"
    )
    taken_on = models.DateField(_("ngày lập"))
    end_date = models.DateField(_("ngày kết thúc hoạt động"), null=True, blank=True)
    fixity_days = models.PositiveSmallIntegerField(_("số ngày kiểm tra toàn vẹn"))
    counts = models.JSONField(_("số liệu"), default=dict)

    class Meta:
        ordering = ["agency", "-taken_on", "-id"]
        verbose_name = _("ảnh chụp mức sẵn sàng")
        verbose_name_plural = _("ảnh chụp mức sẵn sàng")

    def __str__(self) -> str:
        return f"{self.agency_id} {self.taken_on}"
