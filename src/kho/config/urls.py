"""URL configuration: the web UI at the root and the JSON API under /api/v1/.

There is no Django admin: its generic screens would bypass the actions, the audit log and the access
policies (style.md rules 1, 9); accounts are managed with ``kho users``.
"""

from __future__ import annotations

from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path

urlpatterns = [
    path("", include("kho.web.urls")),
    path("", include("kho.copies.urls")),
    path("api/v1/", include("kho.api.urls")),
    # Kho serves its own static files (air-gapped: no CDN, no separate web server required).
    re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
]
