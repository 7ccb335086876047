"""Reorganization actions (style.md rules 1, 2, 18): ``check()`` + ``execute()`` in one transaction + audit.

* ``CreateReorganizationAction`` stores an event (a plan from a decision) and marks the agencies that will
  end as "ending", so the readiness report can count down to the date.
* ``ApplyReorganizationAction`` applies a stored event: lineage edges, ended agencies and closed fonds,
  custody moved to the receiver, late documents flagged, successor fonds opened; one ``reorganization``
  event plus one ``custody transfer`` event per fonds that changed hands. Applying twice changes nothing.

``actor=None`` is the local operator at the server's shell; a signed-in actor needs the ``handover``
permission on every agency of the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kho.access.levels import Action
from kho.access.policies import check as check_access
from kho.agencies.models import Agency, AgencyStatus, RelationKind
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.handover._apply import ApplyResult, apply_plan
from kho.handover.exceptions import AgencyNotFoundError, InvalidEventError, ReorganizationRefusedError
from kho.handover.models import Participant, ParticipantRole, ReorganizationEvent
from kho.handover.rules import Plan, custody_problems, lineage_edges, refusal_problems, shape_problems

__all__ = [
    "ApplyReorganizationAction",
    "ApplyResult",
    "CreateReorganizationAction",
    "ReorganizationSpec",
    "event_summary",
    "plan_of",
    "store_event",
]


@dataclass(frozen=True, slots=True)
class ReorganizationSpec:
    """A reorganization as given by a user or a table row group; agencies by code."""

    kind: RelationKind
    effective_date: dt.date
    decision_number: str
    predecessors: tuple[str, ...]
    successors: tuple[str, ...] = ()
    receivers: dict[str, str] = field(default_factory=dict)
    decision_date: dt.date | None = None
    issuing_body: str = ""
    new_name: str = ""
    note: str = ""
    source: str = ""


def _agent(actor: Any) -> str:
    return log.user_agent(actor) if actor is not None else log.SYSTEM_AGENT


def _check_actor(actor: Any, agencies: Sequence[Agency]) -> None:
    if actor is not None:
        for agency in agencies:
            check_access(actor, Action.HANDOVER, agency)


def plan_of(event: ReorganizationEvent, *, lock: bool = False) -> Plan:
    """The ``Plan`` of a stored event (agencies locked ``FOR UPDATE`` when ``lock``)."""
    participants = list(event.participants.select_related("agency", "fonds_receiver").order_by("position", "id"))
    agencies = Agency.objects.filter(pk__in={p.agency_id for p in participants} | _receiver_ids(participants))
    by_id = {a.pk: a for a in (agencies.select_for_update() if lock else agencies)}
    role = ParticipantRole
    return Plan(
        kind=event.kind,
        effective_date=event.effective_date,
        predecessors=[by_id[p.agency_id] for p in participants if p.role == role.PREDECESSOR],
        successors=[by_id[p.agency_id] for p in participants if p.role == role.SUCCESSOR],
        receivers={
            by_id[p.agency_id].code: by_id[p.fonds_receiver_id] for p in participants if p.fonds_receiver_id is not None
        },
        new_name=event.new_name,
    )


def _receiver_ids(participants: Sequence[Participant]) -> set[int]:
    return {p.fonds_receiver_id for p in participants if p.fonds_receiver_id is not None}


def store_event(spec: ReorganizationSpec, plan: Plan) -> ReorganizationEvent:
    """Write the event and its participants, and mark predecessors that will end as "ending"."""
    event = ReorganizationEvent.objects.create(
        kind=spec.kind,
        effective_date=spec.effective_date,
        decision_number=spec.decision_number,
        decision_date=spec.decision_date,
        issuing_body=spec.issuing_body,
        note=spec.note,
        new_name=spec.new_name,
        source=spec.source[:300],
    )
    rows = [
        Participant(
            event=event,
            agency=agency,
            role=ParticipantRole.PREDECESSOR,
            position=n,
            fonds_receiver=plan.receivers.get(agency.code),
        )
        for n, agency in enumerate(plan.predecessors)
    ]
    rows += [
        Participant(event=event, agency=agency, role=ParticipantRole.SUCCESSOR, position=n)
        for n, agency in enumerate(plan.successors)
    ]
    Participant.objects.bulk_create(rows)
    if plan.ends:
        Agency.objects.filter(pk__in=[a.pk for a in plan.predecessors], status=AgencyStatus.ACTIVE).update(
            status=AgencyStatus.ENDING, updated_at=timezone.now()
        )
    return event


def event_summary(event: ReorganizationEvent, plan: Plan) -> dict[str, Any]:
    """The audit data of an event (codes and the decision; never document content)."""
    return {
        "kind": event.kind,
        "effective_date": event.effective_date.isoformat(),
        "decision": event.legal_basis(),
        "predecessors": [a.code for a in plan.predecessors],
        "successors": [a.code for a in plan.successors],
        "receivers": {code: a.code for code, a in plan.receivers.items()},
    }


class CreateReorganizationAction:
    """Store one reorganization event from a ``ReorganizationSpec`` (it is applied later)."""

    def __init__(self, spec: ReorganizationSpec, *, actor: Any = None) -> None:
        self.spec = spec
        self.actor = actor

    def _plan(self) -> Plan:
        codes = {*self.spec.predecessors, *self.spec.successors, *self.spec.receivers, *self.spec.receivers.values()}
        found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        missing = sorted(codes - set(found))
        if missing:
            raise AgencyNotFoundError(_("Không có cơ quan mã: %(code)s."), code=", ".join(missing))
        return Plan(
            kind=self.spec.kind,
            effective_date=self.spec.effective_date,
            predecessors=[found[c] for c in self.spec.predecessors],
            successors=[found[c] for c in self.spec.successors],
            receivers={pred: found[rec] for pred, rec in self.spec.receivers.items()},
            new_name=self.spec.new_name,
        )

    def check(self) -> Plan:
        """Resolve the agencies and check the event's shape and the refusal rules; return the plan.

        Raises:
            AccessDeniedError: a signed-in actor lacks ``handover`` on one of the agencies.
            AgencyNotFoundError: an agency code is unknown.
            InvalidEventError: wrong number of predecessors or successors for the kind.
            ReorganizationRefusedError: an ended agency, a date before an agency began, a cycle …
        """
        plan = self._plan()
        _check_actor(self.actor, [*plan.predecessors, *plan.successors])
        unknown_receivers = set(self.spec.receivers) - set(self.spec.predecessors)
        shape = shape_problems(plan) + [
            _("cơ quan nhận phông ghi cho %(code)s, không phải cơ quan cũ") % {"code": code}
            for code in sorted(unknown_receivers)
        ]
        if shape:
            raise InvalidEventError(details=shape)
        refusals = refusal_problems(plan, lineage_edges())
        if refusals:
            raise ReorganizationRefusedError(details=refusals)
        return plan

    def execute(self) -> ReorganizationEvent:
        """Check again, then store the event with one ``reorganization`` audit event, in one transaction."""
        with transaction.atomic():
            plan = self.check()
            event = store_event(self.spec, plan)
            log.append(
                EventType.REORGANIZATION,
                agent=_agent(self.actor),
                object_type="reorganization",
                object_id=str(event.uid),
                detail="reorganization recorded",
                data=event_summary(event, plan),
            )
        return event


class ApplyReorganizationAction:
    """Apply a stored event to agencies, fonds, custody and lineage; a second run changes nothing."""

    def __init__(self, event: ReorganizationEvent, *, actor: Any = None) -> None:
        self.event = event
        self.actor = actor

    def check(self, *, lock: bool = False) -> Plan:
        """The event's plan, after the permission, shape and refusal checks (skipped once applied).

        Raises:
            AccessDeniedError: a signed-in actor lacks ``handover`` on one of the agencies.
            InvalidEventError: wrong number of predecessors or successors for the kind.
            ReorganizationRefusedError: every reason the archive refuses the event, in ``details``.
        """
        plan = plan_of(self.event, lock=lock)
        _check_actor(self.actor, [*plan.predecessors, *plan.successors])
        if self.event.applied_at is not None:
            return plan
        shape = shape_problems(plan)
        if shape:
            raise InvalidEventError(details=shape)
        problems = refusal_problems(plan, lineage_edges()) + custody_problems(plan)
        if problems:
            raise ReorganizationRefusedError(details=problems)
        return plan

    def execute(self) -> ApplyResult:
        """Apply in one transaction with the audit events; return what was done (or what had been done)."""
        with transaction.atomic():
            self.event = ReorganizationEvent.objects.select_for_update().get(pk=self.event.pk)
            plan = self.check(lock=True)
            if self.event.applied_at is not None:
                return self._previous_result()
            result = apply_plan(self.event, plan)
            self.event.applied_at = timezone.now()
            self.event.save(update_fields=["applied_at", "old_name", "updated_at"])
            log.append_many(self._audit(plan, result))
        return result

    def _previous_result(self) -> ApplyResult:
        flags = self.event.flags.select_related("document").order_by("document__doc_code")
        return ApplyResult(
            self.event.pk,
            self.event.kind,
            self.event.effective_date,
            already_applied=True,
            flagged=[{"document": f.document.doc_code, "reason": f.reason} for f in flags],
        )

    def _audit(self, plan: Plan, result: ApplyResult) -> list[log.NewEvent]:
        agent = _agent(self.actor)
        data = {
            **event_summary(self.event, plan),
            "ended_agencies": result.ended_agencies,
            "renamed": result.renamed,
            "closed_fonds": result.closed_fonds,
            "opened_fonds": result.opened_fonds,
            "flagged_documents": len(result.flagged),
        }
        events = [
            log.NewEvent(
                EventType.REORGANIZATION,
                agent=agent,
                object_type="reorganization",
                object_id=str(self.event.uid),
                detail="reorganization applied",
                data=data,
            )
        ]
        events += [
            log.NewEvent(
                EventType.CUSTODY_TRANSFER,
                agent=agent,
                object_type="fonds",
                object_id=change["fonds"],
                detail="custody transferred",
                data={**change, "decision": self.event.legal_basis(), "event": str(self.event.uid)},
            )
            for change in result.custody
        ]
        return events
