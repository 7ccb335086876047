"""CSIP rules on metadata sections (CSIP17-57) and the file section (CSIP58-79, 113, 114).

Each ``mdRef`` and ``FLocat`` whose href resolves becomes a :class:`FileRef`; sizes and checksums are
compared later, in one hashing pass over the package (``_csip_refs``). The ``mets:file`` elements of a
METS file validated as a stream are checked as they pass (:func:`check_streamed_file`), and what that
gave is added to the report where the whole tree's files would have given it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._csip_base import (
    FILEGRP_VOCABULARY,
    MD_STATUS,
    Context,
    FileRef,
    GroupFiles,
    M,
    MetsDoc,
    RefCodes,
    X,
    amd_ids,
    mime_problem,
    resolve_href,
    top_file_groups,
)
from kho.packages.formats._csip_header import check_group_content_type
from kho.packages.formats._earkxml import SIP_NS, q


@dataclass(frozen=True, slots=True)
class _MdCodes:
    """Requirement codes for one kind of metadata section."""

    status: str
    md_ref: str
    loctype: str
    xlink_type: str
    mimetype: str
    created: str
    refs: RefCodes


_DMD = _MdCodes(
    "CSIP20", "CSIP21", "CSIP22", "CSIP23", "CSIP26", "CSIP28", RefCodes("CSIP24", "CSIP27", "CSIP29", "CSIP30")
)
_DIGIPROV = _MdCodes(
    "CSIP34", "CSIP35", "CSIP36", "CSIP37", "CSIP40", "CSIP42", RefCodes("CSIP38", "CSIP41", "CSIP43", "CSIP44")
)
_RIGHTS = _MdCodes(
    "CSIP47", "CSIP48", "CSIP49", "CSIP50", "CSIP53", "CSIP55", RefCodes("CSIP51", "CSIP54", "CSIP56", "CSIP57")
)
_K = "KHO-MDREF"
_OTHER_MD = _MdCodes(_K, _K, _K, _K, _K, _K, RefCodes(_K, _K, _K, _K))
_FILE = RefCodes("CSIP79", "CSIP69", "CSIP71", "CSIP72")
_SIP_FORMAT = (
    ("FILEFORMATNAME", "SIP32"),
    ("FILEFORMATVERSION", "SIP33"),
    ("FILEFORMATREGISTRY", "SIP34"),
    ("FILEFORMATKEY", "SIP35"),
)
_METS_FILE, _FILE_GRP, _FILE_SEC = M("file"), M("fileGrp"), M("fileSec")
_AMD_CODES = {"digiprovMD": _DIGIPROV, "rightsMD": _RIGHTS, "techMD": _OTHER_MD, "sourceMD": _OTHER_MD}


def check_mime(ctx: Context, doc: MetsDoc, value: str | None, code: str, where: str) -> None:
    """A ``@MIMETYPE`` must exist, be an IANA media type, and should be at most 256 characters."""
    report = ctx.report
    if value is None or not value.strip():
        report.error(code, doc.path, N_("%(path)s: %(element)s/@MIMETYPE is missing or empty."), element=where)
    elif len(value) > 256:
        report.warning(
            code, doc.path, N_("%(path)s: %(element)s/@MIMETYPE is longer than 256 characters."), element=where
        )
    elif problem := mime_problem(value):
        report.error(
            code, doc.path, N_("%(path)s: %(element)s/@MIMETYPE %(value)r is not an IANA media type (%(reason)s)."),
            element=where, value=value, reason=problem,
        )  # fmt: skip


def _status(ctx: Context, doc: MetsDoc, section: etree._Element, code: str) -> None:
    status, where = section.get("STATUS"), section.tag.rpartition("}")[2]
    if status is None:
        ctx.report.warning(code, doc.path, N_("%(path)s: %(element)s/@STATUS is missing."), element=where)
    elif status not in MD_STATUS:
        ctx.report.error(
            code, doc.path, N_("%(path)s: %(element)s/@STATUS %(value)r is not CURRENT or SUPERSEDED."),
            element=where, value=status,
        )  # fmt: skip


def _md_ref(ctx: Context, doc: MetsDoc, ref: etree._Element, codes: _MdCodes, section: str) -> None:
    """Check one ``mdRef`` and queue its target for the size and checksum pass."""
    report = ctx.report
    where = f"{section}/mdRef"
    if ref.get("LOCTYPE") != "URL":
        report.error(codes.loctype, doc.path, N_("%(path)s: %(element)s/@LOCTYPE must be URL."), element=where)
    if ref.get(X("type")) != "simple":
        report.error(codes.xlink_type, doc.path, N_("%(path)s: %(element)s needs xlink:type simple."), element=where)
    check_mime(ctx, doc, ref.get("MIMETYPE"), codes.mimetype, where)
    if ref.get("CREATED") is None:
        report.error(codes.created, doc.path, N_("%(path)s: %(element)s/@CREATED is missing."), element=where)
    for attr, code in (
        ("SIZE", codes.refs.size),
        ("CHECKSUM", codes.refs.checksum),
        ("CHECKSUMTYPE", codes.refs.checksum_type),
    ):
        if ref.get(attr) is None:
            report.error(code, doc.path, N_("%(path)s: %(element)s/@%(attr)s is missing."), element=where, attr=attr)
    _queue(ctx, doc, ref, codes.refs, section)


def _queue(ctx: Context, doc: MetsDoc, node: etree._Element, codes: RefCodes, section: str) -> None:
    """Resolve ``node``'s href (``mdRef`` or ``FLocat``); remember the reference for fixity checks."""
    value = node.get(X("href"))
    if value is None:
        ctx.report.error(codes.href, doc.path, N_("%(path)s: a %(element)s has no xlink:href."), element=section)
        return
    if not value.strip():
        ctx.report.warning(
            codes.href, doc.path, N_("%(path)s: a %(element)s has an empty xlink:href."), element=section
        )
        return
    found = resolve_href(ctx, doc, value, codes.href)
    if found is None:
        return
    holder = node if node.tag == M("mdRef") else node.getparent()
    if holder is None:  # an FLocat always sits in a file element; keep mypy and the odd tree happy
        return
    path, actual = found
    size, checksum, checksum_type = holder.get("SIZE"), holder.get("CHECKSUM"), holder.get("CHECKSUMTYPE")
    ctx.refs.append(FileRef(doc.path, path, actual, size, checksum, checksum_type, codes, section))


def check_metadata_sections(ctx: Context, doc: MetsDoc) -> None:
    """CSIP17-57: dmdSec and amdSec children, their status, and every mdRef."""
    report, root = ctx.report, doc.root
    dmd_secs = root.findall(M("dmdSec"))
    if doc.level == "root" and not dmd_secs:
        report.warning("CSIP17", doc.path, N_("%(path)s has no dmdSec."))
    for dmd in dmd_secs:
        if dmd.get("CREATED") is None:
            report.error("CSIP19", doc.path, N_("%(path)s: dmdSec/@CREATED is missing."))
        _section(ctx, doc, dmd, _DMD, "dmdSec")
    amd_secs = root.findall(M("amdSec"))
    if doc.level == "root":
        preservation = ctx.inventory.under("metadata/preservation/")
        if not amd_secs:
            report.warning("CSIP31", doc.path, N_("%(path)s has no amdSec."))
        elif not preservation:
            report.warning("CSIP31", doc.path, N_("%(path)s has an amdSec but metadata/preservation is empty."))
        digiprov = [c for a in amd_secs for c in a.iterchildren(M("digiprovMD"))]
        if not digiprov:
            report.warning("CSIP32", doc.path, N_("%(path)s has no digiprovMD."))
        elif not preservation:
            report.warning("CSIP32", doc.path, N_("%(path)s has a digiprovMD but metadata/preservation is empty."))
    for amd in amd_secs:
        for child in amd:
            local = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
            if local in _AMD_CODES:
                _section(ctx, doc, child, _AMD_CODES[local], local)


def _section(ctx: Context, doc: MetsDoc, section: etree._Element, codes: _MdCodes, name: str) -> None:
    if codes is not _OTHER_MD:
        _status(ctx, doc, section, codes.status)
    refs = section.findall(M("mdRef"))
    if not refs:
        ctx.report.warning(codes.md_ref, doc.path, N_("%(path)s: a %(element)s has no mdRef."), element=name)
    for ref in refs:
        _md_ref(ctx, doc, ref, codes, name)


def _use_ok(ctx: Context, doc: MetsDoc, use: str) -> tuple[bool, bool]:
    """Return (USE starts with a vocabulary term, USE names an existing folder) for CSIP64."""
    first = use.split("/", 1)[0].casefold()
    known = first in FILEGRP_VOCABULARY or (doc.level == "representation" and first == "data")
    exists = ctx.inventory.has_dir(use) or ctx.inventory.has_dir(doc.base + use)
    return known, exists


def check_file_section(ctx: Context, doc: MetsDoc) -> None:
    """CSIP58-79, 113, 114: file groups, their files, and every FLocat."""
    report = ctx.report
    file_secs = doc.root.findall(M("fileSec"))
    if not file_secs:
        if doc.level == "root":
            report.warning("CSIP58", doc.path, N_("%(path)s has no fileSec."))
        return
    if file_secs[0].get("ID") is None:
        report.error("CSIP59", doc.path, N_("%(path)s: fileSec/@ID is missing."))
    groups = top_file_groups(doc.root)
    if doc.level == "root":
        uses = [(g.get("USE") or "").casefold() for g in groups]
        for code, term in (("CSIP60", "documentation"), ("CSIP113", "schemas"), ("CSIP114", "representations")):
            if not any(u == term or u.startswith(term + "/") for u in uses):
                report.warning(code, doc.path, N_("%(path)s has no %(use)s file group."), use=term.capitalize())
    admin = set(amd_ids(doc.root))
    for group in groups:
        _group(ctx, doc, group, admin)


def _group(ctx: Context, doc: MetsDoc, group: etree._Element, admin: set[str]) -> None:
    report = ctx.report
    use = group.get("USE")
    if use is None:
        report.error("CSIP64", doc.path, N_("%(path)s: a fileGrp has no @USE."))
    else:
        known, exists = _use_ok(ctx, doc, use)
        if not known:
            report.error(
                "CSIP64", doc.path, N_("%(path)s: fileGrp/@USE %(value)r is not in the vocabulary."), value=use
            )
        elif not exists:
            report.error("CSIP64", doc.path, N_("%(path)s: fileGrp/@USE %(value)r names no folder."), value=use)
        if use.casefold().startswith("representations"):
            check_group_content_type(ctx, doc, group)
    if group.get("ID") is None:
        report.error("CSIP65", doc.path, N_("%(path)s: a fileGrp has no @ID."))
    unknown = [token for token in (group.get("ADMID") or "").split() if token not in admin]
    if unknown:
        report.warning(
            "CSIP61", doc.path, N_("%(path)s: fileGrp/@ADMID %(value)s is not administrative metadata."),
            value=" ".join(unknown),
        )  # fmt: skip
    _group_files(ctx, doc, group, use or "")


def _group_files(ctx: Context, doc: MetsDoc, group: etree._Element, use: str) -> None:
    """CSIP66 and the rules on every file of a top group (checked here, or while its METS file streamed)."""
    files = list(group.iter(_METS_FILE)) if doc.groups is None else []
    streamed = doc.groups.get(group) if doc.groups is not None else None
    if not files and streamed is None:
        ctx.report.error("CSIP66", doc.path, N_("%(path)s: fileGrp %(value)r has no file."), value=use)
    for node in files:
        _file(ctx, doc, node)
    if streamed is not None:  # what the stream found, in the place the tree's files would have given it
        ctx.report.findings.extend(streamed.context.report.findings)
        ctx.refs.extend(streamed.context.refs)


def check_streamed_file(ctx: Context, doc: MetsDoc, outer: etree._Element) -> None:
    """Check an outermost ``mets:file`` (and the ones nested in it) of a METS file being streamed.

    The findings and references wait in the :class:`GroupFiles` of its top file group (``doc.groups``)
    until :func:`check_file_section` reaches that group. A ``mets:file`` outside a file group makes the
    document invalid against the METS schema; the stream then fails and the tree is checked instead.
    """
    group, parent = None, outer.getparent()
    while parent is not None:
        above = parent.getparent()
        if above is not None and above.tag == _FILE_SEC:
            group = parent if parent.tag == _FILE_GRP else None
            break
        parent = above
    if group is None or doc.groups is None:
        return
    streamed = doc.groups.get(group)
    if streamed is None:
        streamed = doc.groups[group] = GroupFiles.of(ctx)
    for node in outer.iter(_METS_FILE):
        _file(streamed.context, doc, node)


def _file(ctx: Context, doc: MetsDoc, node: etree._Element) -> None:
    report = ctx.report
    check_mime(ctx, doc, node.get("MIMETYPE"), "CSIP68", "file")
    for attr, code in (("SIZE", "CSIP69"), ("CREATED", "CSIP70"), ("CHECKSUM", "CSIP71"), ("CHECKSUMTYPE", "CSIP72")):
        if node.get(attr) is None:
            report.error(
                code, doc.path, N_("%(path)s: file %(id)s has no @%(attr)s."), id=node.get("ID", "?"), attr=attr
            )
    for attr, code in _SIP_FORMAT:
        value = node.get(q(SIP_NS, attr))
        if value is not None and not value.strip():
            report.warning(
                code,
                doc.path,
                N_("%(path)s: file %(id)s has an empty @sip:%(attr)s."),
                id=node.get("ID", "?"),
                attr=attr,
            )
    locations = node.findall(M("FLocat"))
    if len(locations) != 1:
        report.error(
            "CSIP76", doc.path, N_("%(path)s: file %(id)s has %(count)d FLocat elements, not one."),
            id=node.get("ID", "?"), count=len(locations),
        )  # fmt: skip
    for location in locations:
        if location.get("LOCTYPE") != "URL":
            report.error("CSIP77", doc.path, N_("%(path)s: FLocat/@LOCTYPE must be URL."))
        if location.get(X("type")) != "simple":
            report.error("CSIP78", doc.path, N_("%(path)s: FLocat needs xlink:type simple."))
        _queue(ctx, doc, location, _FILE, "fileSec")
