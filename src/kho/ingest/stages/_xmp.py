"""Reading the PDF/A identification and document properties from an XMP packet."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

__all__ = ["PDFAID_NS", "XmpError", "XmpFacts", "read_xmp"]

PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XPACKET = re.compile(r"<\?xpacket\b[^?]*\?>")
_FORBIDDEN_XPACKET_ATTRS = re.compile(r"\b(bytes|encoding)\s*=")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^?]*\?>")
# XMP may be UTF-8, UTF-16 or UTF-32 (XMP part 1, 7.3); expat does not read UTF-32.
_ENCODINGS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
# Document information entries and their XMP equivalents (ISO 19005-1 6.7.3, table 1).
PROPERTIES: dict[str, tuple[str, str]] = {
    "dc:title": ("http://purl.org/dc/elements/1.1/", "title"),
    "dc:creator": ("http://purl.org/dc/elements/1.1/", "creator"),
    "dc:description": ("http://purl.org/dc/elements/1.1/", "description"),
    "pdf:Keywords": ("http://ns.adobe.com/pdf/1.3/", "Keywords"),
    "pdf:Producer": ("http://ns.adobe.com/pdf/1.3/", "Producer"),
    "xmp:CreatorTool": ("http://ns.adobe.com/xap/1.0/", "CreatorTool"),
    "xmp:CreateDate": ("http://ns.adobe.com/xap/1.0/", "CreateDate"),
    "xmp:ModifyDate": ("http://ns.adobe.com/xap/1.0/", "ModifyDate"),
}


class XmpError(ValueError):
    """The XMP packet is not well-formed XML (or uses forbidden XML constructs)."""


@dataclass(frozen=True, slots=True)
class XmpFacts:
    """What the PDF/A checks need from an XMP packet.

    Attributes:
        part: ``pdfaid:part`` as written, None if absent.
        conformance: ``pdfaid:conformance`` as written, None if absent.
        prefixes: Every prefix bound to the pdfaid namespace (PDF/A requires ``pdfaid``).
        forbidden_xpacket_attrs: The ``<?xpacket?>`` header uses ``bytes=`` or ``encoding=``.
        properties: Values of the :data:`PROPERTIES` present; lists for ordered/unordered arrays.
    """

    part: str | None
    conformance: str | None
    prefixes: frozenset[str]
    forbidden_xpacket_attrs: bool
    properties: dict[str, str | list[str]] = field(default_factory=dict)


def read_xmp(raw: bytes) -> XmpFacts:
    """Parse an XMP packet.

    Raises:
        XmpError: The packet is not well-formed XML.
    """
    encoding = next((name for bom, name in _ENCODINGS if raw.startswith(bom)), "utf-8")
    try:
        text = raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise XmpError(str(exc)) from exc
    header = _XPACKET.search(text[:512])
    forbidden = bool(header and _FORBIDDEN_XPACKET_ATTRS.search(header.group(0)))
    data = _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    try:
        root = fromstring(data)
        prefixes = frozenset(
            prefix for _, (prefix, uri) in iterparse(io.BytesIO(data), events=("start-ns",)) if uri == PDFAID_NS
        )
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise XmpError(str(exc)) from exc
    return XmpFacts(
        part=_simple_value(root, PDFAID_NS, "part"),
        conformance=_simple_value(root, PDFAID_NS, "conformance"),
        prefixes=prefixes,
        forbidden_xpacket_attrs=forbidden,
        properties=_properties(root),
    )


def _simple_value(root: Element, namespace: str, name: str) -> str | None:
    qualified = f"{{{namespace}}}{name}"
    for element in root.iter():
        if qualified in element.attrib:
            return element.attrib[qualified].strip()
        if element.tag == qualified:
            return (element.text or "").strip()
    return None


def _properties(root: Element) -> dict[str, str | list[str]]:
    found: dict[str, str | list[str]] = {}
    for key, (namespace, name) in PROPERTIES.items():
        qualified = f"{{{namespace}}}{name}"
        for element in root.iter():
            if qualified in element.attrib:
                found[key] = element.attrib[qualified]
                break
            if element.tag == qualified:
                found[key] = _element_value(element)
                break
    return found


def _element_value(element: Element) -> str | list[str]:
    """A simple value, or the items of an rdf:Seq/Bag, or the x-default item of an rdf:Alt."""
    for container in element:
        items = [item for item in container if item.tag == f"{{{_RDF}}}li"]
        if container.tag == f"{{{_RDF}}}Alt":
            default = [i for i in items if i.get(_XML_LANG) == "x-default"] or items
            return (default[0].text or "") if default else ""
        if container.tag in {f"{{{_RDF}}}Seq", f"{{{_RDF}}}Bag"}:
            return [item.text or "" for item in items]
    return element.text or ""
