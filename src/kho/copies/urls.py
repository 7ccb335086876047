"""URL routes of the copies app (namespace ``copies``), included at the site root."""

from __future__ import annotations

from django.urls import path

from kho.copies.views import printing, register

app_name = "copies"

urlpatterns = [
    path("documents/<str:code>/print/", printing.print_copy, name="print"),
    path("copies/", register.register, name="register"),
    path("copies/export.xlsx", register.register_export, name="register-xlsx"),
]
