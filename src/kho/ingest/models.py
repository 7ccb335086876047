"""Upload batches: scans sent from the browser, stored on arrival, then digitized in the background.

An ``UploadBatch`` belongs to one record. Each ``UploadFile`` points at the Blob its bytes were stored
under (written before the row, style.md rule 7). Files that share a ``group`` are the pages of one
document; a plain multi-file upload gives every file its own group (one document per file).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.core.models import TimeStampedModel
from kho.records.models import Record

DEFAULT_MAX_ATTEMPTS = 3


class UploadStatus(models.TextChoices):
    """Where a batch stands: receiving files, digitizing, finished or given up."""

    PENDING = "pending", _("Đang nhận tệp")
    RUNNING = "running", _("Đang số hóa")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Thất bại")


class UploadFileStatus(models.TextChoices):
    """What happened to one uploaded file (the outcome of its document)."""

    RECEIVED = "received", _("Đã nhận")
    DIGITIZED = "digitized", _("Đã số hóa")
    SKIPPED = "skipped", _("Đã có trong kho")
    FAILED = "failed", _("Lỗi")
    REFUSED = "refused", _("Bị từ chối")


class UploadBatch(TimeStampedModel):
    """Scans uploaded to one record by one user, digitized together by ``digitize_upload_task``."""

    record = models.ForeignKey(Record, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="upload_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("số lần chạy tối đa"), default=DEFAULT_MAX_ATTEMPTS)
    error = models.TextField(_("lỗi"), blank=True)
    task_id = models.CharField(_("mã tác vụ"), max_length=64, blank=True)
    summary = models.JSONField(_("tóm tắt"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["record", "created_at"]), models.Index(fields=["status"])]
        verbose_name = _("đợt tải lên")
        verbose_name_plural = _("đợt tải lên")

    def __str__(self) -> str:
        return f"{self.uid} {self.status}"


class UploadFile(models.Model):
    """One uploaded file: its NFC name, the stored blob, its document group and page order, its outcome."""

    batch = models.ForeignKey(
        UploadBatch, verbose_name=_("đợt tải lên"), on_delete=models.CASCADE, related_name="files"
    )
    filename = models.CharField(_("tên tệp"), max_length=255)
    blob = models.ForeignKey(
        "storage.Blob", verbose_name=_("đối tượng lưu trữ"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("nhóm tài liệu"), max_length=64)
    order = models.PositiveIntegerField(_("thứ tự"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=UploadFileStatus.choices, default=UploadFileStatus.RECEIVED
    )
    doc_code = models.CharField(_("mã lưu trữ tài liệu"), max_length=120, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        ordering = ["batch", "order"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "order"], name="upload_file_order_unique"),
            models.UniqueConstraint(fields=["batch", "group", "filename"], name="upload_file_name_unique"),
        ]
        verbose_name = _("tệp tải lên")
        verbose_name_plural = _("tệp tải lên")

    def __str__(self) -> str:
        return f"{self.order} {self.filename}"
