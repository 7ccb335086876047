"""Appending to and verifying the hash-chained event log.

``append`` must run inside the caller's transaction, so an event commits with the change it records or
not at all. ``verify_chain`` streams the whole log and names the first broken event.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kho import __version__
from kho.audit.chain import GENESIS_HASH, canonical_json
from kho.audit.models import ChainHead, Event
from kho.audit.vocabulary import EventType, Outcome
from kho.core.bulk import insert_new
from kho.core.text import N_

SYSTEM_AGENT = f"software:kho/{__version__}"
VERIFY_CHUNK = 2000


def user_agent(user: Any) -> str:
    """The agent string of a signed-in user (or the system for None / anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return SYSTEM_AGENT
    return f"user:{user.get_username()}"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append: the fields the caller chooses (sequence, time and hashes are added by the log)."""

    event_type: EventType
    outcome: Outcome = Outcome.SUCCESS
    agent: str = SYSTEM_AGENT
    object_type: str = ""
    object_id: str = ""
    detail: str = ""
    data: dict[str, Any] | None = None


def append(event_type: EventType, **fields: Any) -> Event:
    """Append one event (fields as in ``NewEvent``) to the chain and return it."""
    return append_many([NewEvent(event_type, **fields)])[0]


def append_many(new_events: list[NewEvent]) -> list[Event]:
    """Append events in order, locking the chain head once, and return the stored rows.

    Must run inside the caller's transaction so events commit with the change they record. The head lock
    (on SQLite the IMMEDIATE transaction's write lock) stops concurrent appends from forking the chain.
    """
    if not new_events:
        return []
    with transaction.atomic():
        head = _locked_head()
        seq, prev_hash, rows = head.seq, head.hash, []
        now = timezone.now()
        for new in new_events:
            seq += 1
            event = Event(
                seq=seq,
                event_type=new.event_type.value,
                outcome=new.outcome.value,
                agent=_text(new.agent)[:200],
                object_type=_text(new.object_type),
                object_id=_text(str(new.object_id))[:100],
                detail=_text(new.detail),
                data=canonical_json(new.data or {}),
                occurred_at=now,
                prev_hash=prev_hash,
            )
            event.hash = prev_hash = event.compute_hash()
            rows.append(event)
        insert_new(rows)  # the rows bulk_create writes, with the statement built once per batch size
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return rows


def _text(value: str) -> str:
    """PostgreSQL text cannot hold NUL; an event must never fail to record because of one."""
    return value.replace("\x00", "\ufffd")


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = ChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(slots=True)
class ChainReport:
    """The result of ``verify_chain``: counts and the first break, if any."""

    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    broken_seq: int | None = None
    broken_uid: str | None = None
    reason: str | None = None
    reason_params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the whole chain verified."""
        return self.reason is None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for ``--json`` output and the API."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "broken_seq": self.broken_seq,
            "broken_uid": self.broken_uid,
            "reason": self.reason % self.reason_params if self.reason else None,
        }


def _iter_events() -> Iterator[Event]:
    last = 0
    while True:
        chunk = list(Event.objects.filter(seq__gt=last).order_by("seq")[:VERIFY_CHUNK])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain() -> ChainReport:
    """Re-hash every event in order; stop at the first event whose hash, link or position is wrong."""
    report = ChainReport()
    prev_hash, expected_seq = GENESIS_HASH, 1
    for event in _iter_events():
        problem = _check_event(event, prev_hash, expected_seq)
        if problem:
            report.broken_seq, report.broken_uid = event.seq, str(event.uid)
            report.reason, report.reason_params = problem
            return report
        report.checked += 1
        prev_hash, expected_seq = event.hash, event.seq + 1
    head = ChainHead.objects.filter(pk=1).first()
    report.head_seq, report.head_hash = expected_seq - 1, prev_hash
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        report.reason = N_(
            "The chain head (event %(head_seq)s) does not match the last stored event "
            "(%(last_seq)s): events were removed from the end of the log."
        )
        report.reason_params = {"head_seq": head.seq, "last_seq": expected_seq - 1}
        report.broken_seq = expected_seq
    return report


def _check_event(event: Event, prev_hash: str, expected_seq: int) -> tuple[str, dict[str, Any]] | None:
    if event.seq != expected_seq:
        return (
            N_("Event %(expected)s is missing: the log jumps to event %(seq)s."),
            {"expected": expected_seq, "seq": event.seq},
        )
    if event.prev_hash != prev_hash:
        return (
            N_("Event %(seq)s does not link to the event before it (its previous hash was changed)."),
            {"seq": event.seq},
        )
    if event.compute_hash() != event.hash:
        return (N_("Event %(seq)s was altered: its content no longer matches its hash."), {"seq": event.seq})
    return None
