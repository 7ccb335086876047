"""Policy-filtered reads: the querysets web, API, search and exports start from (style.md rule 9).

Every function returns a lazy queryset already narrowed in SQL, so ``.count()``, pagination and
further filters never see an object the user may not ``action``. Anonymous users and users without an
access profile get an empty queryset.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kho.access.levels import Action
from kho.access.policies import visible
from kho.agencies.models import Agency
from kho.audit.models import Event
from kho.records.models import DigitalObject, Document, Fonds, Record

__all__ = ["agencies_for", "digital_objects_for", "documents_for", "events_for", "fonds_for", "records_for"]


def documents_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Document]:
    """Documents ``user`` may ``action`` (own and record secrecy level within the clearance, in scope)."""
    return visible(user, action, Document.objects.all())


def records_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Record]:
    """Records (hồ sơ) ``user`` may ``action``."""
    return visible(user, action, Record.objects.all())


def fonds_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Fonds]:
    """Fonds ``user`` may ``action``."""
    return visible(user, action, Fonds.objects.all())


def agencies_for(user: Any, action: Action = Action.VIEW) -> QuerySet[Agency]:
    """Agencies ``user`` may ``action``."""
    return visible(user, action, Agency.objects.all())


def digital_objects_for(user: Any, action: Action = Action.DOWNLOAD) -> QuerySet[DigitalObject]:
    """Files ``user`` may ``action`` (default: download)."""
    return visible(user, action, DigitalObject.objects.all())


def events_for(user: Any, action: Action = Action.AUDIT_VIEW) -> QuerySet[Event]:
    """Audit events ``user`` may read (security officers and administrators)."""
    return visible(user, action, Event.objects.all())
