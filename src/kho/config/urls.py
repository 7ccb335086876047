"""URL configuration. Until the web UI lands, the site root leads to the administration screens."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Kho lưu trữ số"
admin.site.site_title = "Kho"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
