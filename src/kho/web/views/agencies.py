"""The agency tree and one agency with its lineage (parents, sub-agencies, predecessors and successors)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404
from kho.access.selectors import agencies_for, fonds_for
from kho.agencies.models import Agency, AgencyRelation
from kho.web.errors import page_view
from kho.web.queries import agency_relations

TREE_LIMIT = 5000


@dataclass(slots=True)
class TreeNode:
    """An agency in the tree of visible agencies."""

    agency: Agency
    children: list[TreeNode] = field(default_factory=list)
    successors: list[AgencyRelation] = field(default_factory=list)
    predecessors: list[AgencyRelation] = field(default_factory=list)


def build_tree(agencies: list[Agency], relations: Sequence[AgencyRelation] = ()) -> list[TreeNode]:
    """Nest agencies under their parents (a parent not in the list makes a root) and attach lineage links."""
    nodes = {agency.pk: TreeNode(agency) for agency in agencies}
    for relation in relations:
        if relation.predecessor_id in nodes and relation.successor_id in nodes:
            nodes[relation.predecessor_id].successors.append(relation)
            nodes[relation.successor_id].predecessors.append(relation)
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.agency.parent_id) if node.agency.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


@page_view
def agency_tree(request: HttpRequest) -> HttpResponse:
    """Every agency the user may see, nested under its parent."""
    visible = agencies_for(request.user, Action.VIEW)
    agencies = list(visible.order_by("code")[:TREE_LIMIT])
    relations = list(agency_relations(request.user))
    context = {
        "roots": build_tree(agencies, relations),
        "count": len(agencies),
        "truncated": len(agencies) >= TREE_LIMIT,
    }
    return render(request, "web/agencies.html", context)


def _ancestors(user: object, agency: Agency) -> list[Agency]:
    visible = agencies_for(user, Action.VIEW)
    chain: list[Agency] = []
    current = agency
    while current.parent_id and len(chain) < 20:
        parent = visible.filter(pk=current.parent_id).first()
        if parent is None:
            break
        chain.insert(0, parent)
        current = parent
    return chain


@page_view
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One agency: where it sits, what it became or came from, and its fonds."""
    visible = agencies_for(request.user, Action.VIEW)
    agency = get_visible_or_404(request.user, Action.VIEW, visible, code=code)
    relations = agency_relations(request.user)
    context = {
        "agency": agency,
        "ancestors": _ancestors(request.user, agency),
        "children": visible.filter(parent=agency).order_by("code"),
        "predecessors": relations.filter(successor=agency),
        "successors": relations.filter(predecessor=agency),
        "fonds": fonds_for(request.user, Action.VIEW).filter(agency=agency).order_by("code"),
    }
    return render(request, "web/agency.html", context)
