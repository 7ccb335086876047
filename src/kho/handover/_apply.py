"""The effects of applying one reorganization event; called only by ``ApplyReorganizationAction.execute``.

Every step is written so that running it again changes nothing (relations ``get_or_create``, fonds closed
only while open, custody moved only when the holder differs, flags unique per document and event); the
action also refuses a second application outright.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kho.agencies.models import Agency, AgencyRelation, AgencyStatus
from kho.handover.models import ClosureFlag, Custody, ReorganizationEvent
from kho.handover.rules import Plan
from kho.records.choices import FondsStatus
from kho.records.models import Document, Fonds

__all__ = ["ApplyResult", "apply_plan", "open_fonds_code"]

FONDS_CODE_MAX = 40
REASON_MAX = 300


@dataclass(slots=True)
class ApplyResult:
    """What applying an event did (or, with ``already_applied``, what it had done the first time)."""

    event_id: int
    kind: str
    effective_date: dt.date
    already_applied: bool = False
    ended_agencies: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[str, str]] = field(default_factory=list)
    closed_fonds: list[str] = field(default_factory=list)
    opened_fonds: list[str] = field(default_factory=list)
    custody: list[dict[str, str]] = field(default_factory=list)
    flagged: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "event": self.event_id,
            "kind": self.kind,
            "effective_date": self.effective_date.isoformat(),
            "already_applied": self.already_applied,
            "ended_agencies": self.ended_agencies,
            "renamed": self.renamed,
            "relations": [{"predecessor": p, "successor": s} for p, s in self.relations],
            "closed_fonds": self.closed_fonds,
            "opened_fonds": self.opened_fonds,
            "custody": self.custody,
            "flagged": self.flagged,
        }


def open_fonds_code(agency: Agency) -> str:
    """A free fonds code for ``agency``: ``P<agency code>`` as the demo and imports use, else with a suffix."""
    base = f"P{agency.code}"[:FONDS_CODE_MAX]
    taken = set(Fonds.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base[: FONDS_CODE_MAX - 4]}.{n}" in taken:
        n += 1
    return f"{base[: FONDS_CODE_MAX - 4]}.{n}"


def apply_plan(event: ReorganizationEvent, plan: Plan) -> ApplyResult:
    """Write every effect of ``event`` (whose agencies ``plan`` holds, locked by the caller)."""
    result = ApplyResult(event.pk, event.kind, event.effective_date)
    _relations(event, plan, result)
    if plan.new_name:
        _rename(event, plan.predecessors[0], plan.new_name, result)
    for agency in plan.predecessors:
        if plan.ends:
            _end(agency, event.effective_date, result)
        receiver = plan.receiver_of(agency)
        for fonds in Fonds.objects.select_for_update().filter(agency=agency).select_related("agency").order_by("code"):
            if plan.ends and fonds.status == FondsStatus.OPEN:
                _close(fonds, event.effective_date, result)
                _flag_late_documents(event, fonds, event.effective_date, result)
            if receiver is not None and fonds.status == FondsStatus.CLOSED:  # only closed fonds change hands
                _move_custody(event, fonds, receiver, result)
    for agency in plan.successors:
        _ensure_open_fonds(agency, event.effective_date, result)
    return result


def _relations(event: ReorganizationEvent, plan: Plan, result: ApplyResult) -> None:
    for pred in plan.predecessors:
        for succ in plan.successors:
            AgencyRelation.objects.get_or_create(
                predecessor=pred,
                successor=succ,
                kind=event.kind,
                defaults={
                    "effective_date": event.effective_date,
                    "legal_basis": event.decision_number[:100],
                    "legal_basis_date": event.decision_date,
                },
            )
            result.relations.append((pred.code, succ.code))


def _rename(event: ReorganizationEvent, agency: Agency, new_name: str, result: ApplyResult) -> None:
    """Keep the agency (and its code and fonds); the old name stays in the event as history."""
    if agency.name == new_name:
        return
    event.old_name = agency.name
    agency.name = new_name
    agency.save(update_fields=["name", "updated_at"])
    result.renamed = {"code": agency.code, "old_name": event.old_name, "new_name": new_name}


def _end(agency: Agency, day: dt.date, result: ApplyResult) -> None:
    if agency.status == AgencyStatus.ENDED:
        return
    agency.status, agency.valid_to = AgencyStatus.ENDED, day
    agency.save(update_fields=["status", "valid_to", "updated_at"])
    result.ended_agencies.append(agency.code)


def _close(fonds: Fonds, day: dt.date, result: ApplyResult) -> None:
    fonds.status, fonds.closed_on = FondsStatus.CLOSED, day
    fonds.save(update_fields=["status", "closed_on", "updated_at"])
    result.closed_fonds.append(fonds.code)


def _move_custody(event: ReorganizationEvent, fonds: Fonds, receiver: Agency, result: ApplyResult) -> None:
    """End the current custody on the effective date and start the receiver's, unless it already holds it."""
    current = Custody.objects.select_for_update().filter(fonds=fonds, to_date__isnull=True).first()
    holder = current.holder if current else fonds.agency
    if holder.pk == receiver.pk:
        return
    day = event.effective_date
    if current is None:  # the creating agency held its fonds until now: write that first link of the chain
        Custody.objects.create(
            fonds=fonds,
            holder=fonds.agency,
            from_date=fonds.agency.valid_from,
            to_date=day,
            note=_("Cơ quan hình thành phông quản lý phông (ghi nhận khi giao nhận lần đầu)."),
        )
    else:
        current.to_date = day
        current.save(update_fields=["to_date", "updated_at"])
    Custody.objects.create(fonds=fonds, holder=receiver, from_date=day, legal_basis=event.legal_basis(), event=event)
    result.custody.append(
        {"fonds": fonds.code, "from": holder.code, "to": receiver.code, "date": day.isoformat()},
    )


def _flag_late_documents(event: ReorganizationEvent, fonds: Fonds, closed_on: dt.date, result: ApplyResult) -> None:
    """Flag documents dated after the closing date: no document is issued once the decision is effective."""
    late = (
        Document.objects.filter(record__fonds=fonds, issued_date__gt=closed_on)
        .exclude(closure_flags__event=event)
        .order_by("doc_code")
        .values_list("pk", "doc_code", "issued_date")
    )
    flags = []
    for pk, doc_code, issued in late:
        if issued is None:  # excluded by the filter; keeps the type checker honest
            continue
        reason = _("Văn bản ngày %(date)s, sau ngày đóng phông %(fonds)s (%(closed)s)") % {
            "date": issued.strftime("%d/%m/%Y"),
            "fonds": fonds.code,
            "closed": closed_on.strftime("%d/%m/%Y"),
        }
        flags.append(ClosureFlag(document_id=pk, event=event, reason=reason[:REASON_MAX]))
        result.flagged.append(
            {"document": doc_code, "fonds": fonds.code, "issued_date": issued.isoformat(), "reason": reason}
        )
    ClosureFlag.objects.bulk_create(flags)


def _ensure_open_fonds(agency: Agency, day: dt.date, result: ApplyResult) -> None:
    """A successor without an open fonds starts one named after it (the new body restarts numbering at 01)."""
    if Fonds.objects.filter(agency=agency, status=FondsStatus.OPEN).exists():
        return
    # Stored archival data, not interface text: the name is Vietnamese whatever the interface language.
    fonds = Fonds.objects.create(
        code=open_fonds_code(agency), name=f"Phông {agency.name}"[:300], agency=agency, start_year=day.year
    )
    result.opened_fonds.append(fonds.code)
