"""Admin screens for fonds, records and documents (a stop-gap until the web UI issue lands)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kho.access.levels import Action
from kho.access.policies import visible
from kho.records.models import DigitalObject, Document, Fonds, Record


class PolicyFilteredAdmin(admin.ModelAdmin[Any]):
    """Admin lists show only what the access policy lets the signed-in user view (deny by default)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """The policy-filtered queryset."""
        return visible(request.user, Action.VIEW, super().get_queryset(request))


@admin.register(Fonds)
class FondsAdmin(PolicyFilteredAdmin):
    """Fonds list."""

    list_display = ("code", "name", "agency", "status", "closed_on")
    list_filter = ("status",)
    search_fields = ("code", "name")


@admin.register(Record)
class RecordAdmin(PolicyFilteredAdmin):
    """Records list."""

    list_display = ("file_code", "title", "fonds", "maintenance", "digitization_status", "total_doc")
    list_filter = ("digitization_status", "maintenance", "secrecy_level")
    search_fields = ("file_code", "title")
    list_select_related = ("fonds",)


class DigitalObjectInline(admin.TabularInline[DigitalObject, Document]):
    """The files of a document."""

    model = DigitalObject
    extra = 0
    readonly_fields = ("role", "media_type", "filename", "blob")


@admin.register(Document)
class DocumentAdmin(PolicyFilteredAdmin):
    """Documents list."""

    list_display = ("doc_code", "number_symbol", "issued_date", "subject", "verification_status")
    list_filter = ("type_code", "verification_status", "secrecy_level")
    search_fields = ("doc_code", "number_symbol", "subject")
    inlines = (DigitalObjectInline,)
