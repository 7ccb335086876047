"""Abstract base models shared by Kho's apps."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A row with a stable public UUID and creation/update times.

    The integer primary key stays internal (fast joins at millions of rows); ``uid`` is what leaves the
    system in packages, URLs of the API and audit events.
    """

    uid = models.UUIDField(_("mã định danh"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """A running ``kho worker``: its id (as in django-tasks-db's ``worker_ids``) and its last heartbeat.

    ``beat_at`` is written with the database clock, so workers on several machines compare one clock
    (``kho.core.taskrecovery``).
    """

    worker_id = models.CharField(_("mã tiến trình xử lý"), max_length=64, primary_key=True)
    host = models.CharField(_("máy"), max_length=255)
    pid = models.PositiveIntegerField(_("mã tiến trình"))
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    beat_at = models.DateTimeField(_("nhịp gần nhất lúc"), db_index=True)

    class Meta:
        verbose_name = _("nhịp tiến trình xử lý")
        verbose_name_plural = _("nhịp tiến trình xử lý")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.beat_at}"


class TaskRetry(models.Model):
    """A task queued again by the recovery of a lost task: which attempt it is and the first task of the chain."""

    task_id = models.UUIDField(_("mã tác vụ"), unique=True)
    first_task_id = models.UUIDField(_("mã tác vụ đầu tiên"), db_index=True)
    attempt = models.PositiveSmallIntegerField(_("lần chạy"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần chạy lại tác vụ")
        verbose_name_plural = _("lần chạy lại tác vụ")

    def __str__(self) -> str:
        return f"{self.task_id} #{self.attempt}"
