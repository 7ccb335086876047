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
from collections import defaultdict
from collections.abc import Sequence
from typing import IO

from kho.core.text import N_
from kho.packages.formats._earkxml import PREMIS_NS, XSI_NS, StoredFile, iso, q
from kho.packages.formats._xmlstream import XmlStream
from kho.packages.formats.eark_errors import PackageWriteError
from kho.packages.formats.earkspec import AgentSpec, EventSpec

__all__ = ["OBJECT_ID_TYPE", "build_premis", "write_premis"]

#: ``objectIdentifierType`` of file objects; the value is the path from the package root.
OBJECT_ID_TYPE = "local"
_SCHEMA_LOCATION = "http://www.loc.gov/premis/v3 http://www.loc.gov/standards/premis/v3/premis-v3-0.xsd"


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


def _object(w: XmlStream, stored: StoredFile, event_ids: Sequence[tuple[str, str]]) -> None:
    """Write one ``premis:object`` of type ``premis:file``."""
    w.start("premis:object", (("xsi:type", "premis:file"),))
    _identifier(w, "objectIdentifier", OBJECT_ID_TYPE, stored.path)
    w.start("premis:objectCharacteristics")
    w.leaf("premis:compositionLevel", "0")
    digest = (("premis:messageDigestAlgorithm", "SHA-256", ()), ("premis:messageDigest", stored.sha256.upper(), ()))
    w.element("premis:fixity", (), digest)
    w.leaf("premis:size", str(stored.size))
    w.start("premis:format")
    w.start("premis:formatDesignation")
    w.leaf("premis:formatName", stored.format_name or stored.media_type)
    if stored.format_version:
        w.leaf("premis:formatVersion", stored.format_version)
    w.end()
    if stored.format_registry_key:
        w.start("premis:formatRegistry")
        w.leaf("premis:formatRegistryName", "PRONOM")
        w.leaf("premis:formatRegistryKey", stored.format_registry_key)
        w.end()
    w.end()
    w.end()
    w.leaf("premis:originalName", stored.path.rsplit("/", 1)[-1])
    for id_type, id_value in event_ids:
        _identifier(w, "linkingEventIdentifier", id_type, id_value)
    w.end()


def _event(w: XmlStream, event: EventSpec, agents: dict[str, AgentSpec]) -> None:
    """Write one ``premis:event``."""
    w.start("premis:event")
    _identifier(w, "eventIdentifier", event.identifier_type, event.identifier)
    w.leaf("premis:eventType", event.event_type)
    w.leaf("premis:eventDateTime", iso(event.date_time))
    if event.detail:
        w.start("premis:eventDetailInformation")
        w.leaf("premis:eventDetail", event.detail)
        w.end()
    w.start("premis:eventOutcomeInformation")
    w.leaf("premis:eventOutcome", event.outcome)
    if event.outcome_detail:
        w.start("premis:eventOutcomeDetail")
        w.leaf("premis:eventOutcomeDetailNote", event.outcome_detail)
        w.end()
    w.end()
    for agent_id, role in event.agents:
        w.start("premis:linkingAgentIdentifier")
        w.leaf("premis:linkingAgentIdentifierType", agents[agent_id].identifier_type)
        w.leaf("premis:linkingAgentIdentifierValue", agent_id)
        if role:
            w.leaf("premis:linkingAgentRole", role)
        w.end()
    for path in sorted(event.objects):
        _identifier(w, "linkingObjectIdentifier", OBJECT_ID_TYPE, path)
    w.end()


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
    out: IO[bytes], files: Sequence[StoredFile], events: Sequence[EventSpec], agents: Sequence[AgentSpec]
) -> None:
    """Write the PREMIS 3 document for the package's files, events and agents to ``out``.

    Args:
        out: Binary stream to write to.
        files: Every file PREMIS describes (content and documentation), at least one.
        events: Preservation events; their ``objects`` must be paths of ``files``.
        agents: Agents; every agent an event names must be here.

    Raises:
        PackageWriteError: No files, a duplicate identifier, or a link to an unknown agent or object.
        ValueError: A value holds a character XML cannot store.
    """
    if not files:
        raise PackageWriteError(N_("A PREMIS document needs at least one file object."))
    _check_links(events, agents, {f.path for f in files})
    ordered_events = sorted(events, key=lambda e: (iso(e.date_time), e.identifier))
    by_object: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for event in ordered_events:
        for path in event.objects:
            by_object[path].append((event.identifier_type, event.identifier))
    w = XmlStream(out)
    namespaces = (("xmlns:premis", PREMIS_NS), ("xmlns:xsi", XSI_NS))
    w.start("premis:premis", (*namespaces, ("version", "3.0"), ("xsi:schemaLocation", _SCHEMA_LOCATION)))
    for stored in sorted(files, key=lambda f: f.path):
        _object(w, stored, by_object.get(stored.path, []))
    agent_map = {agent.identifier: agent for agent in agents}
    for event in ordered_events:
        _event(w, event, agent_map)
    for agent in sorted(agents, key=lambda a: a.identifier):
        _agent(w, agent)
    w.end()
    w.close()


def build_premis(files: Sequence[StoredFile], events: Sequence[EventSpec], agents: Sequence[AgentSpec]) -> bytes:
    """Return the PREMIS document as bytes (:func:`write_premis` into memory; for small packages and tests)."""
    out = io.BytesIO()
    write_premis(out, files, events, agents)
    return out.getvalue()
