"""Errors of the access app (style.md rule 12): each maps to an exit code and an HTTP status.

Messages are Vietnamese templates with named placeholders (the interface passes them through gettext).
"""

from __future__ import annotations

from typing import Any

from kho.access.levels import Decision
from kho.core.exceptions import BadInputError, ConflictError, KhoPermissionDeniedError, NotFoundError
from kho.core.text import N_

__all__ = [
    "AccessDeniedError",
    "DuplicateUserError",
    "UnknownAgencyError",
    "UnknownClearanceError",
    "UnknownFondsError",
    "UnknownRoleError",
    "UnknownUserError",
    "UnprotectedModelError",
    "WeakPasswordError",
]


class AccessDeniedError(KhoPermissionDeniedError):
    """The policy refused the action (exit 6, HTTP 403); ask a security officer for the right role or scope.

    ``decision`` holds the reason for the audit log; the message shown to the user never includes it.
    Only raise this for objects the user can see: for others, answer with ``NotFoundError``
    (``kho.access.policies.get_visible_or_404``) so their existence does not leak.
    """

    template = N_("Bạn không có quyền thực hiện thao tác này; liên hệ cán bộ bảo mật nếu cần được cấp quyền.")

    def __init__(self, decision: Decision, **params: Any) -> None:
        super().__init__(self.template, **params)
        self.decision = decision


class UnprotectedModelError(LookupError):
    """A model has no registered policy: a bug (deny by default), fixed by registering one in ``apps.py``."""


class UnknownRoleError(NotFoundError):
    """The role named is not one of Kho's roles: use one listed by ``kho users create --help``."""

    code = "unknown_role"
    template = N_("Không có vai trò “%(role)s”. Các vai trò: %(choices)s.")


class UnknownClearanceError(NotFoundError):
    """The clearance named is not a secrecy level: use NONE, MAT, TOI_MAT or TUYET_MAT."""

    code = "unknown_clearance"
    template = N_("Không có độ mật “%(clearance)s”. Dùng NONE, MAT, TOI_MAT hoặc TUYET_MAT.")


class UnknownAgencyError(NotFoundError):
    """One or more agency codes do not exist (listed in ``details``): check them with the agency list."""

    code = "unknown_agency"
    template = N_("Không có cơ quan mã: %(codes)s.")


class UnknownFondsError(NotFoundError):
    """One or more fonds codes do not exist (listed in ``details``): check them with the fonds list."""

    code = "unknown_fonds"
    template = N_("Không có phông mã: %(codes)s.")


class UnknownUserError(NotFoundError):
    """No account has this user name: create it first with ``kho users create``."""

    code = "unknown_user"
    template = N_("Không có tài khoản “%(username)s”. Tạo bằng 'kho users create'.")


class DuplicateUserError(ConflictError):
    """An account with this user name already exists: change it with ``kho users set`` instead."""

    code = "duplicate_user"
    template = N_("Tài khoản “%(username)s” đã có; dùng 'kho users set' để sửa.")


class WeakPasswordError(BadInputError):
    """The password fails the validators listed in ``details``: choose another one."""

    code = "weak_password"
    template = N_("Mật khẩu không đạt yêu cầu (%(count)s vấn đề, liệt kê trong chi tiết); hãy chọn mật khẩu khác.")
