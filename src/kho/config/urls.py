"""URL configuration: the web UI and the JSON API are added by their own issues."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
