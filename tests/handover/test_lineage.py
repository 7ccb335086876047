"""`kho lineage`: predecessors and successors as a text tree and as JSON nodes/edges."""

from __future__ import annotations

import datetime as dt

import pytest

from kho.agencies.models import RelationKind
from kho.handover.actions import ApplyReorganizationAction, CreateReorganizationAction, ReorganizationSpec
from kho.handover.lineage import lineage_graph
from tests import factories
from tests.access.helpers import user

from .conftest import EFFECTIVE

pytestmark = pytest.mark.django_db


def _apply(kind, date, decision, preds, succs=(), **extra):
    spec = ReorganizationSpec(kind, date, decision, predecessors=preds, successors=succs, **extra)
    return ApplyReorganizationAction(CreateReorganizationAction(spec).execute()).execute()


@pytest.fixture
def chain(world):
    """Two communes merged into a new one, which is later renamed and then merged into a ward."""
    a = factories.agency("H49.64.01", name="Ủy ban nhân dân xã Sơn Dương", valid_from=dt.date(2000, 1, 1))
    b = factories.agency("H49.64.02", name="Ủy ban nhân dân xã Dân Chủ")
    new = factories.agency("H49.64.90", name="Ủy ban nhân dân xã Hoành Bồ")
    ward = factories.agency("H49.64.95", name="Ủy ban nhân dân phường Hoành Bồ")
    _apply(RelationKind.MERGE, EFFECTIVE, "1680/NQ-UBTVQH15", (a.code, b.code), (new.code,))
    _apply(
        RelationKind.RENAME, dt.date(2025, 9, 1), "12/QĐ-UBND", (new.code,), new_name="Ủy ban nhân dân xã Hoành Bồ Mới"
    )
    _apply(RelationKind.MERGE, dt.date(2026, 1, 1), "200/NQ-UBTVQH15", (new.code,), (ward.code,))
    return a, b, new, ward


def test_lineage_json(chain, kho):
    result = kho("lineage", "H49.64.90", "--json")

    assert result.code == 0, result.err
    data = result.json()
    assert data["root"] == "H49.64.90"
    assert [n["code"] for n in data["nodes"]] == ["H49.64.01", "H49.64.02", "H49.64.90", "H49.64.95"]
    node = next(n for n in data["nodes"] if n["code"] == "H49.64.90")
    assert node["root"] and node["status"] == "ended" and node["valid_to"] == "2026-01-01"
    assert node["former_names"] == [
        {"name": "Ủy ban nhân dân xã Hoành Bồ", "until": "2025-09-01", "decision": "12/QĐ-UBND"}
    ]
    assert [(e["from"], e["to"], e["kind"], e["effective_date"], e["legal_basis"]) for e in data["edges"]] == [
        ("H49.64.01", "H49.64.90", "merge", "2025-07-01", "1680/NQ-UBTVQH15"),
        ("H49.64.02", "H49.64.90", "merge", "2025-07-01", "1680/NQ-UBTVQH15"),
        ("H49.64.90", "H49.64.95", "merge", "2026-01-01", "200/NQ-UBTVQH15"),
    ]


def test_lineage_text_tree(chain, kho):
    result = kho("lineage", "h49.64.01")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "H49.64.01 Ủy ban nhân dân xã Sơn Dương [kết thúc hoạt động 01/07/2025]"
    assert lines[1:3] == ["Tiền thân:", "   (không có)"]
    assert lines[3] == "Kế thừa:"
    assert (
        lines[4].startswith("└─ H49.64.90 Ủy ban nhân dân xã Hoành Bồ Mới")
        and "01/07/2025 (1680/NQ-UBTVQH15)" in lines[4]
    )
    assert "hợp nhất, sáp nhập" in lines[4] and "[tên cũ “Ủy ban nhân dân xã Hoành Bồ” đến 01/09/2025]" in lines[4]
    assert lines[5].startswith("   └─ H49.64.95 Ủy ban nhân dân phường Hoành Bồ — hợp nhất, sáp nhập 01/01/2026")


def test_lineage_graph_hides_agencies_the_user_may_not_view(chain, world):
    a, b, new, ward = chain
    scoped = user(role="reader", agencies=[new])
    graph = lineage_graph(new, user=scoped)
    assert [n["code"] for n in graph["nodes"]] == ["H49.64.90"]
    assert graph["edges"] == []
    assert len(lineage_graph(new)["nodes"]) == 4


def test_unknown_agency(kho, world):
    result = kho("lineage", "H49.999", "--json")
    assert result.code == 3 and result.json()["error"]["code"] == "agency_not_found"
