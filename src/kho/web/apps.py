"""The web interface app."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Templates, static files, locale and URL routes of the browser interface."""

    name = "kho.web"
    label = "web"
    verbose_name = "Giao diện web"
