"""Append-only, hash-chained, PREMIS-style event log."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit app (style.md rule 18)."""

    name = "kho.audit"
    label = "audit"
    verbose_name = "Nhật ký sự kiện"
