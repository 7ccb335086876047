"""Applying reorganizations: dissolution into the provincial archive, merge, split, rename, transfer, refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from kho.access.exceptions import AccessDeniedError
from kho.agencies.models import Agency, AgencyRelation, AgencyStatus, RelationKind
from kho.audit.models import Event
from kho.handover.actions import ApplyReorganizationAction, CreateReorganizationAction, ReorganizationSpec
from kho.handover.exceptions import InvalidEventError, ReorganizationRefusedError
from kho.handover.models import ClosureFlag, Custody
from kho.records.models import Document, Fonds
from tests import factories
from tests.access.helpers import user

from .conftest import DECISION, EFFECTIVE, dissolution

pytestmark = pytest.mark.django_db


def _state() -> dict[str, object]:
    """Everything applying an event may touch."""
    return {
        "agencies": sorted(Agency.objects.values_list("code", "name", "status", "valid_to")),
        "fonds": sorted(Fonds.objects.values_list("code", "status", "closed_on")),
        "custody": sorted(Custody.objects.values_list("fonds__code", "holder__code", "from_date", "to_date")),
        "relations": sorted(AgencyRelation.objects.values_list("predecessor__code", "successor__code", "kind")),
        "flags": ClosureFlag.objects.count(),
        "events": Event.objects.count(),
        "documents": sorted(Document.objects.values_list("doc_code", "description", "verification_status")),
    }


def test_dissolution_into_the_provincial_archive(world):
    event = dissolution(world)
    world.district.refresh_from_db()
    assert world.district.status == AgencyStatus.ENDING  # marked when the event is stored
    documents_before = sorted(Document.objects.values_list("doc_code", "description", "verification_status"))

    result = ApplyReorganizationAction(event).execute()

    world.district.refresh_from_db()
    assert (world.district.status, world.district.valid_to) == (AgencyStatus.ENDED, EFFECTIVE)
    world.fonds.refresh_from_db()
    assert (world.fonds.status, world.fonds.closed_on) == ("closed", EFFECTIVE)
    chain = list(
        Custody.objects.filter(fonds=world.fonds)
        .order_by("id")
        .values_list("holder__code", "from_date", "to_date", "legal_basis")
    )
    assert chain[0][:3] == ("H49.64", dt.date(1994, 1, 1), EFFECTIVE)
    assert chain[1][:3] == ("H49.20", EFFECTIVE, None)
    assert DECISION in chain[1][3] and "16/06/2025" in chain[1][3]
    assert [f["document"] for f in result.flagged] == [world.late.doc_code]
    flag = ClosureFlag.objects.get()
    assert flag.document == world.late and "15/08/2025" in flag.reason and "01/07/2025" in flag.reason
    # The archival metadata of documents is untouched: the flag lives in kho.handover.
    assert sorted(Document.objects.values_list("doc_code", "description", "verification_status")) == documents_before
    assert result.opened_fonds == ["PH49.01"]
    opened = Fonds.objects.get(code="PH49.01")
    assert (opened.agency, opened.status, opened.name) == (
        world.home_affairs,
        "open",
        "Phông Sở Nội vụ tỉnh Quảng Ninh",
    )
    assert list(
        AgencyRelation.objects.values_list("predecessor__code", "successor__code", "kind", "effective_date")
    ) == [("H49.64", "H49.01", "dissolve", EFFECTIVE)]
    types = list(Event.objects.order_by("seq").values_list("event_type", "detail", "object_id"))
    assert ("reorganization", "reorganization applied", str(event.uid)) in types
    assert ("custody transfer", "custody transferred", "PH49.64") in types


def test_applying_twice_changes_nothing(world, kho):
    event = dissolution(world)
    first = kho("handover", "apply", event.pk, "--json")
    assert first.code == 0, first.err
    assert first.json()["closed_fonds"] == ["PH49.64"]
    before = _state()

    again = ApplyReorganizationAction(event).execute()

    assert again.already_applied
    assert [f["document"] for f in again.flagged] == [world.late.doc_code]
    assert _state() == before
    text = kho("handover", "apply", str(event.uid))
    assert text.code == 0 and "không thay đổi" in text.out


def test_refusals_are_gathered_and_nothing_changes(world):
    event = dissolution(world)
    Agency.objects.filter(pk=world.archive.pk).update(status=AgencyStatus.ENDED, valid_to=dt.date(2025, 1, 1))
    Agency.objects.filter(pk=world.district.pk).update(valid_from=dt.date(2025, 9, 1))
    before = _state()

    with pytest.raises(ReorganizationRefusedError) as caught:
        ApplyReorganizationAction(event).execute()

    details = "\n".join(caught.value.details)
    assert "trước ngày bắt đầu hoạt động 01/09/2025 của cơ quan H49.64" in details
    assert "cơ quan nhận phông H49.20 đã kết thúc hoạt động từ 01/01/2025" in details
    assert _state() == before


def test_refuses_an_agency_already_ended(world, kho):
    Agency.objects.filter(pk=world.district.pk).update(status=AgencyStatus.ENDED, valid_to=dt.date(2025, 1, 1))
    with pytest.raises(ReorganizationRefusedError, match="sắp xếp") as caught:
        dissolution(world)
    assert any("H49.64 đã kết thúc hoạt động từ 01/01/2025" in d for d in caught.value.details)


def test_refuses_a_successor_that_is_also_a_predecessor(world):
    spec = ReorganizationSpec(
        RelationKind.MERGE, EFFECTIVE, DECISION, predecessors=("H49.64", "H49.01"), successors=("H49.01",)
    )
    with pytest.raises(ReorganizationRefusedError) as caught:
        CreateReorganizationAction(spec).check()
    assert caught.value.details == ["cơ quan H49.01 vừa là cơ quan cũ vừa là cơ quan kế thừa"]


def test_refuses_a_cycle_in_lineage(world, kho):
    ApplyReorganizationAction(dissolution(world, receivers={})).execute()  # H49.64 → H49.01
    # Now H49.01 (successor of H49.64) may not be merged back into H49.64's successor chain as its predecessor.
    Agency.objects.filter(pk=world.district.pk).update(status=AgencyStatus.ACTIVE, valid_to=None)
    spec = ReorganizationSpec(
        RelationKind.TRANSFER, dt.date(2025, 8, 1), "99/QĐ-UBND", predecessors=("H49.01",), successors=("H49.64",)
    )
    with pytest.raises(ReorganizationRefusedError) as caught:
        CreateReorganizationAction(spec).execute()
    assert "vòng lặp" in caught.value.details[0]


def test_shape_is_checked_per_kind(world):
    spec = ReorganizationSpec(
        RelationKind.MERGE, EFFECTIVE, DECISION, predecessors=("H49.64",), successors=("H49.01", "H49.20")
    )
    with pytest.raises(InvalidEventError) as caught:
        CreateReorganizationAction(spec).execute()
    assert "đúng một cơ quan mới (có 2)" in caught.value.details[0]


def test_merge_of_communes_into_a_new_commune(world):
    a = factories.agency("H49.64.01", name="Ủy ban nhân dân xã Sơn Dương")
    b = factories.agency("H49.64.02", name="Ủy ban nhân dân xã Dân Chủ")
    new = factories.agency("H49.64.90", name="Ủy ban nhân dân xã Hoành Bồ mới", valid_from=EFFECTIVE)
    fa, fb = factories.fonds(owner=a), factories.fonds(owner=b)
    spec = ReorganizationSpec(
        RelationKind.MERGE, EFFECTIVE, DECISION, predecessors=(a.code, b.code), successors=(new.code,)
    )

    result = ApplyReorganizationAction(CreateReorganizationAction(spec).execute()).execute()

    assert sorted(result.ended_agencies) == [a.code, b.code]
    assert sorted(result.closed_fonds) == sorted([fa.code, fb.code])
    assert result.opened_fonds == ["PH49.64.90"]
    holders = set(Custody.objects.filter(to_date__isnull=True).values_list("fonds__code", "holder__code"))
    assert holders == {(fa.code, new.code), (fb.code, new.code)}


def test_split_gives_the_whole_fonds_to_one_receiver(world):
    east = factories.agency("H49.65", name="Ủy ban nhân dân huyện Đông")
    west = factories.agency("H49.66", name="Ủy ban nhân dân huyện Tây")
    spec = ReorganizationSpec(
        RelationKind.SPLIT, EFFECTIVE, DECISION, predecessors=("H49.64",), successors=(east.code, west.code)
    )
    result = ApplyReorganizationAction(CreateReorganizationAction(spec).execute()).execute()

    assert result.custody == [{"fonds": "PH49.64", "from": "H49.64", "to": "H49.65", "date": "2025-07-01"}]
    assert sorted(result.opened_fonds) == ["PH49.65", "PH49.66"]
    assert Custody.objects.filter(fonds=world.fonds, to_date__isnull=True).count() == 1


def test_rename_keeps_the_agency_and_its_open_fonds(world):
    spec = ReorganizationSpec(
        RelationKind.RENAME,
        EFFECTIVE,
        "55/QĐ-UBND",
        predecessors=("H49.64",),
        new_name="Ủy ban nhân dân thị xã Hoành Bồ",
    )
    event = CreateReorganizationAction(spec).execute()
    result = ApplyReorganizationAction(event).execute()

    world.district.refresh_from_db()
    event.refresh_from_db()
    assert world.district.name == "Ủy ban nhân dân thị xã Hoành Bồ" and world.district.status == AgencyStatus.ACTIVE
    assert event.old_name == "Ủy ban nhân dân huyện Hoành Bồ"
    assert result.closed_fonds == [] and result.ended_agencies == [] and not ClosureFlag.objects.exists()
    assert Fonds.objects.get(code="PH49.64").status == "open"


def test_transfer_moves_the_closed_fonds_of_an_ended_agency(world):
    ApplyReorganizationAction(dissolution(world, receivers={})).execute()  # fonds stays with Home Affairs
    spec = ReorganizationSpec(
        RelationKind.TRANSFER, dt.date(2025, 9, 1), "77/QĐ-SNV", predecessors=("H49.64",), successors=("H49.20",)
    )
    result = ApplyReorganizationAction(CreateReorganizationAction(spec).execute()).execute()

    assert result.ended_agencies == [] and result.closed_fonds == []
    chain = list(
        Custody.objects.filter(fonds=world.fonds).order_by("id").values_list("holder__code", "from_date", "to_date")
    )
    assert chain == [
        ("H49.64", dt.date(1994, 1, 1), EFFECTIVE),
        ("H49.01", EFFECTIVE, dt.date(2025, 9, 1)),
        ("H49.20", dt.date(2025, 9, 1), None),
    ]


def test_a_signed_in_actor_needs_the_handover_permission(world):
    reader = user(role="reader", agencies=[world.province])
    with pytest.raises(AccessDeniedError):
        ApplyReorganizationAction(dissolution(world), actor=reader).execute()
    archivist = user(role="archivist", agencies=[world.province])
    result = ApplyReorganizationAction(
        CreateReorganizationAction(
            ReorganizationSpec(RelationKind.RENAME, EFFECTIVE, "1/QĐ", predecessors=("H49.01",), new_name="Sở Nội vụ"),
            actor=archivist,
        ).execute(),
        actor=archivist,
    ).execute()
    assert result.renamed["new_name"] == "Sở Nội vụ"
    assert Event.objects.filter(agent=f"user:{archivist.username}", event_type="reorganization").count() == 2


def test_refuses_when_the_custody_began_after_the_date(world):
    Custody.objects.create(fonds=world.fonds, holder=world.home_affairs, from_date=dt.date(2025, 8, 1))
    with pytest.raises(ReorganizationRefusedError) as caught:
        ApplyReorganizationAction(dissolution(world)).execute()
    assert caught.value.details == ["phông PH49.64 do H49.01 quản lý từ 01/08/2025, sau ngày hiệu lực 01/07/2025"]
