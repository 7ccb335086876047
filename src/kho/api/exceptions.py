"""Errors of the API app (style.md rule 12): each maps to an exit code and an HTTP status.

The request-level errors (``NotAuthenticatedError``, ``RequestValidationError``, ``EndpointNotFoundError``,
``InternalServerError``) are what the one exception handler in ``kho.api.errors`` turns framework
exceptions into, so every response body has the same ``{"code", "message"}`` shape.
"""

from __future__ import annotations

from kho.core.exceptions import (
    BadInputError,
    ConflictError,
    EnvironmentProblemError,
    ExitCode,
    KhoError,
    NotFoundError,
)
from kho.core.text import N_

__all__ = [
    "EndpointNotFoundError",
    "InternalServerError",
    "InvalidCursorError",
    "MethodNotAllowedError",
    "NotAuthenticatedError",
    "ObjectUnavailableError",
    "RequestValidationError",
    "TaskStatusUnavailableError",
    "TokenAlreadyRevokedError",
    "UnknownTokenError",
    "UnknownTokenUserError",
]


class NotAuthenticatedError(KhoError):
    """No usable bearer token (missing, unknown, revoked, expired or of a disabled account): get a new one."""

    exit_code = ExitCode.PERMISSION_DENIED
    http_status = 401
    code = "not_authenticated"
    template = N_("Cần khóa API hợp lệ (Authorization: Bearer …); tạo khóa mới bằng 'kho tokens create'.")


class RequestValidationError(BadInputError):
    """Parameters or body do not fit the API schema; ``details`` lists each problem (location and message)."""

    http_status = 422
    code = "validation_error"
    template = N_("Yêu cầu không hợp lệ; sửa các trường được liệt kê trong chi tiết.")


class EndpointNotFoundError(NotFoundError):
    """No API endpoint has this address: check the path against ``/api/v1/openapi.json``."""

    code = "endpoint_not_found"
    template = N_("Không có địa chỉ API này; xem /api/v1/docs.")


class MethodNotAllowedError(BadInputError):
    """The endpoint exists but not for this HTTP method: see ``/api/v1/openapi.json``."""

    http_status = 405
    code = "method_not_allowed"
    template = N_("Địa chỉ API này không nhận phương thức %(method)s.")


class InternalServerError(KhoError):
    """A bug: the details are in the server log, never in the response; report it to the administrator."""

    exit_code = ExitCode.INTERNAL
    http_status = 500
    code = "internal_error"
    template = N_("Lỗi nội bộ; chi tiết đã ghi vào nhật ký máy chủ, hãy báo cho quản trị viên.")


class ObjectUnavailableError(EnvironmentProblemError):
    """A file's bytes are missing from the object store: run ``kho fixity`` and restore it from a copy."""

    code = "object_unavailable"
    template = N_("Tệp đang không đọc được từ kho đối tượng; hãy báo quản trị viên chạy 'kho fixity'.")


class UnknownTokenUserError(NotFoundError):
    """No account has this user name: create it first with ``kho users create``."""

    code = "unknown_user"
    template = N_("Không có tài khoản “%(username)s”. Tạo bằng 'kho users create'.")


class UnknownTokenError(NotFoundError):
    """No API token has this id: list them with ``kho tokens list``."""

    code = "unknown_token"
    template = N_("Không có khóa API số %(id)s; xem 'kho tokens list'.")


class TokenAlreadyRevokedError(ConflictError):
    """The token was revoked before; nothing changed."""

    code = "token_revoked"
    template = N_("Khóa API số %(id)s đã bị thu hồi trước đó.")


class InvalidCursorError(BadInputError):
    """The ``cursor`` parameter is not one this API returned: start again without it."""

    code = "invalid_cursor"
    template = N_("Tham số cursor không hợp lệ; bỏ cursor để đọc lại từ trang đầu.")


class TaskStatusUnavailableError(EnvironmentProblemError):
    """The configured task backend keeps no results, so no task status can be read: use the database backend."""

    code = "task_status_unavailable"
    template = N_("Hệ thống xử lý nền hiện tại không lưu trạng thái tác vụ; hãy dùng django_tasks_db.")
