"""Ingest and digitization: born-digital ingest, the scan pipeline runner and metadata verification."""

from __future__ import annotations

from django.apps import AppConfig


class IngestConfig(AppConfig):
    """The ingest app."""

    name = "kho.ingest"
    label = "ingest"
    verbose_name = "Số hóa và tiếp nhận"
