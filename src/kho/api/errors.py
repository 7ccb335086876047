"""The API's one place that turns exceptions into responses (style.md rule 14; Datasette ``handle_exception``).

Every error body is ``{"code": "...", "message": "..."}`` (plus ``details`` when there are any), with the
status the error class declares. Matching is on type only, never on ``str(exception)``. A bug becomes a 500
with a generic message; its traceback goes to the log, never to the client.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from kho.access.policies import not_found
from kho.api.exceptions import InternalServerError, NotAuthenticatedError, RequestValidationError
from kho.core.exceptions import BadInputError, EnvironmentProblemError, KhoError, KhoPermissionDeniedError

logger = logging.getLogger("kho.api")

__all__ = ["as_kho_error", "error_body", "error_response", "handle_exception"]


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Location, message and type of each problem; never the input that was sent."""
    return [
        {
            "loc": ".".join(str(part) for part in error.get("loc", ())),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def as_kho_error(exc: Exception) -> KhoError:
    """The ``KhoError`` an exception answers as; unexpected ones are logged and become ``InternalServerError``."""
    if isinstance(exc, KhoError):
        return exc
    if isinstance(exc, NinjaValidationError):
        return RequestValidationError(details=_validation_details(exc.errors))
    if isinstance(exc, AuthenticationError):
        return NotAuthenticatedError()
    if isinstance(exc, AuthorizationError):
        return KhoPermissionDeniedError()
    if isinstance(exc, Http404):
        return not_found()
    if isinstance(exc, HttpError) and exc.status_code == 400:  # ninja: a body it cannot parse
        return BadInputError(gettext("Không đọc được nội dung yêu cầu (JSON hoặc multipart không hợp lệ)."))
    if isinstance(exc, SuspiciousOperation | MultiPartParserError | UnreadablePostError):
        return BadInputError(gettext("Yêu cầu quá lớn, quá nhiều tệp/trường hoặc multipart hỏng; hãy gửi ít tệp hơn."))
    if isinstance(exc, OperationalError):
        logger.warning("database unavailable: %s", type(exc).__name__, exc_info=exc)
        return EnvironmentProblemError(gettext("Cơ sở dữ liệu đang bận hoặc không kết nối được; hãy thử lại sau."))
    logger.error("internal error in the API", exc_info=exc)
    return InternalServerError()


def error_body(error: KhoError) -> dict[str, Any]:
    """The JSON body of ``error``: its code, its translated message and any details."""
    body: dict[str, Any] = {"code": error.code, "message": error.render(gettext)}
    if error.details:
        body["details"] = error.details
    return body


def error_response(error: KhoError, **headers: str) -> HttpResponse:
    """The JSON response of ``error`` with the status its class declares."""
    response = JsonResponse(error_body(error), status=error.http_status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def handle_exception(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """The exception handler of the ``NinjaAPI`` (registered for ``Exception`` and ninja's own error types).

    django-ninja's handler type also allows an exception class; it only ever passes instances.
    """
    error = as_kho_error(exc if isinstance(exc, Exception) else exc())
    if isinstance(error, NotAuthenticatedError):
        return error_response(error, WWW_Authenticate='Bearer realm="kho"')
    return error_response(error)
