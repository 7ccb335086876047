"""The ``NinjaAPI`` of Kho, version 1: token auth on every operation, one exception handler, the routers.

The OpenAPI document is served at ``/api/v1/openapi.json`` and the interactive docs at ``/api/v1/docs``
(both without a token: they describe the API, not the archive).
"""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from kho.api.auth import TokenAuth
from kho.api.errors import handle_exception
from kho.api.routers import agencies, documents, fixity, fonds, records, search, tasks, uploads

__all__ = ["api"]

api = NinjaAPI(
    title="Kho API",
    version="1",
    description=(
        "REST API of Kho, the digital archive of Party and State records. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `kho tokens create`). Every error is "
        '`{"code": "...", "message": "..."}`; a missing object and one you may not see both answer 404.'
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
# The one exception handler (style.md rule 14). django-ninja looks handlers up along the exception's MRO,
# so it replaces ninja's defaults for their own types too; it then matches on type by itself.
for _handled in (Exception, Http404, HttpError, ValidationError):
    api.add_exception_handler(_handled, handle_exception)

api.add_router("/agencies", agencies.router)
api.add_router("/fonds", fonds.router)
api.add_router("/records", records.router)
api.add_router("/documents", documents.router)
api.add_router("/search", search.router)
api.add_router("/uploads", uploads.router)
api.add_router("/tasks", tasks.router)
api.add_router("/fixity", fixity.router)
