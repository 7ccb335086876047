"""Shared pieces of the E-ARK writers and validators: namespaces, IDs, hrefs, timestamps, serialisation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, unquote

from lxml import etree

from kho.core.text import N_
from kho.packages.formats.eark_errors import PackageWriteError

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
PREMIS_NS = "http://www.loc.gov/premis/v3"
PREMIS2_NS = "info:lc/xmlns/premis-v2"
EAD_NS = "urn:isbn:1-931666-22-9"

CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"

ROOT_METS = "METS.xml"
EAD_PATH = "metadata/descriptive/EAD.xml"
PREMIS_PATH = "metadata/preservation/PREMIS.xml"

# Namespace for uuid5 IDs: the same package path in the same package always gets the same XML ID.
_ID_NAMESPACE = uuid.UUID("6f1f5a4e-3a57-5c1e-9d0e-6b686f2d6561")
# RFC 3986 unreserved characters plus "/" stay literal in hrefs; everything else is %-encoded UTF-8.
_HREF_SAFE = "/-._~"
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def q(namespace: str, local: str) -> str:
    """Return the Clark name ``{namespace}local``."""
    return f"{{{namespace}}}{local}"


def M(local: str) -> str:  # noqa: N802 - short, reads like the mets: prefix
    """Return the Clark name of a METS element or attribute."""
    return f"{{{METS_NS}}}{local}"


def stable_id(prefix: str, *parts: str) -> str:
    """Return a deterministic ``xs:ID``: ``prefix-<uuid5 of the parts>``."""
    return f"{prefix}-{uuid.uuid5(_ID_NAMESPACE, chr(0).join(parts))}"


def href(path: str) -> str:
    """Percent-encode a package path (NFC, UTF-8) for ``xlink:href``."""
    return quote(path, safe=_HREF_SAFE)


def unhref(value: str) -> str:
    """Decode an ``xlink:href`` back to a package path (the inverse of :func:`href`)."""
    return unquote(value)


def iso(moment: datetime) -> str:
    """Format a timezone-aware timestamp as ISO 8601 with seconds and offset.

    Raises:
        PackageWriteError: ``moment`` is naive (its offset would be a guess).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PackageWriteError(N_("Timestamp %(value)s has no time zone; pass an aware datetime."), value=str(moment))
    return moment.isoformat(timespec="seconds")


def serialise(root: etree._Element) -> bytes:
    """Serialise an element as a UTF-8 XML document, indented, with an XML declaration."""
    etree.indent(root, space="  ")
    return _DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    """Append a child element with optional text and attributes (Clark names allowed via ``attrib``)."""
    child = etree.SubElement(parent, tag, attrib)
    if text is not None:
        child.text = text
    return child


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file as written into the package, with what METS and PREMIS say about it.

    Attributes:
        path: Path from the package root (NFC, ``/``-separated).
        sha256: Lower-case hex digest.
        size: Size in bytes.
        media_type: IANA media type.
        created: ``@CREATED`` timestamp (ISO 8601 text).
        use: ``file/@USE`` (the file role), or "".
        format_name: PREMIS ``formatName``.
        format_version: PREMIS ``formatVersion``.
        format_registry_key: PRONOM PUID, or "".
    """

    path: str
    sha256: str
    size: int
    media_type: str
    created: str
    use: str = ""
    format_name: str = ""
    format_version: str = ""
    format_registry_key: str = ""


def by_path(files: Iterable[StoredFile]) -> Iterable[StoredFile]:
    """A sequence of files sorted by path; any other iterable as it comes.

    The package writer streams its files from disk in path order (issue #5): they are not put in a list.
    """
    return sorted(files, key=lambda f: f.path) if isinstance(files, Sequence) else files
