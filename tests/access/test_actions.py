"""Separation of duties when a signed-in actor changes access (the CLI operator is ``actor=None``)."""

import pytest

from kho.access import levels
from kho.access.actions import AccessChange, ChangeAccessAction, CreateUserAction, parse_clearance, parse_role
from kho.access.exceptions import AccessDeniedError, UnknownClearanceError, UnknownRoleError
from kho.access.models import AccessProfile, Role
from kho.audit.models import Event
from kho.core.codetables import SecrecyLevel
from tests.access import helpers

L = SecrecyLevel
pytestmark = pytest.mark.django_db


def test_parsers():
    assert parse_role(" Security_Officer ") is Role.SECURITY_OFFICER
    assert parse_clearance("tối mật") is L.TOI_MAT
    assert parse_clearance("TUYET_MAT") is L.TUYET_MAT
    with pytest.raises(UnknownRoleError):
        parse_role("root")
    with pytest.raises(UnknownClearanceError):
        parse_clearance("SECRET")


def test_admin_manages_accounts_but_grants_no_clearance():
    admin = helpers.user(role="admin", clearance=L.TUYET_MAT)
    CreateUserAction("an", AccessChange(role=Role.READER), actor=admin).execute()
    assert AccessProfile.objects.get(user__username="an").clearance == 0
    with pytest.raises(AccessDeniedError) as caught:
        ChangeAccessAction("an", AccessChange(clearance=L.MAT), actor=admin).execute()
    assert caught.value.decision.reason == levels.ROLE_DENIES
    assert Event.objects.filter(event_type="access").get().agent == f"user:{admin.username}"


def test_security_officer_grants_up_to_own_clearance_only():
    officer = helpers.user(role="security_officer", clearance=L.TOI_MAT)
    helpers.user("ba", role="reader")
    ChangeAccessAction("ba", AccessChange(clearance=L.TOI_MAT), actor=officer).execute()
    assert AccessProfile.objects.get(user__username="ba").clearance == 2
    with pytest.raises(AccessDeniedError) as caught:
        ChangeAccessAction("ba", AccessChange(clearance=L.TUYET_MAT), actor=officer).execute()
    assert caught.value.decision.reason == "Clearance %(granted)s is above the actor's own clearance %(clearance)s."
    with pytest.raises(AccessDeniedError):
        ChangeAccessAction("ba", AccessChange(role=Role.LEADER), actor=officer).execute()
    assert AccessProfile.objects.get(user__username="ba").role == "reader"


@pytest.mark.parametrize("role", ["reader", "clerk", "archivist", "leader", None])
def test_other_actors_are_refused(role):
    actor = helpers.user(role=role, clearance=L.TUYET_MAT, all_agencies=True)
    with pytest.raises(AccessDeniedError):
        CreateUserAction("x", AccessChange(role=Role.READER), actor=actor).execute()
