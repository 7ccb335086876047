"""The copy register (Sổ quản lý sao, chụp bí mật nhà nước, standards.md §6.3) and its yearly counter.

One ``CopyEntry`` per marked copy of a classified document, numbered 1, 2, 3 … within each calendar year
with no gaps: the number is taken from ``CopyCounter`` under a row lock in the same transaction that
writes the entry (``kho.copies.actions``), so a copy that fails leaves neither a number nor an entry.

The register keeps the document's code and number/symbol, never its subject (trích yếu): a subject can
itself be secret, and the register is printed and exported (standards.md §6.8: no secret content in
exported logs). The code identifies the document for anyone allowed to look it up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.records import choices as c
from kho.records.models import DigitalObject, Document


class CopyKind(models.TextChoices):
    """How the copy left the system."""

    DOWNLOAD = "download", _("Tải về")
    PRINT = "print", _("In")
    PAGE_IMAGE = "page_image", _("Ảnh trang")


class CopyCounter(models.Model):
    """The last register number used in a year; locked (``select_for_update``) while a number is taken."""

    year = models.PositiveSmallIntegerField(_("năm"), primary_key=True)
    last = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("bộ đếm sổ sao, chụp")
        verbose_name_plural = _("bộ đếm sổ sao, chụp")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CopyEntry(models.Model):
    """One line of the copy register. Written only by ``MakeMarkedCopyAction``; never changed afterwards."""

    year = models.PositiveSmallIntegerField(_("năm"))
    seq = models.PositiveIntegerField(_("số thứ tự"))
    document = models.ForeignKey(
        Document, verbose_name=_("tài liệu"), on_delete=models.PROTECT, related_name="copy_entries"
    )
    digital_object = models.ForeignKey(
        DigitalObject, verbose_name=_("tệp gốc"), on_delete=models.PROTECT, related_name="copy_entries"
    )
    doc_code = models.CharField(_("mã lưu trữ tài liệu"), max_length=120)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    secrecy_level = models.PositiveSmallIntegerField(_("độ mật"), choices=c.SECRECY_CHOICES)
    kind = models.CharField(_("hình thức"), max_length=16, choices=CopyKind.choices)
    page = models.PositiveIntegerField(_("trang"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người sao chụp"), on_delete=models.PROTECT, related_name="+"
    )
    user_display = models.CharField(_("tên người sao chụp"), max_length=200)
    made_at = models.DateTimeField(_("thời điểm"))
    client_address = models.GenericIPAddressField(_("địa chỉ máy"), null=True, blank=True)
    purpose = models.CharField(_("mục đích"), max_length=500, blank=True)
    digest = models.CharField(_("mã băm bản sao"), max_length=71)

    class Meta:
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="copy_entry_number_unique")]
        indexes = [models.Index(fields=["made_at"]), models.Index(fields=["kind", "year"])]
        verbose_name = _("mục sổ sao, chụp")
        verbose_name_plural = _("sổ quản lý sao, chụp")

    def __str__(self) -> str:
        return f"{self.register_no} {self.doc_code}"

    @property
    def register_no(self) -> str:
        """The number printed on the copy: ``<seq>/<year>``."""
        return f"{self.seq}/{self.year}"
