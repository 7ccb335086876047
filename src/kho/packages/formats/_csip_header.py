"""CSIP rules on the METS root element and the METS header: CSIP1-16 and CSIP117."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._csip_base import (
    CONTENT_CATEGORY,
    CONTENT_INFORMATION_TYPE,
    OAIS_PACKAGE_TYPES,
    C,
    Context,
    M,
    MetsDoc,
    in_vocabulary,
    is_other,
)

# A LASTMODDATE up to a day ahead is clock skew between machines, not a date "in the future".
_SKEW = timedelta(days=1)


def check_root(ctx: Context, doc: MetsDoc) -> None:
    """CSIP1-6: ``@OBJID``, ``@TYPE`` (+ ``csip:OTHERTYPE``), content information type, ``@PROFILE``."""
    _objid(ctx, doc)
    _content_category(ctx, doc)
    _content_information_type(ctx, doc, doc.root, ("CSIP4", "CSIP4", "CSIP5"), required=doc.level == "representation")
    report, root = ctx.report, doc.root
    profile = root.get("PROFILE")
    if profile is None:
        report.error("CSIP6", doc.path, N_("%(path)s: mets/@PROFILE is missing."))
    elif not profile.strip().startswith(("http://", "https://")):
        report.error("CSIP6", doc.path, N_("%(path)s: mets/@PROFILE %(value)r is not a URL."), value=profile)


def _objid(ctx: Context, doc: MetsDoc) -> None:
    objid = doc.root.get("OBJID")
    if objid is None:
        ctx.report.error("CSIP1", doc.path, N_("%(path)s: mets/@OBJID is missing."))
    elif not objid.strip():
        ctx.report.error("CSIP1", doc.path, N_("%(path)s: mets/@OBJID is empty."))
    elif objid != doc.folder:
        ctx.report.warning(
            "CSIP1", doc.path, N_("%(path)s: mets/@OBJID %(value)r differs from the folder name %(folder)r."),
            value=objid, folder=doc.folder,
        )  # fmt: skip


def _content_category(ctx: Context, doc: MetsDoc) -> None:
    report, root = ctx.report, doc.root
    kind, other = root.get("TYPE"), root.get(C("OTHERTYPE"))
    if kind is None:
        report.error("CSIP2", doc.path, N_("%(path)s: mets/@TYPE is missing."))
    elif not in_vocabulary(kind, CONTENT_CATEGORY):
        report.error("CSIP2", doc.path, N_("%(path)s: mets/@TYPE %(value)r is not a content category."), value=kind)
    elif is_other(kind) and not (other or "").strip():
        report.error("CSIP2", doc.path, N_("%(path)s: mets/@TYPE is OTHER but csip:OTHERTYPE is missing or empty."))
    if other is not None and kind is not None and not is_other(kind):
        report.error("CSIP3", doc.path, N_("%(path)s: csip:OTHERTYPE is set but mets/@TYPE is not OTHER."))
    elif other and in_vocabulary(other, CONTENT_CATEGORY):
        report.error("CSIP3", doc.path, N_("%(path)s: csip:OTHERTYPE %(value)r is a vocabulary term."), value=other)


def _content_information_type(
    ctx: Context, doc: MetsDoc, element: etree._Element, codes: tuple[str, str, str], *, required: bool
) -> None:
    """Check ``csip:CONTENTINFORMATIONTYPE`` and ``csip:OTHERCONTENTINFORMATIONTYPE`` on ``element``.

    ``codes`` are the requirement IDs for (the type itself, a missing "other" value, a misused
    "other" value): CSIP4/CSIP4/CSIP5 on ``mets``, CSIP62/CSIP63/CSIP63 on a file group.
    """
    report = ctx.report
    code, missing_code, other_code = codes
    cit, other = element.get(C("CONTENTINFORMATIONTYPE")), element.get(C("OTHERCONTENTINFORMATIONTYPE"))
    where = element.tag.rpartition("}")[2]
    if cit is None:
        message = N_("%(path)s: %(element)s/@csip:CONTENTINFORMATIONTYPE is missing.")
        if required:
            report.error(code, doc.path, message, element=where)
        elif element is doc.root:
            report.warning(code, doc.path, message, element=where)
    elif not in_vocabulary(cit, CONTENT_INFORMATION_TYPE):
        report.error(
            code, doc.path, N_("%(path)s: csip:CONTENTINFORMATIONTYPE %(value)r is not in the vocabulary."), value=cit
        )
    elif is_other(cit) and not (other or "").strip():
        message = N_("%(path)s: %(element)s says OTHER but csip:OTHERCONTENTINFORMATIONTYPE is empty.")
        report.error(missing_code, doc.path, message, element=where)
    if other is not None and cit is not None and not is_other(cit):
        report.error(other_code, doc.path, N_("%(path)s: csip:OTHERCONTENTINFORMATIONTYPE is set without OTHER."))
    elif other and in_vocabulary(other, CONTENT_INFORMATION_TYPE):
        report.error(
            other_code, doc.path, N_("%(path)s: csip:OTHERCONTENTINFORMATIONTYPE %(value)r is a vocabulary term."),
            value=other,
        )  # fmt: skip


def check_group_content_type(ctx: Context, doc: MetsDoc, group: etree._Element) -> None:
    """CSIP62/63: a Representations file group declares its content information type."""
    _content_information_type(ctx, doc, group, ("CSIP62", "CSIP63", "CSIP63"), required=True)


def _parse_datetime(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_header(ctx: Context, doc: MetsDoc) -> None:
    """CSIP117 and CSIP7-16: the header, its dates, the OAIS package type and the CSIP agent."""
    report = ctx.report
    header = doc.root.find(M("metsHdr"))
    if header is None:
        report.error("CSIP117", doc.path, N_("%(path)s: mets/metsHdr is missing."))
        return
    created = header.get("CREATEDATE")
    if created is None:
        report.error("CSIP7", doc.path, N_("%(path)s: metsHdr/@CREATEDATE is missing."))
    elif (moment := _parse_datetime(created)) is not None and moment > ctx.now + _SKEW:
        report.error("CSIP7", doc.path, N_("%(path)s: metsHdr/@CREATEDATE %(value)s is in the future."), value=created)
    modified = header.get("LASTMODDATE")
    if modified is None:
        report.warning("CSIP8", doc.path, N_("%(path)s: metsHdr/@LASTMODDATE is missing."))
    elif (moment := _parse_datetime(modified)) is not None and moment > ctx.now + _SKEW:
        report.error(
            "CSIP8", doc.path, N_("%(path)s: metsHdr/@LASTMODDATE %(value)s is in the future."), value=modified
        )
    package_type = header.get(C("OAISPACKAGETYPE"))
    if package_type is None:
        report.error("CSIP9", doc.path, N_("%(path)s: metsHdr/@csip:OAISPACKAGETYPE is missing."))
    elif package_type not in OAIS_PACKAGE_TYPES:
        report.error(
            "CSIP9", doc.path, N_("%(path)s: csip:OAISPACKAGETYPE %(value)r is not SIP, AIP, DIP, AIU or AIC."),
            value=package_type,
        )  # fmt: skip
    if doc.level == "root":
        report.package_type = package_type
    _agent(ctx, doc, header)


def _agent_score(agent: etree._Element) -> int:
    """How many CSIP11-16 criteria an agent meets (to pick the one the rules are about)."""
    notes = agent.findall(M("note"))
    return sum(
        (
            agent.get("TYPE") == "OTHER",
            agent.get("OTHERTYPE") == "SOFTWARE",
            bool((agent.findtext(M("name")) or "").strip()),
            len(notes) == 1 and bool((notes[0].text or "").strip()),
            any(n.get(C("NOTETYPE")) == "SOFTWARE VERSION" for n in notes),
        )
    )


def _agent(ctx: Context, doc: MetsDoc, header: etree._Element) -> None:
    """CSIP10-16: at least one agent; the CREATOR software agent with name and version note."""
    report = ctx.report
    agents = header.findall(M("agent"))
    if not agents:
        report.error("CSIP10", doc.path, N_("%(path)s: metsHdr has no agent."))
        return
    creators = [a for a in agents if a.get("ROLE") == "CREATOR"]
    software = [a for a in agents if a.get("TYPE") == "OTHER" and a.get("OTHERTYPE") == "SOFTWARE"]
    if not creators or (software and not any(a.get("ROLE") == "CREATOR" for a in software)):
        report.error("CSIP11", doc.path, N_("%(path)s: the CSIP software agent must have ROLE CREATOR."))
        if not creators:
            return
    agent = max(creators, key=_agent_score)  # max() keeps the first of equals: document order
    if agent.get("TYPE") != "OTHER":
        report.error("CSIP12", doc.path, N_("%(path)s: the CSIP agent's @TYPE must be OTHER."))
    if agent.get("OTHERTYPE") != "SOFTWARE":
        report.error("CSIP13", doc.path, N_("%(path)s: the CSIP agent's @OTHERTYPE must be SOFTWARE."))
    if not (agent.findtext(M("name")) or "").strip():
        report.error("CSIP14", doc.path, N_("%(path)s: the CSIP agent has no name."))
    notes = agent.findall(M("note"))
    if len(notes) != 1:
        report.error(
            "CSIP15",
            doc.path,
            N_("%(path)s: the CSIP agent needs exactly one note (it has %(count)d)."),
            count=len(notes),
        )
    elif not (notes[0].text or "").strip():
        report.error("CSIP15", doc.path, N_("%(path)s: the CSIP agent's note is empty."))
    if notes and notes[0].get(C("NOTETYPE")) != "SOFTWARE VERSION":
        report.error("CSIP16", doc.path, N_("%(path)s: the CSIP agent's note needs csip:NOTETYPE SOFTWARE VERSION."))
