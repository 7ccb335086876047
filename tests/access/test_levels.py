"""The pure decision core: one comparison, a role table, deny by default; monotone in clearance."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kho.access import levels
from kho.access.levels import (
    ROLE_ACTIONS,
    Action,
    Decision,
    clearance_allows,
    decide,
    effective_clearance,
    level_ceiling,
    role_decision,
)
from kho.access.models import Role
from kho.core.codetables import SecrecyLevel

L = SecrecyLevel
roles = st.sampled_from([*Role.values, "nobody"])
actions = st.sampled_from(list(Action))
secrecy = st.sampled_from(list(SecrecyLevel))


def test_role_table_covers_exactly_the_roles():
    assert set(ROLE_ACTIONS) == set(Role.values)


def test_table_as_documented():
    assert ROLE_ACTIONS["reader"] == {Action.VIEW, Action.DOWNLOAD, Action.SEARCH}
    assert ROLE_ACTIONS["clerk"] == ROLE_ACTIONS["reader"] | {Action.CHANGE, Action.DIGITIZE}
    assert ROLE_ACTIONS["archivist"] == ROLE_ACTIONS["clerk"] | {Action.VERIFY, Action.EXPORT, Action.HANDOVER}
    assert Action.SIGN in ROLE_ACTIONS["leader"] and Action.DECLASSIFY in ROLE_ACTIONS["leader"]
    assert Action.DIGITIZE not in ROLE_ACTIONS["leader"]
    assert Action.MANAGE_CLEARANCES in ROLE_ACTIONS["security_officer"]
    assert Action.MANAGE_CLEARANCES not in ROLE_ACTIONS["admin"]
    assert Action.MANAGE_USERS not in ROLE_ACTIONS["security_officer"]
    # every action is documented in the module docstring's table
    for action in Action:
        if action not in {Action.AUDIT_VIEW, Action.MANAGE_USERS, Action.MANAGE_CLEARANCES}:
            assert action.value in levels.__doc__


@pytest.mark.parametrize(
    ("clearance", "level", "allowed"),
    [
        (L.NONE, L.NONE, True),
        (L.NONE, L.MAT, False),
        (L.MAT, L.MAT, True),
        (L.MAT, L.TOI_MAT, False),
        (L.TOI_MAT, L.MAT, True),
        (L.TOI_MAT, L.TUYET_MAT, False),
        (L.TUYET_MAT, L.TUYET_MAT, True),
    ],
)
def test_clearance_allows(clearance, level, allowed):
    assert clearance_allows(clearance, level) is allowed
    assert clearance_allows(int(clearance), int(level)) is allowed


def test_unknown_level_is_an_error():
    with pytest.raises(ValueError):
        clearance_allows(L.TUYET_MAT, 7)


def test_admin_is_capped_and_digitize_stops_below_tuyet_mat():
    assert effective_clearance("admin", L.TUYET_MAT) is L.NONE
    assert effective_clearance("reader", L.TOI_MAT) is L.TOI_MAT
    assert level_ceiling("archivist", L.TUYET_MAT, Action.DIGITIZE) is L.TOI_MAT
    assert level_ceiling("archivist", L.MAT, Action.DIGITIZE) is L.MAT
    denied = decide("archivist", L.TUYET_MAT, Action.DIGITIZE, L.TUYET_MAT, in_scope=True)
    assert not denied and denied.reason == levels.NEVER_DIGITIZED
    assert not decide("admin", L.TUYET_MAT, Action.VIEW, L.MAT, in_scope=True)
    assert not role_decision("admin", Action.VIEW, content=True)


def test_decision_is_falsy_when_denied_and_renders_its_reason():
    denied = decide("reader", L.NONE, Action.VIEW, L.MAT, in_scope=True)
    assert not denied
    assert denied.reason == levels.NOT_CLEARED
    assert denied.message == "Clearance NONE does not cover secrecy level MAT."
    assert decide("reader", L.MAT, Action.VIEW, L.MAT, in_scope=True)
    assert Decision.deny("x") == Decision.deny("x")
    assert hash(Decision.allow("a", {"k": 1})) == hash(Decision.allow("a", {"k": 2}))


def test_unknown_role_is_denied():
    decision = role_decision("root", Action.VIEW)
    assert not decision and decision.reason == levels.UNKNOWN_ROLE


@given(st.lists(secrecy, min_size=2, max_size=2), secrecy)
def test_clearance_allows_is_monotone(pair, level):
    low, high = sorted(pair)
    if clearance_allows(low, level):
        assert clearance_allows(high, level)


@given(roles, st.lists(secrecy, min_size=2, max_size=2), actions, secrecy, st.booleans(), st.booleans())
def test_access_is_monotone_in_clearance(role, pair, action, level, in_scope, content):
    low, high = sorted(pair)
    if decide(role, low, action, level, in_scope=in_scope, content=content):
        assert decide(role, high, action, level, in_scope=in_scope, content=content)


@given(roles, secrecy, actions, secrecy, st.booleans(), st.booleans())
def test_decide_matches_the_sql_ingredients(role, clearance, action, level, in_scope, content):
    """What ``filter_queryset`` composes (role, scope, level <= ceiling) is exactly what ``decide`` says."""
    composed = (
        role_decision(role, action, content=content).allowed
        and in_scope
        and level <= level_ceiling(role, clearance, action)
    )
    decision = decide(role, clearance, action, level, in_scope=in_scope, content=content)
    assert decision.allowed is bool(composed)
    assert decision.reason  # every decision carries its reason
    assert decision.message  # and renders without a missing placeholder


@given(roles, secrecy, st.booleans(), st.booleans())
def test_tuyet_mat_is_never_digitized(role, clearance, in_scope, content):
    assert not decide(role, clearance, Action.DIGITIZE, L.TUYET_MAT, in_scope=in_scope, content=content)
