"""Account and access-profile changes: ``CreateUserAction`` and ``ChangeAccessAction`` (style.md rules 1, 2).

Each is ``check()`` + ``execute()``; ``execute`` runs in one transaction and appends an ACCESS event with
the profile before and after (never the password). Granting a clearance is a security-relevant change:
the event says so in its detail.

``actor=None`` means the local operator at the server's shell (the ``kho users`` command), who already
controls the machine. A signed-in actor needs ``manage_users`` to create accounts or change roles and
scope, and ``manage_clearances`` to change a clearance, never above their own.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kho.access._subject import forget_subject, subject_for
from kho.access.exceptions import (
    AccessDeniedError,
    DuplicateUserError,
    UnknownAgencyError,
    UnknownClearanceError,
    UnknownFondsError,
    UnknownRoleError,
    UnknownUserError,
    WeakPasswordError,
)
from kho.access.levels import Action, Decision, clearance_allows, role_decision
from kho.access.models import AccessProfile, Role
from kho.agencies.models import Agency
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.codetables import SecrecyLevel
from kho.core.exceptions import BadInputError
from kho.core.text import N_, clean, nfc
from kho.records.models import Fonds

ABOVE_OWN = N_("Clearance %(granted)s is above the actor's own clearance %(clearance)s.")


def parse_role(text: str) -> Role:
    """The ``Role`` named by ``text`` (its value, any case), else ``UnknownRoleError`` (exit 3)."""
    value = text.strip().lower()
    if value not in Role.values:
        raise UnknownRoleError(role=text, choices=", ".join(Role.values))
    return Role(value)


def parse_clearance(text: str) -> SecrecyLevel:
    """The level named by ``text`` (NONE, MAT, TOI_MAT, TUYET_MAT or a printed mark), else exit 3."""
    try:
        return SecrecyLevel.from_mark(text.strip()) if text.strip() else SecrecyLevel.NONE
    except KeyError:
        raise UnknownClearanceError(clearance=text) from None


@dataclass(frozen=True, slots=True)
class AccessChange:
    """What to set on an account; ``None`` leaves a field as it is (a create starts from the defaults)."""

    role: Role | None = None
    clearance: SecrecyLevel | None = None
    agency_codes: tuple[str, ...] | None = None
    fonds_codes: tuple[str, ...] | None = None
    all_agencies: bool | None = None
    password: str | None = None
    active: bool | None = None

    @property
    def touches_users(self) -> bool:
        """Whether anything but the clearance changes (needs ``manage_users``)."""
        fields = (self.role, self.agency_codes, self.fonds_codes, self.all_agencies, self.password, self.active)
        return any(value is not None for value in fields)


def snapshot(user: Any, profile: AccessProfile | None) -> dict[str, Any]:
    """The account's access as JSON-ready data (for events and ``kho users list --json``)."""
    base = {"username": user.get_username(), "active": user.is_active, "superuser": user.is_superuser}
    if profile is None:
        return {**base, "role": None, "clearance": None, "agencies": [], "fonds": [], "all_agencies": False}
    return {
        **base,
        "role": profile.role,
        "clearance": SecrecyLevel(profile.clearance).name,
        "agencies": sorted(profile.agencies.values_list("code", flat=True)),
        "fonds": sorted(profile.fonds.values_list("code", flat=True)),
        "all_agencies": profile.all_agencies,
    }


class _AccessAction:
    """Shared checks, lookups and the audit event of the two actions."""

    creating = False

    def __init__(self, username: str, change: AccessChange, *, actor: Any = None) -> None:
        self.username = get_user_model().normalize_username(clean(username))
        self.change = change
        self.actor = actor

    def check(self) -> None:
        """Raise ``AccessDeniedError`` unless the actor may make this change (the local operator may)."""
        if self.actor is None:
            return
        subject = subject_for(self.actor)
        if isinstance(subject, Decision):
            raise AccessDeniedError(subject)
        needed = [Action.MANAGE_USERS] if self.creating or self.change.touches_users else []
        needed += [Action.MANAGE_CLEARANCES] if self.change.clearance is not None else []
        for action in needed:
            decision = role_decision(subject.role, action)
            if not decision.allowed:
                raise AccessDeniedError(decision)
        granted = self.change.clearance
        if granted is not None and not clearance_allows(subject.clearance, granted):
            params = {"granted": granted.name, "clearance": subject.clearance.name}
            raise AccessDeniedError(Decision.deny(ABOVE_OWN, params))

    def _resolve(self) -> tuple[list[Agency] | None, list[Fonds] | None]:
        agencies = fonds = None
        if self.change.agency_codes is not None:
            codes = [clean(code).upper() for code in self.change.agency_codes]
            agencies = list(Agency.objects.filter(code__in=codes))
            missing = sorted(set(codes) - {a.code for a in agencies})
            if missing:
                raise UnknownAgencyError(details=missing, codes=", ".join(missing))
        if self.change.fonds_codes is not None:
            codes = [clean(code) for code in self.change.fonds_codes]
            fonds = list(Fonds.objects.filter(code__in=codes))
            missing = sorted(set(codes) - {f.code for f in fonds})
            if missing:
                raise UnknownFondsError(details=missing, codes=", ".join(missing))
        return agencies, fonds

    def _set_password(self, user: Any) -> None:
        if self.change.password is None:
            return
        password = nfc(self.change.password)  # as GuardedModelBackend compares it
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise WeakPasswordError(details=error.messages, count=len(error.messages)) from None
        user.set_password(password)

    def _apply(self, user: Any, profile: AccessProfile) -> None:
        agencies, fonds = self._resolve()
        change = self.change
        if change.role is not None:
            profile.role = change.role.value
        if change.clearance is not None:
            profile.clearance = int(change.clearance)
        if change.all_agencies is not None:
            profile.all_agencies = change.all_agencies
        if change.active is not None:
            user.is_active = change.active
        self._set_password(user)
        user.save()
        profile.save()
        if agencies is not None:
            profile.agencies.set(agencies)
        if fonds is not None:
            profile.fonds.set(fonds)
        forget_subject(user)

    def _audit(self, before: dict[str, Any], after: dict[str, Any], profile: AccessProfile) -> None:
        detail = "Access profile of %(user)s created." if self.creating else "Access profile of %(user)s changed."
        detail %= {"user": self.username}
        if before.get("clearance") != after["clearance"]:
            detail += f" Clearance changed from {before.get('clearance') or 'NONE'} to {after['clearance']}."
        try:
            os_user = getpass.getuser()
        except (OSError, KeyError):  # no login name in some containers
            os_user = ""
        log.append(
            EventType.ACCESS,
            agent=log.user_agent(self.actor),
            object_type=AccessProfile._meta.label_lower,
            object_id=str(profile.uid),
            detail=detail,
            data={
                "change": "create" if self.creating else "update",
                "before": before,
                "after": after,
                "password_changed": self.change.password is not None,
                "via": "web" if self.actor is not None else "cli",
                "os_user": os_user,
            },
        )


class CreateUserAction(_AccessAction):
    """Create an account with its access profile (no password means it cannot sign in yet)."""

    creating = True

    def execute(self) -> AccessProfile:
        """Check, create the user and profile, and append the event, in one transaction."""
        self.check()
        model = get_user_model()
        if model.objects.filter(username=self.username).exists():
            raise DuplicateUserError(username=self.username)
        user = model(username=self.username, is_active=True)
        try:
            user.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as error:
            raise BadInputError(
                _("Tên tài khoản không hợp lệ: %(problems)s"), problems=" ".join(error.messages)
            ) from None
        if self.change.password is None:
            user.set_unusable_password()
        if self.change.role is None:
            raise BadInputError(_("Cần chọn vai trò (--role) cho tài khoản mới."))
        try:
            with transaction.atomic():
                profile = AccessProfile(user=user, role=self.change.role.value)
                self._apply(user, profile)
                self._audit({}, snapshot(user, profile), profile)
        except IntegrityError as error:
            raise DuplicateUserError(username=self.username) from error
        return profile


class ChangeAccessAction(_AccessAction):
    """Change an account's role, clearance, scope, password or active state."""

    def execute(self) -> AccessProfile:
        """Check, apply the change and append the event, in one transaction."""
        self.check()
        user = get_user_model().objects.filter(username=self.username).first()
        if user is None:
            raise UnknownUserError(username=self.username)
        with transaction.atomic():
            profile = AccessProfile.objects.select_for_update().filter(user=user).first()
            before = snapshot(user, profile)
            if profile is None:
                if self.change.role is None:
                    raise BadInputError(
                        _("Tài khoản “%(username)s” chưa có hồ sơ phân quyền: cần --role."), username=self.username
                    )
                profile = AccessProfile(user=user, role=self.change.role.value)
            self._apply(user, profile)
            self._audit(before, snapshot(user, profile), profile)
        return profile
