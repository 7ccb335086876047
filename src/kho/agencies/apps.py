"""Agencies (cơ quan, tổ chức), their hierarchy and their lineage through reorganisations."""

from __future__ import annotations

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    """The agencies app."""

    name = "kho.agencies"
    label = "agencies"
    verbose_name = "Cơ quan, tổ chức"
