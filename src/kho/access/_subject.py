"""Who is asking: a user's role, clearance and resolved scope, loaded once per user object.

The agency subtree is computed with one recursive CTE (standard SQL; SQLite and PostgreSQL both run
it), so a scope of a province with thousands of agencies costs one query. The result is cached on the
user object, like Django's own permission cache: a profile changed by someone else is seen on the next
request (a new user object), or at once after ``forget_subject(user)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from kho.access.levels import Decision
from kho.access.models import AccessProfile
from kho.agencies.models import Agency
from kho.core.codetables import SecrecyLevel
from kho.core.text import N_

NO_USER = N_("No signed-in user: access is denied by default.")
INACTIVE = N_("Account %(user)s is disabled.")
NO_PROFILE = N_("Account %(user)s has no access profile: access is denied by default.")
_CACHE_ATTR = "_kho_access_subject"


@dataclass(frozen=True, slots=True)
class Subject:
    """A user as the policies see them: role, clearance and scope as sets of ids."""

    username: str
    role: str
    clearance: SecrecyLevel
    all_agencies: bool
    agency_ids: frozenset[int]  # the listed agencies and all their descendants
    fonds_ids: frozenset[int]  # the listed fonds
    fonds_agency_ids: frozenset[int]  # the agencies of the listed fonds (visible, not managed)

    def covers(self, agency_id: int | None, fonds_id: int | None) -> bool:
        """Whether a fonds (by id and its agency's id) is in scope."""
        return self.all_agencies or agency_id in self.agency_ids or fonds_id in self.fonds_ids


def agency_subtree_ids(profile_id: int) -> frozenset[int]:
    """The ids of the profile's agencies and of every agency below them, by one recursive query."""
    through = AccessProfile.agencies.through._meta
    agency = Agency._meta
    quote = connection.ops.quote_name
    sql = (
        f"WITH RECURSIVE subtree(id) AS ("  # noqa: S608 - identifiers from model metadata, values bound
        f"SELECT {quote(through.get_field('agency').column)} FROM {quote(through.db_table)} "
        f"WHERE {quote(through.get_field('accessprofile').column)} = %s "
        f"UNION SELECT child.{quote(agency.pk.column)} FROM {quote(agency.db_table)} child "
        f"JOIN subtree ON child.{quote(agency.get_field('parent').column)} = subtree.id"
        f") SELECT id FROM subtree"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [profile_id])
        return frozenset(row[0] for row in cursor.fetchall())


def _load(profile: AccessProfile, username: str) -> Subject:
    fonds_pairs = list(profile.fonds.values_list("id", "agency_id"))
    return Subject(
        username=username,
        role=profile.role,
        clearance=SecrecyLevel(profile.clearance),
        all_agencies=profile.all_agencies,
        agency_ids=frozenset() if profile.all_agencies else agency_subtree_ids(profile.pk),
        fonds_ids=frozenset(pk for pk, _ in fonds_pairs),
        fonds_agency_ids=frozenset(agency_id for _, agency_id in fonds_pairs),
    )


def subject_for(user: Any) -> Subject | Decision:
    """The ``Subject`` of ``user``, or the denial when there is none (anonymous, disabled, no profile)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Decision.deny(NO_USER)
    cached = getattr(user, _CACHE_ATTR, None)
    if isinstance(cached, Subject | Decision):
        return cached
    username = user.get_username()
    result: Subject | Decision
    if not user.is_active:
        result = Decision.deny(INACTIVE, {"user": username})
    else:
        profile = AccessProfile.objects.filter(user_id=user.pk).first()
        result = Decision.deny(NO_PROFILE, {"user": username}) if profile is None else _load(profile, username)
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_subject(user: Any) -> None:
    """Drop the cached subject of ``user`` (after its profile changed)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
