"""The rules a reorganization must satisfy, as functions returning every problem (style.md rule 13).

Shared by ``CreateReorganizationAction``, ``ApplyReorganizationAction`` and the spreadsheet import, so the
three refuse the same things with the same words. ``Plan`` is a reorganization with its agencies resolved
(agencies about to be created by an import have no primary key yet: the lineage graph is keyed by code).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kho.agencies.models import Agency, AgencyRelation, AgencyStatus, RelationKind
from kho.handover.models import ENDING_KINDS, Custody

__all__ = ["Plan", "custody_problems", "lineage_edges", "refusal_problems", "shape_problems", "would_cycle"]

Edges = Mapping[str, set[str]]


@dataclass(slots=True)
class Plan:
    """A reorganization with resolved agencies; ``receivers`` maps a predecessor code to its fonds receiver."""

    kind: str
    effective_date: dt.date
    predecessors: list[Agency]
    successors: list[Agency]
    receivers: dict[str, Agency] = field(default_factory=dict)
    new_name: str = ""

    @property
    def ends(self) -> bool:
        """Whether the predecessors stop operating."""
        return self.kind in ENDING_KINDS

    def receiver_of(self, predecessor: Agency) -> Agency | None:
        """Who receives the fonds of ``predecessor``: the named receiver, else the first successor."""
        named = self.receivers.get(predecessor.code)
        if named is not None:
            return named
        return self.successors[0] if self.successors else None


def _date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def shape_problems(plan: Plan) -> list[str]:
    """What is wrong with the number of predecessors and successors for the kind (merge n→1, split 1→n …)."""
    problems: list[str] = []
    preds, succs = len(plan.predecessors), len(plan.successors)
    if preds == 0:
        problems.append(_("cần ít nhất một cơ quan cũ"))
    if plan.kind == RelationKind.MERGE and succs != 1:
        problems.append(_("hợp nhất, sáp nhập cần đúng một cơ quan mới (có %(count)s)") % {"count": succs})
    if plan.kind == RelationKind.SPLIT and (preds != 1 or succs < 1):
        problems.append(_("chia, tách cần một cơ quan cũ và ít nhất một cơ quan mới"))
    if plan.kind == RelationKind.TRANSFER and succs < 1:
        problems.append(_("chuyển giao cần ít nhất một cơ quan nhận"))
    if plan.kind == RelationKind.RENAME:
        if preds != 1 or succs:
            problems.append(_("đổi tên áp dụng cho đúng một cơ quan, giữ nguyên mã; không có cơ quan mới"))
        if not plan.new_name:
            problems.append(_("đổi tên cần tên mới"))
    if plan.kind == RelationKind.DISSOLVE and not succs:
        problems += [
            _("giải thể %(code)s không có cơ quan kế thừa: cần ghi cơ quan nhận phông") % {"code": agency.code}
            for agency in plan.predecessors
            if agency.code not in plan.receivers
        ]
    return problems


def _before_start(agency: Agency, day: dt.date) -> str | None:
    if agency.valid_from and day < agency.valid_from:
        return _("ngày hiệu lực %(date)s trước ngày bắt đầu hoạt động %(start)s của cơ quan %(code)s") % {
            "date": _date(day),
            "start": _date(agency.valid_from),
            "code": agency.code,
        }
    return None


def _ended(agency: Agency, role: str) -> str | None:
    if agency.status != AgencyStatus.ENDED:
        return None
    since = _date(agency.valid_to) if agency.valid_to else "?"
    return _("%(role)s %(code)s đã kết thúc hoạt động từ %(date)s") % {"role": role, "code": agency.code, "date": since}


def _agency_problems(plan: Plan) -> list[str]:
    problems: list[str] = []
    receivers = list(plan.receivers.values())
    everyone = {a.code: a for a in [*plan.predecessors, *plan.successors, *receivers]}
    problems += [p for a in everyone.values() if (p := _before_start(a, plan.effective_date))]
    if plan.kind != RelationKind.TRANSFER:  # a transfer may move the fonds of an agency that ended earlier
        problems += [p for a in plan.predecessors if (p := _ended(a, _("cơ quan cũ")))]
    problems += [p for a in plan.successors if (p := _ended(a, _("cơ quan kế thừa")))]
    problems += [p for a in receivers if (p := _ended(a, _("cơ quan nhận phông")))]
    ending = {a.code for a in plan.predecessors} if plan.ends else set()
    for code, receiver in plan.receivers.items():
        if receiver.code in ending:
            problems.append(
                _("cơ quan nhận phông của %(code)s là %(receiver)s, cũng kết thúc hoạt động trong sự kiện này")
                % {"code": code, "receiver": receiver.code}
            )
    return problems


def refusal_problems(plan: Plan, edges: Edges) -> list[str]:
    """Every reason to refuse ``plan`` against the stored agencies and the lineage ``edges`` (code → codes)."""
    problems = _agency_problems(plan)
    both = sorted({a.code for a in plan.predecessors} & {a.code for a in plan.successors})
    problems += [_("cơ quan %(code)s vừa là cơ quan cũ vừa là cơ quan kế thừa") % {"code": code} for code in both]
    if not both and would_cycle(edges, [a.code for a in plan.predecessors], [a.code for a in plan.successors]):
        problems.append(
            _("sự kiện tạo vòng lặp trong quan hệ kế thừa: một cơ quan kế thừa đã là tiền thân của cơ quan cũ")
        )
    return problems


def lineage_edges(extra: Iterable[tuple[str, str]] = ()) -> dict[str, set[str]]:
    """The stored lineage as predecessor code → successor codes (one query), plus ``extra`` edges."""
    graph: dict[str, set[str]] = defaultdict(set)
    for pred, succ in AgencyRelation.objects.values_list("predecessor__code", "successor__code"):
        graph[pred].add(succ)
    for pred, succ in extra:
        graph[pred].add(succ)
    return graph


def would_cycle(edges: Edges, predecessors: Iterable[str], successors: Iterable[str]) -> bool:
    """Whether adding every predecessor → successor edge closes a cycle (a successor already leads back)."""
    targets = set(predecessors)
    stack, seen = list(successors), set[str]()
    while stack:
        code = stack.pop()
        if code in targets:
            return True
        if code not in seen:
            seen.add(code)
            stack.extend(edges.get(code, ()))
    return False


def custody_problems(plan: Plan) -> list[str]:
    """A fonds whose current custody began after the effective date cannot change hands on that date."""
    late = Custody.objects.filter(
        fonds__agency__in=[a for a in plan.predecessors if a.pk],
        to_date__isnull=True,
        from_date__gt=plan.effective_date,
    ).values_list("fonds__code", "holder__code", "from_date")
    return [
        _("phông %(fonds)s do %(holder)s quản lý từ %(start)s, sau ngày hiệu lực %(date)s")
        % {"fonds": fonds, "holder": holder, "start": _date(start), "date": _date(plan.effective_date)}
        for fonds, holder, start in late
        if start is not None  # excluded by the filter
    ]
