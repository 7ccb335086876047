"""Content-addressed object storage, the Blob model and fixity checking."""

from __future__ import annotations

from django.apps import AppConfig


class StorageConfig(AppConfig):
    """The storage app."""

    name = "kho.storage"
    label = "storage"
    verbose_name = "Lưu trữ đối tượng"
