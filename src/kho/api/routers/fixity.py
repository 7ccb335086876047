"""``/fixity``: the latest fixity-check events, and a small sampled check run while the request waits.

Both need ``audit_view`` (security officers and administrators): the events come from
``kho.access.selectors.events_for`` and the check is ``FixityCheckAction`` (which records one event per
object). Problems name digests only, never the documents that use them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from kho.access.exceptions import AccessDeniedError
from kho.access.levels import Action, Decision
from kho.access.policies import policy_for
from kho.access.selectors import events_for
from kho.api.params import EventsParams, FixityCheckIn
from kho.api.routers._common import ERRORS, user_of
from kho.api.schemas import ErrorOut, FixityEventsOut, FixityReportOut
from kho.audit import log
from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.storage.actions import FixityCheckAction

router = Router(tags=["fixity"])


@router.get("/events", response={200: FixityEventsOut, **ERRORS}, summary="Latest fixity events")
def fixity_events(request: HttpRequest, params: Query[EventsParams]) -> dict[str, Any]:
    """The latest fixity-check events, newest first (empty for users without ``audit_view``)."""
    events = events_for(user_of(request)).filter(event_type=EventType.FIXITY_CHECK).order_by("-seq")
    return {"items": list(events[: params.limit])}


@router.post("/check", response={200: FixityReportOut, **ERRORS, 403: ErrorOut}, summary="Run a sampled check")
def fixity_check(request: HttpRequest, body: FixityCheckIn) -> dict[str, Any]:
    """Re-hash ``sample`` objects picked at random (at most 100) and report every problem."""
    user = user_of(request)
    subject = policy_for(Event).prelude(user, Action.AUDIT_VIEW)
    if isinstance(subject, Decision):
        raise AccessDeniedError(subject)
    report = FixityCheckAction(sample=body.sample, agent=log.user_agent(user)).execute().as_dict()
    for problem in report["problems"]:
        problem.pop("used_by", None)
    return report
