"""The event log: append-only rows linked by a hash chain, and the chain head that serialises appends."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.audit.chain import event_hash
from kho.audit.vocabulary import EventType, Outcome


class AppendOnlyError(Exception):
    """An event row may never be changed or deleted; append a correcting event instead."""


class EventQuerySet(models.QuerySet["Event"]):
    """Refuses bulk updates and deletes (database triggers refuse them too)."""

    def update(self, **kwargs: Any) -> int:
        """Refuse: events are append-only."""
        raise AppendOnlyError("events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        """Refuse: events are append-only."""
        raise AppendOnlyError("events are append-only")


class Event(models.Model):
    """One PREMIS-style event. Written only by ``kho.audit.log.append``; never updated or deleted."""

    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    uid = models.UUIDField(_("mã định danh"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("loại sự kiện"), max_length=64, choices=[(t.value, t.value) for t in EventType])
    outcome = models.CharField(_("kết quả"), max_length=16, choices=[(o.value, o.value) for o in Outcome])
    agent = models.CharField(_("tác nhân"), max_length=200)
    object_type = models.CharField(_("loại đối tượng"), max_length=40, blank=True)
    object_id = models.CharField(_("đối tượng"), max_length=100, blank=True)
    detail = models.TextField(_("chi tiết"), blank=True)
    data = models.TextField(_("dữ liệu (JSON)"), default="{}")
    occurred_at = models.DateTimeField(_("thời điểm"))
    prev_hash = models.CharField(_("băm sự kiện trước"), max_length=71)
    hash = models.CharField(_("băm"), max_length=71, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            models.Index(fields=["event_type", "occurred_at"]),
            # the security officer's review filters by user and by object id, newest first (kho.audit.selectors)
            models.Index(fields=["agent", "seq"], name="audit_event_agent_seq"),
            models.Index(fields=["object_id", "seq"], name="audit_event_object_seq"),
        ]
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.outcome} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; any later save is refused."""
        if self.pk is not None:
            raise AppendOnlyError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refuse: events are append-only."""
        raise AppendOnlyError("events are append-only")

    @property
    def payload(self) -> dict[str, Any]:
        """The decoded ``data``."""
        value = json.loads(self.data or "{}")
        return value if isinstance(value, dict) else {"value": value}

    def chained_fields(self) -> dict[str, Any]:
        """The fields covered by the hash, in their canonical string forms."""
        return {
            "seq": self.seq,
            "uid": str(self.uid),
            "event_type": self.event_type,
            "outcome": self.outcome,
            "agent": self.agent,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "detail": self.detail,
            "data": self.data,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        """Recompute this event's hash from its stored fields."""
        return event_hash(self.chained_fields())


class ChainHead(models.Model):
    """The single row holding the last sequence number and hash; locking it serialises appends."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=71)

    class Meta:
        verbose_name = _("đầu chuỗi sự kiện")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"
