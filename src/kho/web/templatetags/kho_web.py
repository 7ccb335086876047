"""Template filters of the web interface."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

EVENT_LABELS: dict[str, Promise] = {
    "capture": _("Tiếp nhận bản quét"),
    "creation": _("Tạo"),
    "validation": _("Kiểm tra hợp lệ"),
    "ocr": _("Nhận dạng ký tự (OCR)"),
    "metadata extraction": _("Trích xuất siêu dữ liệu"),
    "metadata modification": _("Sửa siêu dữ liệu"),
    "ingestion": _("Lưu vào kho"),
    "verification": _("Kiểm tra và duyệt"),
    "fixity check": _("Kiểm tra toàn vẹn"),
    "accession": _("Tiếp nhận vào hàng đợi"),
    "access": _("Truy cập"),
    "migration": _("Chuyển đổi định dạng"),
    "reorganization": _("Sắp xếp tổ chức"),
    "custody transfer": _("Chuyển giao quản lý"),
}


@register.filter
def event_label(event_type: str) -> str:
    """A translated label of a PREMIS/Kho event type (the raw type when it has none)."""
    label = EVENT_LABELS.get(event_type)
    return str(label) if label is not None else event_type
