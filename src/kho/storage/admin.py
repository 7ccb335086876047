"""Read-only admin view of stored objects and their fixity."""

from __future__ import annotations

from django.contrib import admin

from kho.storage.models import Blob


@admin.register(Blob)
class BlobAdmin(admin.ModelAdmin[Blob]):
    """Blobs with their last fixity result."""

    list_display = ("digest", "size", "created_at", "last_fixity_at", "last_fixity_ok")
    list_filter = ("last_fixity_ok",)
    readonly_fields = ("digest", "size", "storage_key", "created_at", "last_fixity_at", "last_fixity_ok")
