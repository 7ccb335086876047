"""Policy-filtered reads of the event log for the security officer's review: filters and keyset pages.

Every read goes through ``EventPolicy`` (``audit_view``: security officers and administrators). Pages are
keyset pages on ``seq`` (newest first), so page 10 000 costs what page 1 costs. Filters use the indexed
columns where they can (agent, object id, event type, time); the client address lives in the event's JSON
``data`` and is matched as the exact ``"ip":"…"`` text that ``canonical_json`` writes (a scan, bounded by
the page size; narrow it with a date range on a large log).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kho.access.levels import Action, Decision
from kho.access.policies import policy_for, visible
from kho.audit.chain import canonical_json
from kho.audit.models import Event

__all__ = ["EventFilter", "EventPage", "can_review", "event_page", "filtered_events", "iter_events"]

CHUNK = 2000


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What the reviewer asked for; empty fields do not filter."""

    user: str = ""
    event_type: str = ""
    outcome: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ip: str = ""


@dataclass(frozen=True, slots=True)
class EventPage:
    """One keyset page, newest first, with the cursors of its neighbours (None at either end)."""

    events: list[Event]
    newer_after: int | None
    older_before: int | None


def can_review(user: Any) -> bool:
    """Whether ``user`` may read the event log (role allows ``audit_view``)."""
    return not isinstance(policy_for(Event).prelude(user, Action.AUDIT_VIEW), Decision)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _conditions(flt: EventFilter) -> Q:
    query = Q()
    if flt.user:
        query &= Q(agent__in={flt.user, f"user:{flt.user}"})
    if flt.event_type:
        query &= Q(event_type=flt.event_type)
    if flt.outcome:
        query &= Q(outcome=flt.outcome)
    if flt.object_id:
        query &= Q(object_id=flt.object_id)
    if flt.date_from:
        query &= Q(occurred_at__gte=_day_start(flt.date_from))
    if flt.date_to:
        query &= Q(occurred_at__lt=_day_start(flt.date_to + dt.timedelta(days=1)))
    if flt.ip:
        # access events keep the address as "ip", sign-in events as "from"
        query &= Q(data__contains=canonical_json({"ip": flt.ip})[1:-1]) | Q(
            data__contains=canonical_json({"from": flt.ip})[1:-1]
        )
    return query


def filtered_events(user: Any, flt: EventFilter) -> QuerySet[Event]:
    """The events ``user`` may review that match ``flt`` (unordered)."""
    return visible(user, Action.AUDIT_VIEW, Event.objects.all()).filter(_conditions(flt))


def event_page(
    user: Any, flt: EventFilter, *, before: int | None = None, after: int | None = None, size: int = 50
) -> EventPage:
    """Up to ``size`` events, newest first: older than ``before``, or (``after``) the page just newer than it."""
    qs = filtered_events(user, flt)
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[: size + 1])
        more_newer = len(rows) > size
        events = list(reversed(rows[:size]))
        older = events[-1].seq if events else None
        return EventPage(events, events[0].seq if more_newer and events else None, older)
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs.order_by("-seq")[: size + 1])
    events = rows[:size]
    newer = events[0].seq if before is not None and events else None
    return EventPage(events, newer, events[-1].seq if len(rows) > size else None)


def iter_events(user: Any, flt: EventFilter, limit: int) -> Iterator[Event]:
    """At most ``limit`` matching events, newest first, read in keyset chunks (bounded memory)."""
    qs = filtered_events(user, flt)
    before: int | None = None
    left = limit
    while left > 0:
        chunk_qs = qs if before is None else qs.filter(seq__lt=before)
        chunk = list(chunk_qs.order_by("-seq")[: min(CHUNK, left)])
        if not chunk:
            return
        yield from chunk
        left -= len(chunk)
        before = chunk[-1].seq
