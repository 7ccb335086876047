"""Archival packages: pure formats (``formats/``) and the Django glue for transfer export/import."""

from __future__ import annotations

from django.apps import AppConfig


class PackagesConfig(AppConfig):
    """The packages app: the transfer register (``PackageTransfer``) and ``kho export/import/validate``."""

    name = "kho.packages"
    label = "packages"
    verbose_name = "Gói chuyển giao"
