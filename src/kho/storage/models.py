"""The Blob: one stored byte sequence, known by its digest, with its last fixity result."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    """A content-addressed object. Its bytes are written before this row (style.md rule 7)."""

    digest = models.CharField(_("mã băm"), max_length=71, unique=True)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    storage_key = models.CharField(_("khóa lưu trữ"), max_length=200)
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)
    last_fixity_at = models.DateTimeField(_("kiểm tra toàn vẹn lần cuối"), null=True, blank=True)
    last_fixity_ok = models.BooleanField(_("toàn vẹn"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["last_fixity_at"])]
        verbose_name = _("đối tượng lưu trữ")
        verbose_name_plural = _("đối tượng lưu trữ")

    def __str__(self) -> str:
        return self.digest
