"""Import reorganizations from an XLSX/CSV table (old agency → new agency rows), all or nothing.

Rows with the same kind, decision and new agency form ONE merge event; for the other kinds the rows of one
old agency and decision form one event (a split into several new agencies, a dissolution with several
successors). A new agency the table names but the archive lacks is created when its row gives its name.

``check()`` gathers every problem of every row (row, column, reason) and raises once; ``execute()`` re-checks
inside one transaction and writes agencies, events and audit events, then (``apply=True``) applies the
events in date order with ``ApplyReorganizationAction``: any refusal rolls the whole import back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from kho.agencies.models import Agency, AgencyStatus, RelationKind
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.handover._import_rows import ReorganizationRow, parse_row
from kho.handover.actions import (
    ApplyReorganizationAction,
    ReorganizationSpec,
    event_summary,
    store_event,
)
from kho.handover.models import Participant, ParticipantRole, ReorganizationEvent
from kho.handover.rules import Plan, lineage_edges, refusal_problems, shape_problems
from kho.records.inventory.exceptions import ImportConflictError, ImportProblemsError, SpreadsheetError
from kho.records.inventory.reader import Table
from kho.records.inventory.rowparse import Problem, RowParser

__all__ = ["ImportReorganizationsAction", "ReorganizationImportResult"]

Group = list[tuple[ReorganizationRow, RowParser]]


@dataclass(slots=True)
class ReorganizationImportResult:
    """What the import wrote (or, for a dry run, would write)."""

    source: str
    sha256: str
    rows: int
    events: list[dict[str, Any]] = field(default_factory=list)
    agencies_created: list[str] = field(default_factory=list)
    applied: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = True

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "rows": self.rows,
            "events": self.events,
            "agencies_created": self.agencies_created,
            "applied": self.applied,
            "dry_run": self.dry_run,
        }


class ImportReorganizationsAction:
    """``problems()`` → ``check()`` → ``execute()`` for one reorganization table."""

    def __init__(self, table: Table, *, actor: Any = None, apply: bool = False) -> None:
        self.table = table
        self.actor = actor
        self.apply = apply
        self._problems: list[Problem] | None = None
        self._groups: dict[tuple[str, str, str], Group] = {}
        self._new: dict[str, Agency] = {}
        self._plans: list[tuple[ReorganizationSpec, Plan]] = []

    # -- checking -------------------------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every problem of every row, in row order (computed once)."""
        if self._problems is None:
            sink: list[Problem] = []
            parsed = [(parse_row(p), p) for p in (RowParser(self.table, row, sink) for row in self.table.rows)]
            codes = {c for row, _p in parsed for c in (row.old_code, row.new_code, row.receiver) if c}
            self._stored = {a.code: a for a in Agency.objects.filter(code__in=codes)}
            self._new, self._groups, self._plans = {}, {}, []
            for row, p in parsed:
                self._check_agencies(row, p)
            for row, p in parsed:
                self._check_receiver(row, p)
                if row.kind and row.effective_date and row.decision_number:
                    self._groups.setdefault(row.group_key(), []).append((row, p))
            self._check_groups({problem.row for problem in sink})
            self._problems = sorted(sink, key=lambda problem: problem.row)
        return self._problems

    def _agency(self, code: str) -> Agency | None:
        return self._stored.get(code) or self._new.get(code)

    def _check_agencies(self, row: ReorganizationRow, p: RowParser) -> None:
        if row.old_code and row.old_code not in self._stored:
            p.problem("old_code", _("cơ quan “%(code)s” chưa có trong kho") % {"code": row.old_code})
        code = row.new_code
        if not code or code == row.old_code:
            return
        stored, new = self._stored.get(code), self._new.get(code)
        if stored is not None:
            if row.new_name and row.new_name != stored.name:
                p.problem(
                    "new_name",
                    _("cơ quan “%(code)s” đã có trong kho với tên “%(name)s”; bỏ trống ô này hoặc sửa mã")
                    % {"code": code, "name": stored.name},
                )
        elif new is not None:
            if row.new_name and row.new_name != new.name:
                p.problem(
                    "new_name", _("khác tên đã ghi cho “%(code)s”: “%(name)s”") % {"code": code, "name": new.name}
                )
        elif not row.new_name:
            p.problem(
                "new_code",
                _("cơ quan “%(code)s” chưa có trong kho; ghi cột “%(column)s” để tạo mới")
                % {"code": code, "column": self.table.header("new_name")},
            )
        else:
            self._new[code] = _new_agency(code, row, self._stored.get(row.old_code))

    def _check_receiver(self, row: ReorganizationRow, p: RowParser) -> None:
        if row.receiver and self._agency(row.receiver) is None:
            p.problem("receiver", _("cơ quan “%(code)s” chưa có trong kho") % {"code": row.receiver})

    def _check_groups(self, bad_rows: set[int]) -> None:
        """Checks across the rows of each event, then the event's own rules; groups with a bad row are skipped."""
        ending: dict[str, int] = {}
        stored = _stored_predecessors({row.decision_number for g in self._groups.values() for row, _p in g})
        edges = lineage_edges()
        for group in sorted(self._groups.values(), key=lambda g: (g[0][0].effective_date, g[0][0].number)):
            if any(row.number in bad_rows for row, _p in group) or not self._group_consistent(group):
                continue
            spec, plan = self._plan(group)
            first, p = group[0]
            for agency in plan.predecessors if plan.ends else ():
                if agency.code in ending:
                    reason = _("“%(code)s” đã kết thúc ở dòng %(row)s") % {
                        "code": agency.code,
                        "row": ending[agency.code],
                    }
                    p.problem("old_code", reason)
                ending.setdefault(agency.code, first.number)
            if any((spec.kind, spec.decision_number, code) in stored for code in spec.predecessors):
                p.problem("decision_number", _("sự kiện này đã được nhập trước đây"), conflict=True)
                continue  # its agencies have ended since: the refusals below would only repeat that
            problems = shape_problems(plan) + refusal_problems(plan, edges)
            for reason in problems:
                p.problem("kind", reason)
            if not problems:
                for pred in plan.predecessors:
                    edges.setdefault(pred.code, set()).update(a.code for a in plan.successors)
                self._plans.append((spec, plan))

    def _group_consistent(self, group: Group) -> bool:
        """Rows of one event agree on dates, issuer and receivers; each agency appears once on its side."""
        first = group[0][0]
        ok = all(self._agency(c) for row, _p in group for c in (row.old_code, row.new_code, row.receiver) if c)
        # A merge lists its old agencies one per row; a split, dissolution or transfer its new ones.
        side = "new_code" if first.kind in {"split", "dissolve", "transfer"} else "old_code"
        seen: dict[str, int] = {}
        receivers: dict[str, tuple[str, int]] = {}
        for row, p in group:
            for key in ("effective_date", "decision_date", "issuing_body"):
                if getattr(row, key) != getattr(first, key):
                    p.problem(key, _("khác với dòng %(row)s của cùng quyết định") % {"row": first.number})
                    ok = False
            code = getattr(row, side)
            if code and code in seen:
                p.problem(side, _("trùng với dòng %(row)s") % {"row": seen[code]})
                ok = False
            seen.setdefault(code, row.number)
            if row.receiver:
                earlier = receivers.setdefault(row.old_code, (row.receiver, row.number))
                if earlier[0] != row.receiver:
                    p.problem(
                        "receiver",
                        _("một phông chỉ giao nguyên vẹn cho một cơ quan; dòng %(row)s ghi “%(code)s”")
                        % {"row": earlier[1], "code": earlier[0]},
                    )
                    ok = False
        return ok

    def _plan(self, group: Group) -> tuple[ReorganizationSpec, Plan]:
        first = group[0][0]
        preds = list(dict.fromkeys(row.old_code for row, _p in group))
        succs = [] if first.kind == "rename" else list(dict.fromkeys(row.new_code for row, _p in group if row.new_code))
        receivers = {row.old_code: row.receiver for row, _p in group if row.receiver}
        effective = cast("dt.date", first.effective_date)  # only rows with a date are grouped
        spec = ReorganizationSpec(
            kind=RelationKind(first.kind),
            effective_date=effective,
            decision_number=first.decision_number,
            predecessors=tuple(preds),
            successors=tuple(succs),
            receivers=receivers,
            decision_date=first.decision_date,
            issuing_body=first.issuing_body,
            new_name=first.new_name if first.kind == "rename" else "",
            note="; ".join(dict.fromkeys(row.note for row, _p in group if row.note)),
            source=f"{self.table.source} ({self.table.sha256[:19]})",
        )
        found = self._agency
        plan = Plan(
            kind=spec.kind,
            effective_date=spec.effective_date,
            predecessors=[a for c in preds if (a := found(c))],
            successors=[a for c in succs if (a := found(c))],
            receivers={pred: a for pred, rec in receivers.items() if (a := found(rec))},
            new_name=spec.new_name,
        )
        return spec, plan

    def is_valid(self) -> bool:
        """True when the table can be imported as it is."""
        return not self.problems()

    def check(self) -> ReorganizationImportResult:
        """Validate the whole table; return what ``execute()`` would write.

        Raises:
            SpreadsheetError: the table has no data rows.
            ImportProblemsError: at least one row is invalid (every problem is in ``details``).
            ImportConflictError: every problem is a clash with stored data (the table was imported already).
        """
        if not self.table.rows:
            raise SpreadsheetError(
                _("Tệp %(name)s không có dòng dữ liệu nào dưới dòng tiêu đề %(row)s."),
                name=self.table.source,
                row=self.table.header_row,
            )
        problems = self.problems()
        if problems:
            details, dicts = [str(p) for p in problems], [p.as_dict() for p in problems]
            if all(p.conflict for p in problems):
                raise ImportConflictError(
                    _("Có %(count)s xung đột với dữ liệu đã lưu; chưa ghi gì vào kho."),
                    details=details,
                    problems=dicts,
                    count=len(problems),
                )
            raise ImportProblemsError(
                _("Tệp có %(count)s lỗi; chưa ghi gì vào kho. Sửa các dòng dưới đây rồi nhập lại."),
                details=details,
                problems=dicts,
                count=len(problems),
            )
        return self._result(dry_run=True)

    # -- writing --------------------------------------------------------------------------------------------

    def execute(self) -> ReorganizationImportResult:
        """Check again under the write transaction, then write everything and its audit events, or nothing."""
        with transaction.atomic():
            self._problems = None
            self.check()
            for agency in self._new.values():
                agency.full_clean(exclude=["parent"])
                agency.save()
            agent = log.user_agent(self.actor) if self.actor is not None else log.SYSTEM_AGENT
            events, audit = [], []
            if self._new:
                audit.append(_agencies_event(agent, self.table, sorted(self._new)))
            for spec, plan in self._plans:
                event = store_event(spec, plan)
                events.append(event)
                audit.append(
                    log.NewEvent(
                        EventType.REORGANIZATION,
                        agent=agent,
                        object_type="reorganization",
                        object_id=str(event.uid),
                        detail="reorganization recorded",
                        data={**event_summary(event, plan), "source": spec.source},
                    )
                )
            log.append_many(audit)
            result = self._result(dry_run=False, events=events)
            if self.apply:
                for event in sorted(events, key=lambda e: (e.effective_date, e.pk)):
                    applied = ApplyReorganizationAction(event, actor=self.actor).execute()
                    result.applied.append(applied.as_dict())
        return result

    def _result(self, *, dry_run: bool, events: list[ReorganizationEvent] | None = None) -> ReorganizationImportResult:
        described = []
        for n, (spec, _plan) in enumerate(self._plans):
            described.append(
                {
                    "id": events[n].pk if events else None,
                    "kind": spec.kind,
                    "effective_date": spec.effective_date.isoformat(),
                    "decision": spec.decision_number,
                    "predecessors": list(spec.predecessors),
                    "successors": list(spec.successors),
                }
            )
        return ReorganizationImportResult(
            self.table.source,
            self.table.sha256,
            len(self.table.rows),
            described,
            sorted(self._new),
            dry_run=dry_run,
        )


def _new_agency(code: str, row: ReorganizationRow, old: Agency | None) -> Agency:
    """A new agency at the level, in the system and under the parent of the old agency it replaces."""
    agency = Agency(code=code, name=row.new_name, status=AgencyStatus.ACTIVE, valid_from=row.effective_date)
    if old is not None:
        agency.level, agency.system, agency.parent_id = old.level, old.system, old.parent_id
    return agency


def _stored_predecessors(decisions: set[str]) -> set[tuple[str, str, str]]:
    """(kind, decision, predecessor code) of stored events with one of ``decisions`` (to refuse a re-import)."""
    rows = Participant.objects.filter(
        event__decision_number__in=decisions, role=ParticipantRole.PREDECESSOR
    ).values_list("event__kind", "event__decision_number", "agency__code")
    return set(rows)


def _agencies_event(agent: str, table: Table, codes: list[str]) -> log.NewEvent:
    return log.NewEvent(
        EventType.CREATION,
        agent=agent,
        object_type="agencies-import",
        object_id=table.source,
        detail=f"created {len(codes)} agencies named in a reorganization table",
        data={"source": table.source, "sha256": table.sha256, "agencies": codes},
    )
