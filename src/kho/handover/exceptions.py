"""Errors of the handover app (style.md rule 12): each maps to a ``kho`` exit code and an HTTP status.

Messages are Vietnamese templates with named placeholders; a refusal lists every problem in ``details``
(rule 13) so the operator fixes them all at once.
"""

from __future__ import annotations

from kho.core.exceptions import BadInputError, ConflictError, EnvironmentProblemError, NotFoundError
from kho.core.text import N_

__all__ = [
    "AgencyNotFoundError",
    "EventNotFoundError",
    "FontNotAvailableError",
    "InvalidEventError",
    "ReorganizationRefusedError",
]


class ReorganizationRefusedError(ConflictError):
    """The event cannot be applied to the archive as it stands (exit 4); ``details`` lists every reason.

    Typical reasons: an agency already ended, an effective date before an agency began, a successor that
    is also a predecessor, a lineage cycle. Correct the event (or the agencies) and apply it again.
    """

    code = "reorganization_refused"
    template = N_("Không thể áp dụng sự kiện sắp xếp tổ chức; sửa các vấn đề dưới đây rồi chạy lại.")


class InvalidEventError(BadInputError):
    """The event is malformed (wrong number of predecessors or successors for its kind): fix it. Exit 2."""

    code = "invalid_reorganization"
    template = N_("Sự kiện sắp xếp tổ chức không hợp lệ; xem chi tiết.")


class EventNotFoundError(NotFoundError):
    """No stored reorganization event has this id: list them with ``kho handover import`` output. Exit 3."""

    code = "reorganization_not_found"
    template = N_("Không có sự kiện sắp xếp tổ chức mã “%(event)s”.")


class AgencyNotFoundError(NotFoundError):
    """No agency has this code (or it is not visible to the user): check the code. Exit 3."""

    code = "agency_not_found"
    template = N_("Không có cơ quan mã “%(code)s”.")


class FontNotAvailableError(EnvironmentProblemError):
    """No serif font with Vietnamese glyphs is installed: install fonts-liberation2 or fonts-noto-core. Exit 5."""

    code = "font_missing"
    template = N_(
        "Không tìm thấy phông chữ có dấu tiếng Việt (Liberation Serif 2 hoặc Noto Serif). "
        "Cài gói fonts-liberation2 hoặc fonts-noto-core rồi chạy lại."
    )
