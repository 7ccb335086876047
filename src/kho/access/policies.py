"""One policy per protected model, and the helpers every surface calls (style.md rules 9, 10).

Each policy answers both questions from the same declaration (``fonds_path``, ``level_paths``):
``can(user, action, obj)`` in Python, and ``filter_queryset(user, action, qs)`` in SQL. The pure rules
live in ``kho.access.levels``; a permission-matrix test holds the two answers equal for every cell.

Contract for callers (web, API, search, exports, packages, CLI):

* Lists: ``visible(user, action, qs)`` (or ``kho.access.selectors``). Never filter in Python.
* Detail: ``get_visible_or_404(user, action, qs, **lookup)``: a missing object and a hidden one raise the
  same ``NotFoundError``, so an uncleared user cannot learn that a classified object exists.
* Mutations on an object already shown: ``check(user, action, obj)`` raises ``AccessDeniedError``.
* Accountability: ``log_decision(...)`` appends an ACCESS event; callers decide which decisions to log.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any, ClassVar, Generic, TypeVar, overload

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kho.access._subject import Subject, subject_for
from kho.access.exceptions import AccessDeniedError, UnprotectedModelError
from kho.access.levels import (
    OBJECT_ACTIONS,
    OUT_OF_SCOPE,
    Action,
    Decision,
    decide,
    level_ceiling,
    role_decision,
)
from kho.agencies.models import Agency
from kho.audit import log
from kho.audit.middleware import client_ip
from kho.audit.models import Event
from kho.audit.vocabulary import EventType, Outcome
from kho.core.codetables import SecrecyLevel
from kho.core.exceptions import NotFoundError
from kho.core.text import N_
from kho.records.models import DigitalObject, Document, Fonds, Record

M = TypeVar("M", bound=models.Model)

NOT_APPLICABLE = N_("The action %(action)s does not apply to %(model)s.")
VIA_FONDS_ONLY = N_("The agency is visible only through a listed fonds, which allows view and search only.")


class Policy(Generic[M]):
    """Base policy: deny-by-default prelude shared by every model; subclasses add scope and levels."""

    model: ClassVar[type[models.Model]]
    actions: ClassVar[frozenset[Action]] = OBJECT_ACTIONS
    content: ClassVar[bool] = False  # file content rather than metadata (metadata-only roles are refused)

    def prelude(self, user: Any, action: Action) -> Subject | Decision:
        """The subject when the user, the role and the action may go on to the object check; else the denial."""
        action = Action(action)
        subject = subject_for(user)
        if isinstance(subject, Decision):
            return subject
        if action not in self.actions:
            return Decision.deny(NOT_APPLICABLE, {"action": action.value, "model": self.model._meta.label})
        by_role = role_decision(subject.role, action, content=self.content)
        return subject if by_role.allowed else by_role

    def can(self, user: Any, action: Action, obj: M) -> Decision:
        """Whether ``user`` may do ``action`` to ``obj``, with the reason (for the log, never for the user)."""
        subject = self.prelude(user, action)
        if isinstance(subject, Decision):
            return subject.with_params(model=self.model._meta.label, object=_object_id(obj))
        return self.judge(subject, Action(action), obj).with_params(
            model=self.model._meta.label, object=_object_id(obj)
        )

    def filter_queryset(self, user: Any, action: Action, qs: QuerySet[M]) -> QuerySet[M]:
        """``qs`` narrowed in SQL to the objects ``can`` allows (empty when the prelude denies)."""
        subject = self.prelude(user, action)
        if isinstance(subject, Decision):
            return qs.none()
        return qs.filter(self.visible_q(subject, Action(action)))

    def judge(self, subject: Subject, action: Action, obj: M) -> Decision:
        """The object check for a subject whose role allows ``action``."""
        raise NotImplementedError

    def visible_q(self, subject: Subject, action: Action) -> Q:
        """The SQL mirror of ``judge``."""
        raise NotImplementedError


class ArchivalPolicy(Policy[M]):
    """Objects that belong to a fonds: in scope through the fonds' agency subtree or the fonds itself.

    ``fonds_path`` is the ORM path to the fonds ("" for a fonds); ``level_paths`` the secrecy levels that
    must all be within the user's ceiling (a document counts its record's level as well as its own).
    """

    fonds_path: ClassVar[str] = ""
    level_paths: ClassVar[tuple[str, ...]] = ()

    def judge(self, subject: Subject, action: Action, obj: M) -> Decision:
        """Scope through the fonds, then the highest of the object's levels."""
        fonds = _walk(obj, self.fonds_path)
        level = max((SecrecyLevel(_walk(obj, path)) for path in self.level_paths), default=SecrecyLevel.NONE)
        in_scope = subject.covers(fonds.agency_id, fonds.pk)
        return decide(subject.role, subject.clearance, action, level, in_scope=in_scope, content=self.content)

    def visible_q(self, subject: Subject, action: Action) -> Q:
        """Scope and levels as one ``Q``."""
        prefix = f"{self.fonds_path}__" if self.fonds_path else ""
        query = Q()
        if not subject.all_agencies:
            query = Q(**{f"{prefix}agency__in": subject.agency_ids}) | Q(**{f"{prefix}pk__in": subject.fonds_ids})
        ceiling = int(level_ceiling(subject.role, subject.clearance, action))
        return reduce(operator.and_, (Q(**{f"{path}__lte": ceiling}) for path in self.level_paths), query)


class FondsPolicy(ArchivalPolicy[Fonds]):
    """Fonds: no secrecy level of their own; the records inside carry it."""

    model = Fonds


class RecordPolicy(ArchivalPolicy[Record]):
    """Records (hồ sơ)."""

    model = Record
    fonds_path = "fonds"
    level_paths = ("secrecy_level",)


class DocumentPolicy(ArchivalPolicy[Document]):
    """Documents: hidden when their own level or their record's is above the user's ceiling."""

    model = Document
    fonds_path = "record__fonds"
    level_paths = ("secrecy_level", "record__secrecy_level")


class DigitalObjectPolicy(ArchivalPolicy[DigitalObject]):
    """Files of documents: the document's rules, and never for metadata-only roles."""

    model = DigitalObject
    content = True
    fonds_path = "document__record__fonds"
    level_paths = ("document__secrecy_level", "document__record__secrecy_level")


class AgencyPolicy(Policy[Agency]):
    """Agencies: the user's agency subtrees; the agency of a listed fonds is visible (view, search) too."""

    model = Agency
    actions = frozenset({Action.VIEW, Action.SEARCH, Action.CHANGE, Action.EXPORT, Action.HANDOVER})
    _read: ClassVar[frozenset[Action]] = frozenset({Action.VIEW, Action.SEARCH})

    def judge(self, subject: Subject, action: Action, obj: Agency) -> Decision:
        """In a subtree, or (view and search only) the owner of a listed fonds."""
        via_fonds = action in self._read and obj.pk in subject.fonds_agency_ids
        in_scope = subject.all_agencies or obj.pk in subject.agency_ids or via_fonds
        decision = decide(subject.role, subject.clearance, action, SecrecyLevel.NONE, in_scope=in_scope)
        if decision.reason == OUT_OF_SCOPE and obj.pk in subject.fonds_agency_ids:
            return Decision.deny(VIA_FONDS_ONLY, decision.params)
        return decision

    def visible_q(self, subject: Subject, action: Action) -> Q:
        """The SQL mirror of ``judge``."""
        if subject.all_agencies:
            return Q()
        query = Q(pk__in=subject.agency_ids)
        return query | Q(pk__in=subject.fonds_agency_ids) if action in self._read else query


class EventPolicy(Policy[Event]):
    """The audit log: ``audit_view`` for security officers and administrators, over the whole log."""

    model = Event
    actions = frozenset({Action.AUDIT_VIEW})

    def judge(self, subject: Subject, action: Action, obj: Event) -> Decision:
        """The role decides alone: the log is province-wide and holds no secret content."""
        return decide(subject.role, subject.clearance, action, SecrecyLevel.NONE, in_scope=True)

    def visible_q(self, subject: Subject, action: Action) -> Q:
        """Every event."""
        return Q()


_REGISTRY: dict[type[models.Model], Policy[Any]] = {}


def register(model: type[models.Model], policy: Policy[Any]) -> None:
    """Protect ``model`` with ``policy`` (called from ``AppConfig.ready``)."""
    _REGISTRY[model] = policy


def register_defaults() -> None:
    """Register the policies of the archive's own models."""
    for policy in (AgencyPolicy(), FondsPolicy(), RecordPolicy(), DocumentPolicy(), DigitalObjectPolicy()):
        register(policy.model, policy)
    register(Event, EventPolicy())


@overload
def policy_for(target: type[M]) -> Policy[M]: ...
@overload
def policy_for(target: M) -> Policy[M]: ...
def policy_for(target: type[M] | M) -> Policy[M]:
    """The policy of a model (or of an instance's model); a model without one is a bug."""
    model = target if isinstance(target, type) else type(target)
    policy = _REGISTRY.get(model._meta.concrete_model or model)
    if policy is None:
        raise UnprotectedModelError(model._meta.label)
    return policy


def visible(user: Any, action: Action, qs: QuerySet[M]) -> QuerySet[M]:
    """``qs`` filtered in SQL to what ``user`` may ``action``."""
    return policy_for(qs.model).filter_queryset(user, action, qs)


def can(user: Any, action: Action, obj: models.Model) -> Decision:
    """The decision of ``obj``'s policy."""
    return policy_for(obj).can(user, action, obj)


def check(user: Any, action: Action, obj: models.Model) -> None:
    """Raise ``AccessDeniedError`` (carrying the decision) unless ``user`` may ``action`` to ``obj``."""
    decision = can(user, action, obj)
    if not decision.allowed:
        raise AccessDeniedError(decision)


def not_found() -> NotFoundError:
    """The one error for "missing" and "hidden" alike: same class, code and message."""
    return NotFoundError(_("Không tìm thấy đối tượng."))


def get_visible_or_404(user: Any, action: Action, qs: QuerySet[M], **lookup: Any) -> M:
    """The one object matching ``lookup`` among those ``user`` may ``action``, else ``NotFoundError``.

    Missing and hidden objects cost the same single query and raise the same error, so neither the
    message, the code nor the timing tells an uncleared user that a classified object exists.
    """
    try:
        return visible(user, action, qs).get(**lookup)
    except (ObjectDoesNotExist, ValidationError, ValueError):
        raise not_found() from None


def log_decision(
    user: Any, action: Action, obj: models.Model, decision: Decision, request_meta: dict[str, Any] | None = None
) -> Event:
    """Append an ACCESS event: who, which action on what, the decision and its reason, and from where.

    Must run inside the caller's transaction when it records a change. ``request_meta`` is Django's
    ``request.META``; the address kept is the access log's
    :func:`~kho.audit.middleware.client_ip` (``REMOTE_ADDR``, or the forwarded client behind a trusted proxy).
    """
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    data: dict[str, Any] = {
        "action": Action(action).value,
        "allowed": decision.allowed,
        "reason": decision.reason,
        "params": {key: str(value) for key, value in decision.params.items()},
    }
    if request_meta and (ip := client_ip(request_meta, getattr(settings, "KHO_TRUSTED_PROXIES", ()))):
        data["ip"] = ip
    return log.append(
        EventType.ACCESS,
        agent=log.user_agent(user) if authenticated else "anonymous",
        outcome=Outcome.SUCCESS if decision.allowed else Outcome.FAILURE,
        object_type=obj._meta.label_lower,
        object_id=_object_id(obj),
        detail=decision.message,
        data=data,
    )


def _object_id(obj: models.Model) -> str:
    return str(getattr(obj, "uid", None) or obj.pk)


def _walk(obj: Any, path: str) -> Any:
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name)
    return obj
