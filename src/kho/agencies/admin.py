"""Admin screens for agencies (a stop-gap browser view until the web UI issue lands)."""

from __future__ import annotations

from django.contrib import admin

from kho.agencies.models import Agency, AgencyRelation


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    """Agencies with their level, system and status."""

    list_display = ("code", "name", "level", "system", "status", "valid_to")
    list_filter = ("level", "system", "status")
    search_fields = ("code", "name", "legacy_code")


@admin.register(AgencyRelation)
class AgencyRelationAdmin(admin.ModelAdmin[AgencyRelation]):
    """Lineage edges."""

    list_display = ("predecessor", "kind", "successor", "effective_date", "legal_basis")
