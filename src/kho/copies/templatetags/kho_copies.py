"""Template tags of the copies app: whether to show the copy register in the navigation."""

from __future__ import annotations

from typing import Any

from django import template

from kho.copies.selectors import may_read_register

register = template.Library()


@register.simple_tag
def may_read_copy_register(user: Any) -> bool:
    """Whether ``user`` may open the copy register (the link is shown only to them)."""
    return may_read_register(user)
