"""Template filter for the navigation: whether the signed-in user may review the event log."""

from __future__ import annotations

from typing import Any

from django import template

from kho.audit.selectors import can_review

register = template.Library()


@register.filter
def can_review_audit(user: Any) -> bool:
    """True for users whose role allows ``audit_view`` (security officer, administrator)."""
    return can_review(user)
