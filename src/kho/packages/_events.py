"""PREMIS 3 events and agents for an export, taken from the hash-chained audit log (kho.audit).

Every preservation event about the exported fonds, its records, documents and stored objects goes into
``PREMIS.xml``; access and sign-in events stay home (they are about readers, not about the records).
Each PREMIS event keeps the audit event's UUID as identifier and names its sequence number and hash in
``eventOutcomeDetailNote``, so the receiver can tie it back to the sender's chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice

from django.db.models import Q

from kho import __version__
from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.packages.formats.earkspec import AgentSpec, EventSpec
from kho.packages.formats.premis import EventLog

__all__ = ["SOFTWARE_AGENT", "collect_events", "creation_event", "organisation_agent"]

#: Event types that are about people reading, not about the records; never exported.
EXCLUDED = frozenset({EventType.ACCESS.value, EventType.SIGN_IN.value, EventType.STORAGE_SWEEP.value})
SOFTWARE_AGENT = AgentSpec(
    identifier=f"software:kho/{__version__}", name="Kho", agent_type="software", version=__version__
)
_CHUNK = 500
#: The audit fields an exported event needs (not its JSON data nor the previous hash).
_FIELDS = ("seq", "uid", "event_type", "outcome", "agent", "object_type", "object_id", "detail", "occurred_at", "hash")


def organisation_agent(code: str, name: str) -> AgentSpec:
    """The PREMIS agent of an agency (the sender or the receiver)."""
    return AgentSpec(identifier=f"org:{code}", name=name, agent_type="organization", identifier_type="local")


def _agent_for(agent: str) -> AgentSpec:
    """A PREMIS agent for an audit ``agent`` string (``software:…``, ``user:…`` or anything else)."""
    kind = "software" if agent.startswith("software:") else "person" if agent.startswith("user:") else "other"
    name = agent.split(":", 1)[-1] or agent
    return AgentSpec(identifier=agent, name=name, agent_type=kind)


def _chunks(items: Iterable[str]) -> Iterator[list[str]]:
    """``items`` in lists of ``_CHUNK``, taken as they come (a spilled map's keys are never all in memory)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def _rounds(fonds_code: str, record_codes: Iterable[str], docs: Iterable[str], digests: Iterable[str]) -> Iterable[Q]:
    """The filters to run: the fonds once, then every chunk of records, documents and objects."""
    yield Q(object_type="fonds", object_id=fonds_code)
    for chunk in _chunks(record_codes):
        yield Q(object_type="record", object_id__in=chunk)
    for chunk in _chunks(docs):
        yield Q(object_type="document", object_id__in=chunk)
    for chunk in _chunks(digests):
        yield Q(object_type="blob", object_id__in=chunk)


def collect_events(
    fonds_code: str,
    record_codes: Sequence[str],
    doc_paths: Mapping[str, Sequence[str]],
    blob_paths: Mapping[str, Sequence[str]],
    into: EventLog,
) -> dict[str, AgentSpec]:
    """Add the PREMIS events of the exported objects to ``into`` (on disk: issue #5); return the agents they name.

    Args:
        fonds_code: The fonds exported.
        record_codes: File codes of the exported records.
        doc_paths: Package paths of each document's files, by doc_code (objects of document events).
        blob_paths: Package paths of each object, by digest (objects of fixity events).
        into: Where the events go.
    """
    agents: dict[str, AgentSpec] = {SOFTWARE_AGENT.identifier: SOFTWARE_AGENT}
    # Each round reads another object type, with distinct ids in distinct chunks, so no event comes twice.
    for where in _rounds(fonds_code, dict.fromkeys(record_codes), doc_paths, blob_paths):
        rows = Event.objects.filter(where).exclude(event_type__in=EXCLUDED).only(*_FIELDS).order_by("seq")
        for event in rows.iterator(2000):
            agents.setdefault(event.agent, _agent_for(event.agent))
            objects: Sequence[str] = ()
            if event.object_type == "document":
                objects = doc_paths.get(event.object_id, ())
            elif event.object_type == "blob":
                objects = blob_paths.get(event.object_id, ())
            into.add(_spec(event, tuple(sorted(set(objects)))))
    return agents


def _spec(event: Event, objects: tuple[str, ...]) -> EventSpec:
    """One audit event as a PREMIS event."""
    return EventSpec(
        identifier=str(event.uid),
        event_type=event.event_type,
        date_time=event.occurred_at,
        outcome=event.outcome,
        detail=f"{event.object_type}:{event.object_id} {event.detail}".strip(),
        outcome_detail=f"kho audit #{event.seq} {event.hash}",
        agents=((event.agent, "executing agent"),),
        objects=objects,
    )


def creation_event(identifier: str, moment: datetime, sender: AgentSpec, detail: str) -> EventSpec:
    """The PREMIS event of this export itself (information package creation)."""
    return EventSpec(
        identifier=identifier,
        event_type=EventType.INFORMATION_PACKAGE_CREATION.value,
        date_time=moment,
        detail=detail,
        agents=((SOFTWARE_AGENT.identifier, "executing program"), (sender.identifier, "submitter")),
    )
