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
