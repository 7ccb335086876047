"""PREMIS 3.0 writer for ``metadata/preservation/PREMIS.xml``: file objects, events, agents.

Every content and documentation file becomes a ``premis:object`` of type ``premis:file`` identified
by its package path (``objectIdentifierType`` ``local``), with SHA-256 fixity (upper-case hex, as in
the TT05 sample), size and format (media type, optional version and PRONOM key). Events carry their
type exactly as given (a TT05 digitisation is ``transfer``), outcome, and links to agents and objects;
objects link back to their events. Output is sorted (objects by path, events by time then identifier,
agents by identifier) so the same input always gives the same bytes. It validates against
``premis-v3-0.xsd``. It is written element by element (:class:`~kho.packages.formats._xmlstream.XmlStream`),
so memory does not grow with the number of files.
"""

from __future__ import annotations

import io
import marshal
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO, Any, Self

from kho.core.text import N_
from kho.packages.formats._earkxml import PREMIS_NS, XSI_NS, StoredFile, by_path, iso, q
from kho.packages.formats._xmlstream import XmlStream, escape_text
from kho.packages.formats.eark_errors import PackageWriteError
from kho.packages.formats.earkspec import AgentSpec, EventSpec, OrderedEvents
from kho.packages.formats.spill import load_value, private_database

__all__ = ["OBJECT_ID_TYPE", "EventLog", "build_premis", "write_premis"]

#: ``objectIdentifierType`` of file objects; the value is the path from the package root.
OBJECT_ID_TYPE = "local"
_SCHEMA_LOCATION = "http://www.loc.gov/premis/v3 http://www.loc.gov/standards/premis/v3/premis-v3-0.xsd"
_BATCH = 1024
#: The fields of :class:`EventSpec`, in the order :meth:`EventLog.__iter__` restores them.
_EVENT_FIELDS = (
    "identifier", "event_type", "date_time", "outcome", "detail", "outcome_detail", "agents", "objects",
    "identifier_type",
)  # fmt: skip


class EventLog:
    """PREMIS events in a private temporary SQLite database, read back in PREMIS order (:class:`OrderedEvents`).

    An export has an event or more per file; as :class:`EventSpec` objects, with a list of links per file,
    they grew memory by over half a kilobyte a file (issue #5). Here they are written to disk a batch at a
    time (:func:`~kho.packages.formats.spill.private_database`: a file SQLite deletes when it is closed) and
    sorted by its indexes: events by date and identifier, links by path. Only this process reads what it
    wrote. Not thread-safe; close it (or use it as a context manager) to drop the database.
    """

    def __init__(self, events: Iterable[EventSpec] = ()) -> None:
        db = private_database()
        db.execute("CREATE TABLE e (d, id, v, PRIMARY KEY (d, id)) WITHOUT ROWID")
        db.execute("CREATE UNIQUE INDEX e_id ON e (id)")
        db.execute("CREATE TABLE l (path, d, id, n, t, PRIMARY KEY (path, d, id, n)) WITHOUT ROWID")
        self._db = db
        self._events: list[tuple[str, str, bytes]] = []
        self._links: list[tuple[str, str, str, int, str]] = []
        self._count = 0
        self._duplicate = False
        self._agents: dict[str, str] = {}  # agent identifier -> first event naming it (a few agents)
        for event in events:
            self.add(event)

    def add(self, event: EventSpec) -> None:
        """Add one event.

        Raises:
            PackageWriteError: Its date and time is naive.
        """
        date = iso(event.date_time)
        value = (event.identifier_type, event.event_type, event.outcome, event.detail, event.outcome_detail)
        self._events.append((date, event.identifier, marshal.dumps((*value, event.agents, event.objects))))
        self._links.extend((path, date, event.identifier, n, event.identifier_type) for n, path in
                           enumerate(event.objects))  # fmt: skip
        for agent_id, _role in event.agents:
            self._agents.setdefault(agent_id, event.identifier)
        self._count += 1
        if len(self._events) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._events:
            return
        with self._db:
            self._db.execute("BEGIN")
            added = self._db.executemany("INSERT OR IGNORE INTO e VALUES (?, ?, ?)", self._events).rowcount
            self._db.executemany("INSERT OR IGNORE INTO l VALUES (?, ?, ?, ?, ?)", self._links)
        self._duplicate = self._duplicate or added != len(self._events)
        self._events, self._links = [], []

    def _rows(self, sql: str) -> Iterator[Any]:
        self._flush()
        cursor = self._db.execute(sql)
        while batch := cursor.fetchmany(_BATCH):
            yield from batch

    def __iter__(self) -> Iterator[EventSpec]:
        for date, identifier, value in self._rows("SELECT d, id, v FROM e ORDER BY d, id"):
            id_type, event_type, outcome, detail, outcome_detail, agents, objects = load_value(value)
            moment = datetime.fromisoformat(date)  # what iso() wrote: it gives the same text back
            values = (identifier, event_type, moment, outcome, detail, outcome_detail, agents, objects, id_type)
            event = object.__new__(EventSpec)  # NFC-normalised when first built: not again (a third of a read)
            for name, field_value in zip(_EVENT_FIELDS, values, strict=True):
                object.__setattr__(event, name, field_value)
            yield event

    def __len__(self) -> int:
        return self._count

    def links(self) -> Iterator[tuple[str, str, str]]:
        """``(path, identifier type, identifier)`` per object of every event, by path, then in event order."""
        yield from self._rows("SELECT path, t, id FROM l ORDER BY path, d, id, n")

    def has_duplicate(self) -> bool:
        """Whether two events share an identifier."""
        self._flush()
        return self._duplicate

    def agent_uses(self) -> Iterator[tuple[str, str]]:
        """``(agent identifier, identifier of the first event naming it)`` for every agent named."""
        return iter(list(self._agents.items()))

    def close(self) -> None:
        """Drop the database."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def P(local: str) -> str:  # noqa: N802 - reads like the premis: prefix
    """Return the Clark name of a PREMIS 3 element."""
    return q(PREMIS_NS, local)


def _check_links(events: Sequence[EventSpec], agents: Sequence[AgentSpec], paths: set[str]) -> None:
    """Refuse events that point at unknown agents or objects, and duplicate identifiers."""
    agent_ids = [agent.identifier for agent in agents]
    if len(set(agent_ids)) != len(agent_ids):
        raise PackageWriteError(N_("Two PREMIS agents share an identifier."))
    event_ids = [event.identifier for event in events]
    if len(set(event_ids)) != len(event_ids):
        raise PackageWriteError(N_("Two PREMIS events share an identifier."))
    for event in events:
        for agent_id, _role in event.agents:
            if agent_id not in agent_ids:
                raise PackageWriteError(
                    N_("Event %(event)s refers to unknown agent %(agent)s."), event=event.identifier, agent=agent_id
                )
        for path in event.objects:
            if path not in paths:
                raise PackageWriteError(
                    N_("Event %(event)s refers to %(path)s, which is not in the package."),
                    event=event.identifier,
                    path=path,
                )


def _identifier(w: XmlStream, tag: str, id_type: str, value: str) -> None:
    """``<premis:{tag}><premis:{tag}Type/><premis:{tag}Value/></premis:{tag}>`` (identifiers and links)."""
    w.element(f"premis:{tag}", (), ((f"premis:{tag}Type", id_type, ()), (f"premis:{tag}Value", value, ())))


def _link(indent: str, inner: str, tag: str, id_type: str, value: str, extra: str = "") -> str:
    """An identifier or link element (see :func:`_identifier`) as text: children at ``inner``, ``extra`` last."""
    return (
        f"{indent}<premis:{tag}>{inner}<premis:{tag}Type>{escape_text(id_type)}</premis:{tag}Type>"
        f"{inner}<premis:{tag}Value>{escape_text(value)}</premis:{tag}Value>{extra}{indent}</premis:{tag}>"
    )


def _object(w: XmlStream, stored: StoredFile, event_ids: Sequence[tuple[str, str]]) -> None:
    """Write one ``premis:object`` of type ``premis:file`` (one piece of text: it is written once per file)."""
    i0, i1, i2, i3, i4 = w.indents(5)
    version = (
        f"{i4}<premis:formatVersion>{escape_text(stored.format_version)}</premis:formatVersion>"
        if stored.format_version
        else ""
    )
    registry = (
        f"{i3}<premis:formatRegistry>{i4}<premis:formatRegistryName>PRONOM</premis:formatRegistryName>"
        f"{i4}<premis:formatRegistryKey>{escape_text(stored.format_registry_key)}</premis:formatRegistryKey>"
        f"{i3}</premis:formatRegistry>"
        if stored.format_registry_key
        else ""
    )
    links = "".join([_link(i1, i2, "linkingEventIdentifier", t, v) for t, v in event_ids])
    w.fragment(
        '<premis:object xsi:type="premis:file">'
        + _link(i1, i2, "objectIdentifier", OBJECT_ID_TYPE, stored.path)
        + f"{i1}<premis:objectCharacteristics>{i2}<premis:compositionLevel>0</premis:compositionLevel>"
        f"{i2}<premis:fixity>{i3}<premis:messageDigestAlgorithm>SHA-256</premis:messageDigestAlgorithm>"
        f"{i3}<premis:messageDigest>{escape_text(stored.sha256.upper())}</premis:messageDigest>{i2}</premis:fixity>"
        f"{i2}<premis:size>{stored.size}</premis:size>{i2}<premis:format>{i3}<premis:formatDesignation>"
        f"{i4}<premis:formatName>{escape_text(stored.format_name or stored.media_type)}</premis:formatName>"
        f"{version}{i3}</premis:formatDesignation>{registry}{i2}</premis:format>{i1}</premis:objectCharacteristics>"
        f"{i1}<premis:originalName>{escape_text(stored.path.rsplit('/', 1)[-1])}</premis:originalName>"
        f"{links}{i0}</premis:object>"
    )


def _event(w: XmlStream, event: EventSpec, agents: dict[str, AgentSpec]) -> None:
    """Write one ``premis:event`` (one piece of text: there is one per document or object event)."""
    i0, i1, i2, i3 = w.indents(4)
    detail = (
        f"{i1}<premis:eventDetailInformation>{i2}<premis:eventDetail>{escape_text(event.detail)}"
        f"</premis:eventDetail>{i1}</premis:eventDetailInformation>"
        if event.detail
        else ""
    )
    outcome_detail = (
        f"{i2}<premis:eventOutcomeDetail>{i3}<premis:eventOutcomeDetailNote>{escape_text(event.outcome_detail)}"
        f"</premis:eventOutcomeDetailNote>{i2}</premis:eventOutcomeDetail>"
        if event.outcome_detail
        else ""
    )
    parts = [
        "<premis:event>",
        _link(i1, i2, "eventIdentifier", event.identifier_type, event.identifier),
        f"{i1}<premis:eventType>{escape_text(event.event_type)}</premis:eventType>",
        f"{i1}<premis:eventDateTime>{escape_text(iso(event.date_time))}</premis:eventDateTime>{detail}",
        f"{i1}<premis:eventOutcomeInformation>{i2}<premis:eventOutcome>{escape_text(event.outcome)}"
        f"</premis:eventOutcome>{outcome_detail}{i1}</premis:eventOutcomeInformation>",
    ]
    for agent_id, role in event.agents:
        extra = f"{i2}<premis:linkingAgentRole>{escape_text(role)}</premis:linkingAgentRole>" if role else ""
        parts.append(_link(i1, i2, "linkingAgentIdentifier", agents[agent_id].identifier_type, agent_id, extra))
    parts += [_link(i1, i2, "linkingObjectIdentifier", OBJECT_ID_TYPE, path) for path in sorted(event.objects)]
    parts.append(f"{i0}</premis:event>")
    w.fragment("".join(parts))


def _agent(w: XmlStream, agent: AgentSpec) -> None:
    """Write one ``premis:agent``."""
    w.start("premis:agent")
    _identifier(w, "agentIdentifier", agent.identifier_type, agent.identifier)
    w.leaf("premis:agentName", agent.name)
    w.leaf("premis:agentType", agent.agent_type)
    if agent.version:
        w.leaf("premis:agentVersion", agent.version)
    if agent.note:
        w.leaf("premis:agentNote", agent.note)
    w.end()


def write_premis(
    out: IO[bytes],
    files: Iterable[StoredFile],
    events: Sequence[EventSpec] | OrderedEvents,
    agents: Sequence[AgentSpec],
) -> None:
    """Write the PREMIS 3 document for the package's files, events and agents to ``out``.

    Args:
        out: Binary stream to write to.
        files: Every file PREMIS describes (content and documentation), at least one. A sequence is
            sorted by path here; any other iterable must come in path order and give the files again
            each time it is iterated (the package writer reads them from disk, issue #5).
        events: Preservation events; their ``objects`` must be paths of ``files``. An :class:`EventLog`
            gives the same bytes as a tuple of its events, read back from disk.
        agents: Agents; every agent an event names must be here.

    Raises:
        PackageWriteError: No files, a duplicate identifier, or a link to an unknown agent or object.
        ValueError: A value holds a character XML cannot store.
    """
    ordered_files = by_path(files)
    if next(iter(ordered_files), None) is None:
        raise PackageWriteError(N_("A PREMIS document needs at least one file object."))
    if isinstance(events, Sequence):
        _check_links(events, agents, {f.path for f in ordered_files})
        ordered_events: Iterable[EventSpec] = sorted(events, key=lambda e: (iso(e.date_time), e.identifier))
        by_object: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for event in ordered_events:
            for path in event.objects:
                by_object[path].append((event.identifier_type, event.identifier))
        object_links: Iterator[tuple[StoredFile, list[tuple[str, str]]]]
        object_links = ((stored, by_object.get(stored.path, [])) for stored in ordered_files)
    else:
        _check_log(events, agents, ordered_files)
        ordered_events, object_links = events, _merge_links(ordered_files, events.links())
    w = XmlStream(out)
    namespaces = (("xmlns:premis", PREMIS_NS), ("xmlns:xsi", XSI_NS))
    w.start("premis:premis", (*namespaces, ("version", "3.0"), ("xsi:schemaLocation", _SCHEMA_LOCATION)))
    for stored, event_ids in object_links:
        _object(w, stored, event_ids)
    agent_map = {agent.identifier: agent for agent in agents}
    for event in ordered_events:
        _event(w, event, agent_map)
    for agent in sorted(agents, key=lambda a: a.identifier):
        _agent(w, agent)
    w.end()
    w.close()


def _check_log(events: OrderedEvents, agents: Sequence[AgentSpec], files: Iterable[StoredFile]) -> None:
    """:func:`_check_links` for events on disk: every link is matched with the files sorted by path."""
    _check_links((), agents, set())
    if events.has_duplicate():
        raise PackageWriteError(N_("Two PREMIS events share an identifier."))
    agent_ids = {agent.identifier for agent in agents}
    for agent_id, event_id in events.agent_uses():
        if agent_id not in agent_ids:
            raise PackageWriteError(
                N_("Event %(event)s refers to unknown agent %(agent)s."), event=event_id, agent=agent_id
            )
    for _stored, _links in _merge_links(files, events.links()):
        pass


def _merge_links(
    files: Iterable[StoredFile], links: Iterator[tuple[str, str, str]]
) -> Iterator[tuple[StoredFile, list[tuple[str, str]]]]:
    """Each file (sorted by path) with its event links (sorted by path too): a merge join, nothing held.

    Raises:
        PackageWriteError: A link names a path that is not a file's.
    """
    link = next(links, None)
    for stored in files:
        if link is not None and link[0] < stored.path:
            break
        found = []
        while link is not None and link[0] == stored.path:
            found.append((link[1], link[2]))
            link = next(links, None)
        yield stored, found
    if link is not None:
        raise PackageWriteError(
            N_("Event %(event)s refers to %(path)s, which is not in the package."), event=link[2], path=link[0]
        )


def build_premis(files: Sequence[StoredFile], events: Sequence[EventSpec], agents: Sequence[AgentSpec]) -> bytes:
    """Return the PREMIS document as bytes (:func:`write_premis` into memory; for small packages and tests)."""
    out = io.BytesIO()
    write_premis(out, files, events, agents)
    return out.getvalue()
