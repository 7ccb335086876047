"""The lineage of an agency: every predecessor and successor, transitively, as nodes and edges.

``lineage_graph(agency)`` is what the web UI draws and ``kho lineage --json`` prints; ``render_tree`` turns
the same dict into the text tree of ``kho lineage``. Edges are the applied ``agencies.AgencyRelation``
rows; renames (which keep the agency) appear as the node's former names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from kho.access.levels import Action
from kho.access.policies import visible
from kho.agencies.models import Agency, AgencyRelation, AgencyStatus, RelationKind
from kho.handover.models import ParticipantRole, ReorganizationEvent

__all__ = ["lineage_graph", "render_tree"]

_BRANCH, _LAST, _PIPE, _GAP = "├─ ", "└─ ", "│  ", "   "


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _walk(start: int, links: dict[int, set[int]]) -> set[int]:
    seen: set[int] = set()
    stack = [start]
    while stack:
        for nxt in links.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def lineage_graph(agency: Agency, *, user: Any = None) -> dict[str, Any]:
    """The ancestors and descendants of ``agency`` with the relations between them.

    Args:
        agency: the agency at the centre (``root`` in the result).
        user: a signed-in user: agencies they may not view are left out with their edges; ``None`` is
            the local operator, who sees all.

    Returns:
        ``{"root": code, "nodes": [...], "edges": [...]}``; nodes carry code, name, status, dates and
        former names; edges carry kind, effective date and legal basis. Ordered by code and date.
    """
    relations = list(AgencyRelation.objects.values_list("pk", "predecessor_id", "successor_id"))
    up: dict[int, set[int]] = defaultdict(set)
    down: dict[int, set[int]] = defaultdict(set)
    for _pk, pred, succ in relations:
        up[succ].add(pred)
        down[pred].add(succ)
    ids = {agency.pk} | _walk(agency.pk, up) | _walk(agency.pk, down)
    agencies = Agency.objects.filter(pk__in=ids)
    if user is not None:
        agencies = visible(user, Action.VIEW, agencies) | Agency.objects.filter(pk=agency.pk)
    by_id = {a.pk: a for a in agencies.order_by("code")}
    edges = AgencyRelation.objects.filter(predecessor_id__in=by_id, successor_id__in=by_id).order_by(
        "effective_date", "predecessor__code", "successor__code"
    )
    names = _former_names(set(by_id))
    return {
        "root": agency.code,
        "nodes": [_node(a, names.get(a.pk, []), root=a.pk == agency.pk) for a in by_id.values()],
        "edges": [_edge(e, by_id) for e in edges],
    }


def _former_names(ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    names: dict[int, list[dict[str, Any]]] = defaultdict(list)
    renames = ReorganizationEvent.objects.filter(
        kind=RelationKind.RENAME,
        applied_at__isnull=False,
        participants__role=ParticipantRole.PREDECESSOR,
        participants__agency_id__in=ids,
    ).values_list("participants__agency_id", "old_name", "effective_date", "decision_number")
    for agency_id, old_name, day, decision in renames.order_by("effective_date"):
        if old_name:
            names[agency_id].append({"name": old_name, "until": day.isoformat(), "decision": decision})
    return names


def _node(agency: Agency, former: list[dict[str, Any]], *, root: bool) -> dict[str, Any]:
    return {
        "id": agency.code,
        "code": agency.code,
        "name": agency.name,
        "level": agency.level,
        "status": agency.status,
        "valid_from": _iso(agency.valid_from),
        "valid_to": _iso(agency.valid_to),
        "former_names": former,
        "root": root,
    }


def _edge(relation: AgencyRelation, by_id: dict[int, Agency]) -> dict[str, Any]:
    return {
        "from": by_id[relation.predecessor_id].code,
        "to": by_id[relation.successor_id].code,
        "kind": relation.kind,
        "kind_label": str(RelationKind(relation.kind).label),
        "effective_date": relation.effective_date.isoformat(),
        "legal_basis": relation.legal_basis,
        "legal_basis_date": _iso(relation.legal_basis_date),
    }


def _date_text(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "?"


def _label(node: dict[str, Any]) -> str:
    text = f"{node['code']} {node['name']}"
    if node["status"] == AgencyStatus.ENDED:
        text += " " + _("[kết thúc hoạt động %(date)s]") % {"date": _date_text(node["valid_to"])}
    for former in node["former_names"]:
        text += " " + _("[tên cũ “%(name)s” đến %(date)s]") % {
            "name": former["name"],
            "date": _date_text(former["until"]),
        }
    return text


def _edge_text(edge: dict[str, Any]) -> str:
    text = f"{edge['kind_label'].lower()} {_date_text(edge['effective_date'])}"
    return f"{text} ({edge['legal_basis']})" if edge["legal_basis"] else text


def render_tree(graph: dict[str, Any]) -> list[str]:
    """The text of ``kho lineage``: the root, then its predecessors and successors as indented trees."""
    nodes = {n["code"]: n for n in graph["nodes"]}
    up: dict[str, list[dict[str, Any]]] = defaultdict(list)
    down: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for edge in graph["edges"]:
        up[edge["to"]].append(edge)
        down[edge["from"]].append(edge)
    root = graph["root"]
    lines = [_label(nodes[root])]
    for title, links, far in ((_("Tiền thân:"), up, "from"), (_("Kế thừa:"), down, "to")):
        lines.append(title)
        branch = _branch(root, links, far, nodes, "", {root})
        lines += branch or ["   " + _("(không có)")]
    return lines


def _branch(
    code: str,
    links: dict[str, list[dict[str, Any]]],
    far: str,
    nodes: dict[str, dict[str, Any]],
    indent: str,
    path: set[str],
) -> list[str]:
    lines: list[str] = []
    edges = [e for e in links.get(code, []) if e[far] not in path]
    for n, edge in enumerate(edges):
        last = n == len(edges) - 1
        other = edge[far]
        lines.append(f"{indent}{_LAST if last else _BRANCH}{_label(nodes[other])} — {_edge_text(edge)}")
        lines += _branch(other, links, far, nodes, indent + (_GAP if last else _PIPE), path | {other})
    return lines
