"""URL configuration: the web UI at the root, the JSON API under /api/v1/, Django admin under /admin/."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path

admin.site.site_header = "Kho lưu trữ số"
admin.site.site_title = "Kho"

urlpatterns = [
    path("", include("kho.web.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("kho.api.urls")),
    # Kho serves its own static files (air-gapped: no CDN, no separate web server required).
    re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
]
