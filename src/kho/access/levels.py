"""The pure decision core: actions, the role table, the clearance comparison and ``Decision``.

Pure module (no Django import), so the rules can be property-tested alone (style.md rules 10, 27). The
policies in ``kho.access.policies`` build their Python checks (``can``) *and* their SQL filters
(``filter_queryset``) from the functions here, so the two cannot drift apart.

Role → actions (one table, ``ROLE_ACTIONS``):

=================  ==========================================================================
role               actions
=================  ==========================================================================
reader             view, download, search
clerk              view, download, search, change, digitize
archivist          view, download, search, change, digitize, verify, export, handover
leader             view, download, search, verify, export, handover, sign, declassify
security_officer   view, search, audit_view, manage_clearances
admin              view, search (unclassified *metadata* only), audit_view, manage_users
=================  ==========================================================================

Rules beyond the table, all deny by default:

* Every object action also needs the object in the user's scope and its secrecy level covered by the
  clearance (``clearance_allows`` is the only comparison of the two).
* ``admin`` is about administration, not about reading secrets: its clearance is capped at NONE
  whatever its profile says (``ROLE_CLEARANCE_CAP``), and it never sees file content (digital objects).
* Separation of duties: ``admin`` creates accounts and sets roles and scope (``manage_users``); only a
  ``security_officer`` grants clearances (``manage_clearances``), never above its own.
* TUYỆT MẬT is never digitized, by anyone (standards.md §6.2): the ceiling for ``digitize`` is TỐI MẬT.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kho.core.codetables import SecrecyLevel
from kho.core.text import N_

__all__ = [
    "OBJECT_ACTIONS",
    "ROLE_ACTIONS",
    "ROLE_CLEARANCE_CAP",
    "Action",
    "Decision",
    "clearance_allows",
    "decide",
    "effective_clearance",
    "level_ceiling",
    "role_decision",
]


class Action(StrEnum):
    """What a user wants to do with an object (or with the system, for the last three)."""

    VIEW = "view"
    DOWNLOAD = "download"
    SEARCH = "search"
    CHANGE = "change"
    VERIFY = "verify"
    DIGITIZE = "digitize"
    EXPORT = "export"
    HANDOVER = "handover"
    SIGN = "sign"
    DECLASSIFY = "declassify"
    AUDIT_VIEW = "audit_view"
    MANAGE_USERS = "manage_users"
    MANAGE_CLEARANCES = "manage_clearances"


SYSTEM_ACTIONS = frozenset({Action.AUDIT_VIEW, Action.MANAGE_USERS, Action.MANAGE_CLEARANCES})
OBJECT_ACTIONS = frozenset(Action) - SYSTEM_ACTIONS

_READ = frozenset({Action.VIEW, Action.DOWNLOAD, Action.SEARCH})
_CLERK = _READ | {Action.CHANGE, Action.DIGITIZE}

# Keys are the values of ``kho.access.models.Role`` (a test keeps them equal).
ROLE_ACTIONS: Mapping[str, frozenset[Action]] = {
    "reader": _READ,
    "clerk": _CLERK,
    "archivist": _CLERK | {Action.VERIFY, Action.EXPORT, Action.HANDOVER},
    "leader": _READ | {Action.VERIFY, Action.EXPORT, Action.HANDOVER, Action.SIGN, Action.DECLASSIFY},
    "security_officer": frozenset({Action.VIEW, Action.SEARCH, Action.AUDIT_VIEW, Action.MANAGE_CLEARANCES}),
    "admin": frozenset({Action.VIEW, Action.SEARCH, Action.AUDIT_VIEW, Action.MANAGE_USERS}),
}
# The highest clearance a role can use, whatever its profile says.
ROLE_CLEARANCE_CAP: Mapping[str, SecrecyLevel] = {"admin": SecrecyLevel.NONE}
# Roles that read metadata only, never the content of files.
METADATA_ONLY_ROLES = frozenset({"admin"})
# The highest level each action may touch for everyone (standards.md §6.2: TUYỆT MẬT is never digitized).
ACTION_LEVEL_CAP: Mapping[Action, SecrecyLevel] = {Action.DIGITIZE: SecrecyLevel.TOI_MAT}

ALLOWED = N_(
    "Role %(role)s may %(action)s this object: it is in scope and clearance %(clearance)s covers level %(level)s."
)
ROLE_DENIES = N_("Role %(role)s does not allow the action %(action)s.")
UNKNOWN_ROLE = N_("Role %(role)s is unknown: access is denied by default.")
METADATA_ONLY = N_("Role %(role)s reads metadata only, never file content.")
OUT_OF_SCOPE = N_("The object is outside the user's agencies and fonds.")
NOT_CLEARED = N_("Clearance %(clearance)s does not cover secrecy level %(level)s.")
ROLE_CAPPED = N_("Role %(role)s acts at clearance %(clearance)s at most, below secrecy level %(level)s.")
NEVER_DIGITIZED = N_("TUYET_MAT documents are never digitized (standards.md §6.2).")


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of a policy: allowed or not, and why.

    ``reason`` is an English template with named placeholders (``kho.core.text.N_``) filled from
    ``params``. It is written to the audit log, never shown to the user: a denial tells an uncleared
    user nothing about the object. A ``Decision`` is falsy when access is denied.
    """

    allowed: bool
    reason: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def allow(cls, reason: str, params: Mapping[str, Any] | None = None) -> Decision:
        """An allowing decision."""
        return cls(allowed=True, reason=reason, params=dict(params or {}))

    @classmethod
    def deny(cls, reason: str, params: Mapping[str, Any] | None = None) -> Decision:
        """A denying decision."""
        return cls(allowed=False, reason=reason, params=dict(params or {}))

    @property
    def message(self) -> str:
        """The reason with its parameters filled in (English; for logs only)."""
        return self.reason % dict(self.params) if self.params else self.reason

    def with_params(self, **params: Any) -> Decision:
        """A copy carrying more parameters (the policy adds the model and object)."""
        return Decision(self.allowed, self.reason, {**self.params, **params})


def clearance_allows(clearance: SecrecyLevel, level: SecrecyLevel) -> bool:
    """Return True when a user cleared to ``clearance`` may see an object marked ``level``.

    The one place where a clearance is compared with a secrecy level (style.md rule 10). Plain ints
    (database values) are accepted and checked against the enum: an unknown value raises ValueError.
    """
    return SecrecyLevel(clearance) >= SecrecyLevel(level)


def effective_clearance(role: str, clearance: SecrecyLevel) -> SecrecyLevel:
    """The clearance a role may actually use: the profile's, capped by ``ROLE_CLEARANCE_CAP``."""
    cap = ROLE_CLEARANCE_CAP.get(role, SecrecyLevel.TUYET_MAT)
    clearance = SecrecyLevel(clearance)
    return clearance if clearance_allows(cap, clearance) else cap


def level_ceiling(role: str, clearance: SecrecyLevel, action: Action) -> SecrecyLevel:
    """The highest secrecy level ``role`` at ``clearance`` may ``action``: the SQL filters use ``<=`` it."""
    usable = effective_clearance(role, clearance)
    action_cap = ACTION_LEVEL_CAP.get(Action(action), SecrecyLevel.TUYET_MAT)
    return usable if clearance_allows(action_cap, usable) else action_cap


def role_decision(role: str, action: Action, *, content: bool = False) -> Decision:
    """Whether ``role`` may ever do ``action`` (to file ``content`` when set), before scope and levels."""
    action = Action(action)
    params = {"role": role, "action": action.value}
    if role not in ROLE_ACTIONS:
        return Decision.deny(UNKNOWN_ROLE, params)
    if action not in ROLE_ACTIONS[role]:
        return Decision.deny(ROLE_DENIES, params)
    if content and role in METADATA_ONLY_ROLES:
        return Decision.deny(METADATA_ONLY, params)
    return Decision.allow(ALLOWED, params)


def decide(
    role: str,
    clearance: SecrecyLevel,
    action: Action,
    level: SecrecyLevel,
    *,
    in_scope: bool,
    content: bool = False,
) -> Decision:
    """Decide one object action: role, then scope, then the secrecy level (the first failure is the reason).

    Args:
        role: the user's role (a ``Role`` value).
        clearance: the clearance in the user's profile.
        action: what the user wants to do.
        level: the object's effective secrecy level (the highest of its own and its parents').
        in_scope: whether the object lies in the user's agencies or fonds.
        content: whether the object is file content rather than metadata.
    """
    level = SecrecyLevel(level)
    params = {"clearance": SecrecyLevel(clearance).name, "level": level.name}
    by_role = role_decision(role, action, content=content).with_params(**params)
    if not by_role.allowed:
        return by_role
    if not in_scope:
        return Decision.deny(OUT_OF_SCOPE, by_role.params)
    if not clearance_allows(SecrecyLevel(clearance), level):
        return Decision.deny(NOT_CLEARED, by_role.params)
    if not clearance_allows(effective_clearance(role, clearance), level):
        capped = effective_clearance(role, clearance).name
        return Decision.deny(ROLE_CAPPED, {**by_role.params, "clearance": capped})
    if not clearance_allows(level_ceiling(role, clearance, action), level):
        return Decision.deny(NEVER_DIGITIZED, by_role.params)
    return by_role
