"""The transfer register: one row per package this archive sent or received."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Whether this archive built the package or received it."""

    EXPORT = "export", _("Xuất (bên giao)")
    IMPORT = "import", _("Nhập (bên nhận)")


class PackageTransfer(models.Model):
    """A transfer package (BagIt bag holding an E-ARK CSIP package) exported or imported once.

    ``package_id`` is the METS ``OBJID``; ``root_hash`` is :func:`kho.packages.formats.root_hash` of the
    bag, the digest the handover record prints. An import is identified by both: the same package
    imported again is recognised and changes nothing.
    """

    direction = models.CharField(_("chiều"), max_length=6, choices=Direction.choices)
    package_id = models.CharField(_("mã gói (OBJID)"), max_length=200)
    root_hash = models.CharField(_("mã băm gốc"), max_length=71)
    fonds_code = models.CharField(_("mã phông"), max_length=40)
    sender_code = models.CharField(_("mã cơ quan giao"), max_length=35)
    receiver_code = models.CharField(_("mã cơ quan nhận"), max_length=35, blank=True)
    records = models.PositiveIntegerField(_("số hồ sơ"), default=0)
    documents = models.PositiveIntegerField(_("số tài liệu"), default=0)
    files = models.PositiveIntegerField(_("số tệp"), default=0)
    bytes = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    created = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    report = models.JSONField(_("báo cáo"), default=dict, blank=True)
    receipt_path = models.CharField(_("tệp biên nhận"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "package_id"], name="package_transfer_once"),
        ]
        indexes = [models.Index(fields=["fonds_code", "created"])]
        verbose_name = _("gói chuyển giao")
        verbose_name_plural = _("gói chuyển giao")

    def __str__(self) -> str:
        return f"{self.direction} {self.package_id} {self.root_hash}"
