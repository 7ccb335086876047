"""Content-addressed object storage, the Blob model, fixity checking and encryption at rest."""

from __future__ import annotations

from django.apps import AppConfig


class StorageConfig(AppConfig):
    """The storage app; ``ready()`` registers the kho-secure checks and the sealing signals."""

    name = "kho.storage"
    label = "storage"
    verbose_name = "Lưu trữ đối tượng"

    def ready(self) -> None:
        """Connect the receivers that encrypt newly classified objects; register the checks."""
        from kho.storage import checks, signals

        signals.connect()
        checks.register_checks()
