"""Archival description: fonds (phông), records (hồ sơ), documents (văn bản) and their digital objects."""

from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """The records app."""

    name = "kho.records"
    label = "records"
    verbose_name = "Phông, hồ sơ, tài liệu"
