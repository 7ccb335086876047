"""Per-agency signing identities for the organisation signature on digitized copies."""

from __future__ import annotations

from django.apps import AppConfig


class SigningConfig(AppConfig):
    """The signing app."""

    name = "kho.signing"
    label = "signing"
    verbose_name = "Chữ ký số cơ quan"
