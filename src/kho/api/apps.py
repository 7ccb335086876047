"""The API app: bearer-token authentication and the django-ninja routers."""

from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The ``kho.api`` app."""

    name = "kho.api"
    label = "api"
    verbose_name = "API"
