"""Policy-filtered reads of the copy register (style.md rule 9): the register screen and its export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kho.access.levels import Action, Decision
from kho.access.policies import not_found, policy_for, visible
from kho.copies.models import CopyEntry

__all__ = ["RegisterFilter", "entries_for", "may_read_register", "register_entries"]


def may_read_register(user: Any) -> bool:
    """Whether ``user`` may open the register at all (security officers, administrators, leaders)."""
    return not isinstance(policy_for(CopyEntry).prelude(user, Action.AUDIT_VIEW), Decision)


def entries_for(user: Any) -> QuerySet[CopyEntry]:
    """The register entries ``user`` may read, narrowed in SQL."""
    return visible(user, Action.AUDIT_VIEW, CopyEntry.objects.all())


@dataclass(frozen=True, slots=True)
class RegisterFilter:
    """The filters of the register screen (``None`` or "" means any)."""

    year: int | None = None
    level: int | None = None
    username: str = ""
    kind: str = ""


def register_entries(user: Any, filters: RegisterFilter) -> QuerySet[CopyEntry]:
    """The entries ``user`` may read that match ``filters``, in register order (year, number).

    Raises:
        NotFoundError: the user may not read the register (the same answer as a missing page).
    """
    if not may_read_register(user):
        raise not_found()
    qs = entries_for(user).select_related("user")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.level:
        qs = qs.filter(secrecy_level=filters.level)
    if filters.username:
        qs = qs.filter(user__username=filters.username)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("year", "seq")
