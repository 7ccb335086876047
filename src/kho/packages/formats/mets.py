"""METS 1.12 writers for an E-ARK CSIP package: the root ``METS.xml`` and one METS per representation.

Root METS: ``@OBJID``/``@LABEL``/``@TYPE``/``@csip:CONTENTINFORMATIONTYPE``/``@PROFILE``; a ``metsHdr``
with ``RECORDSTATUS``, ``csip:OAISPACKAGETYPE`` and agents (Kho as the CSIP software ``CREATOR``, the
sending agency as ``CREATOR``/``ORGANIZATION``, the receiving archive as ``PRESERVATION``); a
``dmdSec`` pointing at the EAD, an ``amdSec/digiprovMD`` pointing at PREMIS; a ``fileSec`` with
the Documentation, Schemas and ``Representations/<rep>`` groups (the latter holding the
representation METS); and the ``CSIP`` structural map (Metadata, Documentation, Schemas,
``Representations/<rep>`` with ``fptr`` and ``mptr``). A representation METS lists its data files
(hrefs relative to the representation folder) in a ``Representations/<rep>/data`` group.

Every file carries ``@CHECKSUM`` (SHA-256, upper-case hex as in the TT05 sample), ``@CHECKSUMTYPE``,
``@SIZE``, ``@MIMETYPE``, ``@CREATED`` and an ``FLocat`` with a percent-encoded relative
``xlink:href``. IDs are deterministic (:func:`~kho.packages.formats._earkxml.stable_id`), files are
sorted by path, so equal input gives equal bytes. Output validates against ``mets.xsd``. A representation
METS lists every file, so it is written element by element (:class:`~kho.packages.formats._xmlstream.XmlStream`)
and memory does not grow with the number of files; the root METS lists a handful and is built as a tree.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import IO

from lxml import etree

from kho.packages.formats._earkxml import (
    CSIP_NS,
    CSIP_PROFILE,
    METS_NS,
    SIP_PROFILE,
    XLINK_NS,
    XSI_NS,
    M,
    StoredFile,
    by_path,
    href,
    iso,
    q,
    serialise,
    stable_id,
    sub,
)
from kho.packages.formats._xmlstream import XmlStream
from kho.packages.formats.earkspec import PackageSpec, PackageType

__all__ = [
    "DMD_ID",
    "PREMIS_MD_ID",
    "build_representation_mets",
    "build_root_mets",
    "profile_for",
    "write_representation_mets",
]

DMD_ID = "dmd-ead"
PREMIS_MD_ID = "digiprov-premis"
_SCHEMA_LOCATION = (
    "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd "
    "http://www.w3.org/1999/xlink http://www.loc.gov/standards/xlink/xlink.xsd "
    "https://DILCIS.eu/XML/METS/CSIPExtensionMETS https://earkcsip.dilcis.eu/schema/DILCISExtensionMETS.xsd"
)
_NSMAP = {None: METS_NS, "csip": CSIP_NS, "xlink": XLINK_NS, "xsi": XSI_NS}


def profile_for(package_type: PackageType) -> str:
    """Return ``mets/@PROFILE``: the E-ARK SIP profile for a SIP, the CSIP profile otherwise."""
    return SIP_PROFILE if package_type == PackageType.SIP else CSIP_PROFILE


def _root(spec: PackageSpec, objid: str) -> etree._Element:
    root = etree.Element(M("mets"), nsmap=_NSMAP)  # type: ignore[arg-type]  # lxml-stubs: None prefix
    root.set("OBJID", objid)
    root.set("LABEL", spec.label)
    root.set("TYPE", spec.content_category)
    root.set(q(CSIP_NS, "CONTENTINFORMATIONTYPE"), spec.content_information_type)
    root.set("PROFILE", profile_for(spec.package_type))
    root.set(q(XSI_NS, "schemaLocation"), _SCHEMA_LOCATION)
    return root


def _agent(hdr: etree._Element, role: str, kind: str, name: str, note: str, note_type: str, other: str = "") -> None:
    attrs = {"ROLE": role, "TYPE": kind} | ({"OTHERTYPE": other} if other else {})
    agent = sub(hdr, M("agent"), **attrs)
    sub(agent, M("name"), name)
    sub(agent, M("note"), note, **{q(CSIP_NS, "NOTETYPE"): note_type})


def _header(root: etree._Element, spec: PackageSpec) -> None:
    created = iso(spec.created)
    hdr = sub(root, M("metsHdr"), CREATEDATE=created, LASTMODDATE=created, RECORDSTATUS=spec.record_status)
    hdr.set(q(CSIP_NS, "OAISPACKAGETYPE"), spec.package_type.value)
    _agent(hdr, "CREATOR", "OTHER", spec.software_name, spec.software_version, "SOFTWARE VERSION", "SOFTWARE")
    agency = spec.submitting_agency
    _agent(hdr, "CREATOR", "ORGANIZATION", agency.name, agency.code, "IDENTIFICATIONCODE")
    if spec.archival_agency:
        archive = spec.archival_agency
        _agent(hdr, "PRESERVATION", "ORGANIZATION", archive.name, archive.code, "IDENTIFICATIONCODE")
    sub(hdr, M("altRecordID"), f"{spec.package_type.value}_{spec.tt05_kind.value}", TYPE="TT05PACKAGE")


def _checksum_attrs(stored: StoredFile) -> dict[str, str]:
    return {
        "MIMETYPE": stored.media_type,
        "SIZE": str(stored.size),
        "CREATED": stored.created,
        "CHECKSUM": stored.sha256.upper(),
        "CHECKSUMTYPE": "SHA-256",
    }


def _md_ref(parent: etree._Element, stored: StoredFile, mdtype: str, version: str) -> None:
    attrs = {"LOCTYPE": "URL", q(XLINK_NS, "type"): "simple", q(XLINK_NS, "href"): href(stored.path)}
    attrs |= {"MDTYPE": mdtype, "MDTYPEVERSION": version} | _checksum_attrs(stored)
    sub(parent, M("mdRef"), **attrs)


def _file(group: etree._Element, stored: StoredFile, location: str, id_scope: str) -> None:
    attrs = {"ID": stable_id("file", id_scope, stored.path)} | _checksum_attrs(stored)
    if stored.use:
        attrs["USE"] = stored.use
    node = sub(group, M("file"), **attrs)
    sub(node, M("FLocat"), LOCTYPE="URL", **{q(XLINK_NS, "type"): "simple", q(XLINK_NS, "href"): href(location)})


def _group(parent: etree._Element, use: str, group_id: str, files: Sequence[StoredFile], **extra: str) -> None:
    group = sub(parent, M("fileGrp"), ID=group_id, USE=use, **extra)
    for stored in sorted(files, key=lambda f: f.path):
        _file(group, stored, stored.path, group_id)


def build_root_mets(
    spec: PackageSpec,
    *,
    ead: StoredFile,
    premis: StoredFile,
    documentation: Sequence[StoredFile],
    schemas: Sequence[StoredFile],
    representations: Sequence[tuple[str, StoredFile]],
) -> bytes:
    """Return the package ``METS.xml``.

    Args:
        spec: The package specification (identity, agents, vocabulary values).
        ead: The written ``metadata/descriptive/EAD.xml``.
        premis: The written ``metadata/preservation/PREMIS.xml``.
        documentation: Files under ``documentation/``.
        schemas: Files under ``schemas/``.
        representations: ``(name, representation METS)`` pairs.
    """
    root = _root(spec, spec.package_id)
    _header(root, spec)
    created = iso(spec.created)
    dmd = sub(root, M("dmdSec"), ID=DMD_ID, CREATED=created, STATUS="CURRENT")
    _md_ref(dmd, ead, "EAD", "2002")
    amd = sub(root, M("amdSec"), ID="amd")
    digiprov = sub(amd, M("digiprovMD"), ID=PREMIS_MD_ID, CREATED=created, STATUS="CURRENT")
    _md_ref(digiprov, premis, "PREMIS", "3.0")
    file_sec = sub(root, M("fileSec"), ID="filesec")
    if documentation:
        _group(file_sec, "Documentation", "grp-documentation", documentation)
    if schemas:
        _group(file_sec, "Schemas", "grp-schemas", schemas)
    cit = {q(CSIP_NS, "CONTENTINFORMATIONTYPE"): spec.content_information_type}
    for name, rep_mets in sorted(representations):
        _group(file_sec, f"Representations/{name}", stable_id("grp", name), [rep_mets], **cit)
    _root_struct_map(root, spec, bool(documentation), bool(schemas), representations)
    return serialise(root)


def _root_struct_map(
    root: etree._Element,
    spec: PackageSpec,
    has_docs: bool,  # noqa: FBT001 - private helper
    has_schemas: bool,  # noqa: FBT001
    representations: Sequence[tuple[str, StoredFile]],
) -> None:
    smap = sub(root, M("structMap"), ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP")
    top = sub(smap, M("div"), ID="div-package", LABEL=spec.package_id)
    sub(top, M("div"), ID="div-metadata", LABEL="Metadata", ADMID=PREMIS_MD_ID, DMDID=DMD_ID)
    if has_docs:
        sub(sub(top, M("div"), ID="div-documentation", LABEL="Documentation"), M("fptr"), FILEID="grp-documentation")
    if has_schemas:
        sub(sub(top, M("div"), ID="div-schemas", LABEL="Schemas"), M("fptr"), FILEID="grp-schemas")
    for name, rep_mets in sorted(representations):
        group_id = stable_id("grp", name)
        div = sub(top, M("div"), ID=stable_id("div", name), LABEL=f"Representations/{name}")
        link = {q(XLINK_NS, "type"): "simple", q(XLINK_NS, "href"): href(rep_mets.path)}
        sub(div, M("mptr"), LOCTYPE="URL", **link, **{q(XLINK_NS, "title"): group_id})
        sub(div, M("fptr"), FILEID=group_id)


def _stream_agent(w: XmlStream, attrs: tuple[tuple[str, str], ...], name: str, note: str, note_type: str) -> None:
    w.start("agent", attrs)
    w.leaf("name", name)
    w.leaf("note", note, (("csip:NOTETYPE", note_type),))
    w.end()


def _stream_header(w: XmlStream, spec: PackageSpec) -> None:
    """The ``metsHdr`` of :func:`_header`, streamed."""
    created = iso(spec.created)
    status = (("CREATEDATE", created), ("LASTMODDATE", created), ("RECORDSTATUS", spec.record_status))
    w.start("metsHdr", (*status, ("csip:OAISPACKAGETYPE", spec.package_type.value)))
    software = (("ROLE", "CREATOR"), ("TYPE", "OTHER"), ("OTHERTYPE", "SOFTWARE"))
    _stream_agent(w, software, spec.software_name, spec.software_version, "SOFTWARE VERSION")
    agency = spec.submitting_agency
    _stream_agent(w, (("ROLE", "CREATOR"), ("TYPE", "ORGANIZATION")), agency.name, agency.code, "IDENTIFICATIONCODE")
    if spec.archival_agency:
        archive = spec.archival_agency
        role = (("ROLE", "PRESERVATION"), ("TYPE", "ORGANIZATION"))
        _stream_agent(w, role, archive.name, archive.code, "IDENTIFICATIONCODE")
    w.leaf("altRecordID", f"{spec.package_type.value}_{spec.tt05_kind.value}", (("TYPE", "TT05PACKAGE"),))
    w.end()


def _stream_file(w: XmlStream, stored: StoredFile, location: str, id_scope: str) -> None:
    attrs = [("ID", stable_id("file", id_scope, stored.path)), *_checksum_attrs(stored).items()]
    if stored.use:
        attrs.append(("USE", stored.use))
    w.element(
        "file",
        attrs,
        (("FLocat", None, (("LOCTYPE", "URL"), ("xlink:type", "simple"), ("xlink:href", href(location)))),),
    )


def write_representation_mets(out: IO[bytes], spec: PackageSpec, name: str, files: Iterable[StoredFile]) -> None:
    """Write ``representations/<name>/METS.xml``, listing the representation's data files, to ``out``.

    Args:
        out: Binary stream to write to.
        spec: The package specification (header, agents, vocabulary values).
        name: Representation folder name; also the METS ``@OBJID``.
        files: The representation's files (``path`` from the package root, under ``representations/<name>/``):
            a sequence is sorted by path here, any other iterable must already come in path order.

    Raises:
        ValueError: A value holds a character XML cannot store.
    """
    prefix = f"representations/{name}/"
    w = XmlStream(out)
    namespaces = (("xmlns", METS_NS), ("xmlns:csip", CSIP_NS), ("xmlns:xlink", XLINK_NS), ("xmlns:xsi", XSI_NS))
    identity = (("OBJID", name), ("LABEL", spec.label), ("TYPE", spec.content_category))
    profile = (
        ("csip:CONTENTINFORMATIONTYPE", spec.content_information_type),
        ("PROFILE", profile_for(spec.package_type)),
    )
    w.start("mets", (*namespaces, *identity, *profile, ("xsi:schemaLocation", _SCHEMA_LOCATION)))
    _stream_header(w, spec)
    w.start("fileSec", (("ID", "filesec"),))
    group = (("ID", "grp-data"), ("USE", f"Representations/{name}/data"))
    w.start("fileGrp", (*group, ("csip:CONTENTINFORMATIONTYPE", spec.content_information_type)))
    for stored in by_path(files):
        _stream_file(w, stored, stored.path.removeprefix(prefix), name)
    w.end()
    w.end()
    w.start("structMap", (("ID", "structmap-csip"), ("TYPE", "PHYSICAL"), ("LABEL", "CSIP")))
    w.start("div", (("ID", "div-representation"), ("LABEL", name)))
    w.leaf("div", None, (("ID", "div-metadata"), ("LABEL", "Metadata")))
    w.start("div", (("ID", "div-data"), ("LABEL", "Data")))
    w.leaf("fptr", None, (("FILEID", "grp-data"),))
    w.end()
    w.end()
    w.end()
    w.end()
    w.close()


def build_representation_mets(spec: PackageSpec, name: str, files: Sequence[StoredFile]) -> bytes:
    """Return a representation METS as bytes (:func:`write_representation_mets` into memory; for tests)."""
    out = io.BytesIO()
    write_representation_mets(out, spec, name, files)
    return out.getvalue()
