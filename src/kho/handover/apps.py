"""Reorganization and handover: lineage events, custody of fonds, readiness and handover documents."""

from __future__ import annotations

from django.apps import AppConfig


class HandoverConfig(AppConfig):
    """The handover app."""

    name = "kho.handover"
    label = "handover"
    verbose_name = "Sắp xếp tổ chức, giao nhận tài liệu"
