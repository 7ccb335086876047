"""Read-only admin view of the event log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kho.audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    """Events can be read, never added, changed or deleted here."""

    list_display = ("seq", "occurred_at", "event_type", "outcome", "agent", "object_type", "object_id")
    list_filter = ("event_type", "outcome")
    search_fields = ("object_id", "agent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Never."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never."""
        return False
