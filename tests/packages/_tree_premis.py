"""Test oracle: the former lxml-tree PREMIS writer, kept to compare the streamed output with.

The mapping it implements is documented in ``kho.packages.formats.premis``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._earkxml import PREMIS_NS, XSI_NS, StoredFile, iso, q, serialise, sub
from kho.packages.formats.eark_errors import PackageWriteError
from kho.packages.formats.earkspec import AgentSpec, EventSpec
from kho.packages.formats.premis import P, _check_links  # shared with the streaming writer

__all__ = ["OBJECT_ID_TYPE", "build_premis"]

#: ``objectIdentifierType`` of file objects; the value is the path from the package root.
OBJECT_ID_TYPE = "local"
_SCHEMA_LOCATION = "http://www.loc.gov/premis/v3 http://www.loc.gov/standards/premis/v3/premis-v3-0.xsd"


def _object(parent: etree._Element, stored: StoredFile, event_ids: Sequence[tuple[str, str]]) -> None:
    """Append one ``premis:object`` of type ``premis:file``."""
    obj = sub(parent, P("object"), **{q(XSI_NS, "type"): "premis:file"})
    ident = sub(obj, P("objectIdentifier"))
    sub(ident, P("objectIdentifierType"), OBJECT_ID_TYPE)
    sub(ident, P("objectIdentifierValue"), stored.path)
    chars = sub(obj, P("objectCharacteristics"))
    sub(chars, P("compositionLevel"), "0")
    fixity = sub(chars, P("fixity"))
    sub(fixity, P("messageDigestAlgorithm"), "SHA-256")
    sub(fixity, P("messageDigest"), stored.sha256.upper())
    sub(chars, P("size"), str(stored.size))
    fmt = sub(chars, P("format"))
    designation = sub(fmt, P("formatDesignation"))
    sub(designation, P("formatName"), stored.format_name or stored.media_type)
    if stored.format_version:
        sub(designation, P("formatVersion"), stored.format_version)
    if stored.format_registry_key:
        registry = sub(fmt, P("formatRegistry"))
        sub(registry, P("formatRegistryName"), "PRONOM")
        sub(registry, P("formatRegistryKey"), stored.format_registry_key)
    sub(obj, P("originalName"), stored.path.rsplit("/", 1)[-1])
    for id_type, id_value in event_ids:
        link = sub(obj, P("linkingEventIdentifier"))
        sub(link, P("linkingEventIdentifierType"), id_type)
        sub(link, P("linkingEventIdentifierValue"), id_value)


def _event(parent: etree._Element, event: EventSpec, agents: dict[str, AgentSpec]) -> None:
    """Append one ``premis:event``."""
    node = sub(parent, P("event"))
    ident = sub(node, P("eventIdentifier"))
    sub(ident, P("eventIdentifierType"), event.identifier_type)
    sub(ident, P("eventIdentifierValue"), event.identifier)
    sub(node, P("eventType"), event.event_type)
    sub(node, P("eventDateTime"), iso(event.date_time))
    if event.detail:
        sub(sub(node, P("eventDetailInformation")), P("eventDetail"), event.detail)
    outcome = sub(node, P("eventOutcomeInformation"))
    sub(outcome, P("eventOutcome"), event.outcome)
    if event.outcome_detail:
        sub(sub(outcome, P("eventOutcomeDetail")), P("eventOutcomeDetailNote"), event.outcome_detail)
    for agent_id, role in event.agents:
        link = sub(node, P("linkingAgentIdentifier"))
        sub(link, P("linkingAgentIdentifierType"), agents[agent_id].identifier_type)
        sub(link, P("linkingAgentIdentifierValue"), agent_id)
        if role:
            sub(link, P("linkingAgentRole"), role)
    for path in sorted(event.objects):
        link = sub(node, P("linkingObjectIdentifier"))
        sub(link, P("linkingObjectIdentifierType"), OBJECT_ID_TYPE)
        sub(link, P("linkingObjectIdentifierValue"), path)


def _agent(parent: etree._Element, agent: AgentSpec) -> None:
    """Append one ``premis:agent``."""
    node = sub(parent, P("agent"))
    ident = sub(node, P("agentIdentifier"))
    sub(ident, P("agentIdentifierType"), agent.identifier_type)
    sub(ident, P("agentIdentifierValue"), agent.identifier)
    sub(node, P("agentName"), agent.name)
    sub(node, P("agentType"), agent.agent_type)
    if agent.version:
        sub(node, P("agentVersion"), agent.version)
    if agent.note:
        sub(node, P("agentNote"), agent.note)


def build_premis(files: Sequence[StoredFile], events: Sequence[EventSpec], agents: Sequence[AgentSpec]) -> bytes:
    """Return the PREMIS 3 document for the package's files, events and agents.

    Args:
        files: Every file PREMIS describes (content and documentation), at least one.
        events: Preservation events; their ``objects`` must be paths of ``files``.
        agents: Agents; every agent an event names must be here.

    Raises:
        PackageWriteError: No files, a duplicate identifier, or a link to an unknown agent or object.
    """
    if not files:
        raise PackageWriteError(N_("A PREMIS document needs at least one file object."))
    _check_links(events, agents, {f.path for f in files})
    ordered_events = sorted(events, key=lambda e: (iso(e.date_time), e.identifier))
    by_object: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for event in ordered_events:
        for path in event.objects:
            by_object[path].append((event.identifier_type, event.identifier))
    root = etree.Element(P("premis"), nsmap={"premis": PREMIS_NS, "xsi": XSI_NS}, version="3.0")
    root.set(q(XSI_NS, "schemaLocation"), _SCHEMA_LOCATION)
    for stored in sorted(files, key=lambda f: f.path):
        _object(root, stored, by_object.get(stored.path, []))
    agent_map = {agent.identifier: agent for agent in agents}
    for event in ordered_events:
        _event(root, event, agent_map)
    for agent in sorted(agents, key=lambda a: a.identifier):
        _agent(root, agent)
    return serialise(root)
