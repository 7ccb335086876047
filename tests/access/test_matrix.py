"""Permission matrix (Wagtail ``assertUserPermissionMatrix`` style, style.md rule 11).

For every role × clearance × scope × protected object × action, three answers must agree: the policy's
``can``, membership in its ``filter_queryset`` (and the queryset's ``count``), and the expectation written
out below independently of the implementation.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from kho.access import selectors
from kho.access.levels import Action
from kho.access.models import Role
from kho.access.policies import policy_for
from kho.agencies.models import Agency
from kho.audit.models import Event
from kho.core.codetables import SecrecyLevel
from kho.records.models import DigitalObject, Document, Fonds, Record
from tests.access import helpers
from tests.access.world import SCOPES, build_world

A = Action
L = SecrecyLevel

# The role table as the module docstring documents it, written out again on purpose.
EXPECTED_ACTIONS = {
    "reader": {A.VIEW, A.DOWNLOAD, A.SEARCH},
    "clerk": {A.VIEW, A.DOWNLOAD, A.SEARCH, A.CHANGE, A.DIGITIZE},
    "archivist": {A.VIEW, A.DOWNLOAD, A.SEARCH, A.CHANGE, A.DIGITIZE, A.VERIFY, A.EXPORT, A.HANDOVER},
    "leader": {A.VIEW, A.DOWNLOAD, A.SEARCH, A.VERIFY, A.EXPORT, A.HANDOVER, A.SIGN, A.DECLASSIFY},
    "security_officer": {A.VIEW, A.SEARCH, A.AUDIT_VIEW, A.MANAGE_CLEARANCES},
    "admin": {A.VIEW, A.SEARCH, A.AUDIT_VIEW, A.MANAGE_USERS},
}
SYSTEM_ACTIONS = {A.AUDIT_VIEW, A.MANAGE_USERS, A.MANAGE_CLEARANCES}
AGENCY_ACTIONS = {A.VIEW, A.SEARCH, A.CHANGE, A.EXPORT, A.HANDOVER}
SUBTREE = {"ancestor": {"H49", "H49.01", "H49.01.01"}, "out": {"H51"}, "fonds": set()}
FONDS_IN_SCOPE = {"ancestor": {"in"}, "fonds": {"listed"}, "out": set(), "all": {"in", "listed", "out"}}


def _agency_expected(scope, agency, action):
    if action not in AGENCY_ACTIONS:
        return False
    if scope == "all" or agency.code in SUBTREE[scope]:
        return True
    return scope == "fonds" and agency.code == "H50.02" and action in {A.VIEW, A.SEARCH}


def expected(world, role, clearance, scope, obj, action):
    """Whether the cell should be allowed, from the documented rules alone."""
    if action not in EXPECTED_ACTIONS[role]:
        return False
    if isinstance(obj, Event):
        return action == A.AUDIT_VIEW
    if action in SYSTEM_ACTIONS:
        return False
    if isinstance(obj, Agency):
        return _agency_expected(scope, obj, action)
    if isinstance(obj, DigitalObject) and role == "admin":
        return False  # metadata only
    fonds_key, level = world.where[(type(obj), obj.pk)]
    if fonds_key not in FONDS_IN_SCOPE[scope]:
        return False
    ceiling = L.NONE if role == "admin" else clearance
    if action == A.DIGITIZE:
        ceiling = min(ceiling, L.TOI_MAT)
    return level <= ceiling


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix(role):
    world = build_world()
    objects = world.objects()
    problems = []
    for clearance in SecrecyLevel:
        for scope in SCOPES:
            user = helpers.user(role=role, clearance=clearance, **world.scope(scope))
            for model, objs in objects.items():
                policy = policy_for(model)
                for action in Action:
                    by_can = {o.pk for o in objs if policy.can(user, action, o).allowed}
                    qs = policy.filter_queryset(user, action, model.objects.all())
                    by_sql = set(qs.values_list("pk", flat=True))
                    want = {o.pk for o in objs if expected(world, role, clearance, scope, o, action)}
                    if not by_can == by_sql == want or qs.count() != len(want):
                        cell = f"{role}/{clearance.name}/{scope}/{model.__name__}/{action}"
                        problems.append(f"{cell}: can={sorted(by_can)} sql={sorted(by_sql)} want={sorted(want)}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.django_db
def test_counts_do_not_leak_through_selectors():
    world = build_world()
    objects = world.objects()
    for role in Role.values:
        for clearance in SecrecyLevel:
            user = helpers.user(role=role, clearance=clearance, **world.scope("ancestor"))
            for action in (A.VIEW, A.SEARCH, A.EXPORT, A.DOWNLOAD):
                for select, model in [
                    (selectors.documents_for, Document),
                    (selectors.records_for, Record),
                    (selectors.fonds_for, Fonds),
                    (selectors.agencies_for, Agency),
                    (selectors.digital_objects_for, DigitalObject),
                ]:
                    allowed = sum(1 for o in objects[model] if policy_for(model).can(user, action, o))
                    assert select(user, action).count() == allowed, (role, clearance, action, model)


@pytest.mark.django_db
def test_nobody_without_a_profile_sees_anything(django_user_model):
    world = build_world()
    objects = world.objects()
    inactive = helpers.user(role="archivist", clearance=L.TUYET_MAT, all_agencies=True, is_active=False)
    superuser = django_user_model.objects.create_superuser("root", password=None)
    for user in (None, AnonymousUser(), superuser, inactive, helpers.user()):
        for model, objs in objects.items():
            policy = policy_for(model)
            for action in Action:
                assert not policy.filter_queryset(user, action, model.objects.all()).exists()
                assert not any(policy.can(user, action, o) for o in objs)
