"""The one way to parse XML read from a package: no DTD, no entities, no network, bounded trees.

:func:`parse_untrusted` refuses any DOCTYPE before libxml2 sees it (a prolog scan that understands
the XML byte-order marks), then parses with ``resolve_entities=False``, ``load_dtd=False``,
``no_network=True`` and ``huge_tree=False``, and checks the parsed document again. So an XXE payload
(``<!ENTITY e SYSTEM "file:///etc/passwd">``), a "billion laughs" entity bomb and an external DTD
are all refused with :class:`UnsafeXmlError` naming the file, and nothing is fetched or expanded.
Package XML (METS, PREMIS, EAD in their XSD flavours) never needs a DOCTYPE.

Paths must already have passed :func:`kho.packages.formats.safepath.safe_join` (style rule 17).
The file is opened by Python, not by libxml2, so a name is never interpreted as a URL.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Collection, Iterator
from typing import IO

from lxml import etree

from kho.packages.formats import spill
from kho.packages.formats.eark_errors import MalformedXmlError, UnsafeXmlError
from kho.packages.formats.hashing import SeenFilter

__all__ = [
    "PROLOG_LIMIT",
    "StreamIncompleteError",
    "UntrustedStream",
    "iter_untrusted",
    "parse_untrusted",
    "root_tag",
    "safe_parser",
]

#: A prolog (XML declaration, comments, PIs) longer than this is refused: real package XML has a few lines.
PROLOG_LIMIT = 256 * 1024
_CHUNK = 16 * 1024

# XML 1.0 Appendix F: byte-order marks and the first bytes of "<?" in the encodings libxml2 knows.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00\x00\x00\x3c", "utf-32-be"),
    (b"\x3c\x00\x00\x00", "utf-32-le"),
    (b"\x00\x3c\x00\x3f", "utf-16-be"),
    (b"\x3c\x00\x3f\x00", "utf-16-le"),
    (b"\x00\x3c", "utf-16-be"),  # no declaration: "<" of a DOCTYPE, comment or root element
    (b"\x3c\x00", "utf-16-le"),
)
_EBCDIC = b"\x4c\x6f\xa7\x94"
_EXTERNAL_ID = re.compile(r"<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b")


def safe_parser() -> etree.XMLParser:
    """Return a new parser with every dangerous feature off (one per call: parsers are not thread-safe)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        collect_ids=True,
    )


def _codec(head: bytes) -> str:
    """Return the Python codec for the XML's first bytes (ASCII-compatible encodings scan as latin-1)."""
    if head.startswith(_EBCDIC):
        return "ebcdic"
    for signature, codec in _SIGNATURES:
        if head.startswith(signature):
            return codec
    return "latin-1"


def _scan_prolog(stream: IO[bytes], name: str) -> None:
    """Read the prolog up to the root element's ``<`` and refuse a DOCTYPE or an odd encoding.

    Raises:
        UnsafeXmlError: A ``<!DOCTYPE`` (or ``<!ENTITY``) before the root element, an EBCDIC file,
            or a prolog longer than :data:`PROLOG_LIMIT`.
    """
    head = stream.read(_CHUNK)
    codec = _codec(head)
    if codec == "ebcdic":
        raise UnsafeXmlError(name, "encoding")
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    text = decoder.decode(head).lstrip("\ufeff")
    consumed = len(head)
    while True:
        verdict = _prolog_verdict(text)
        if verdict == "root":
            return
        if verdict in ("doctype", "entity"):
            raise UnsafeXmlError(name, _doctype_reason(text))
        more = stream.read(_CHUNK)
        if not more:
            return  # no root element: the parser reports the file as malformed
        consumed += len(more)
        if consumed > PROLOG_LIMIT:
            raise UnsafeXmlError(name, "prolog")
        text += decoder.decode(more)


def _doctype_reason(text: str) -> str:
    """Name what the refused DOCTYPE carries: ``entity``, ``external-dtd`` or plain ``doctype``."""
    if "<!ENTITY" in text:
        return "entity"
    if _EXTERNAL_ID.search(text):
        return "external-dtd"
    return "doctype"


def _prolog_verdict(text: str) -> str:
    """Walk the prolog in ``text``: ``root``, ``doctype``, ``entity`` or ``more`` (need more text)."""
    pos = 0
    size = len(text)
    while pos < size:
        if text[pos] in " \t\r\n":
            pos += 1
            continue
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                return "more"
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return "more"
            pos = end + 3
        elif text.startswith("<!", pos):
            if size - pos < 9:
                return "more"
            return "doctype" if text.startswith("<!DOCTYPE", pos) else "entity"
        else:
            return "root"  # the root element (or junk the parser will reject)
    return "more"


def parse_untrusted(path: str | os.PathLike[str]) -> etree._ElementTree:
    """Parse one XML file from a package safely.

    Args:
        path: The file; it must already have passed ``safe_join``.

    Returns:
        The parsed tree.

    Raises:
        UnsafeXmlError: The file has a DOCTYPE (internal subset, entity declarations or an external
            DTD), an EBCDIC encoding, an oversized prolog, or trips libxml2's entity-amplification guard.
        MalformedXmlError: The file cannot be read or is not well-formed XML.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as stream:  # noqa: PTH123 - one open for scan and parse
            _scan_prolog(stream, name)
            stream.seek(0)
            tree = etree.parse(stream, safe_parser())
    except etree.XMLSyntaxError as exc:
        detail = str(exc)
        if "amplification" in detail:
            raise UnsafeXmlError(name, "entity") from exc
        raise MalformedXmlError(name, detail) from exc
    except OSError as exc:
        raise MalformedXmlError(name, exc.strerror or type(exc).__name__) from exc
    docinfo = tree.docinfo
    doctype = getattr(docinfo, "doctype", "")  # lxml-stubs lack doctype/system_url
    if doctype or docinfo.internalDTD is not None or getattr(docinfo, "system_url", None) or docinfo.public_id:
        # Belt and braces: the prolog scan should already have refused this.
        raise UnsafeXmlError(name, "doctype")
    return tree


class StreamIncompleteError(ValueError):
    """A streamed document cannot be judged as a stream; parse it as a tree to say why.

    It ended before its root element did, or it repeats an ID value (libxml2 checks ``xs:ID``
    uniqueness only on a tree).
    """


#: Attributes typed ``xs:ID`` in the package schemas (EAD ``id``, PREMIS ``xmlID``, ``xml:id``).
ID_ATTRIBUTES = ("id", "xmlID", "ID", "xml:id")


_SAFE_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def root_tag(path: str | os.PathLike[str]) -> str:
    """Return the Clark name of the root element, reading only the file's beginning (checked like below).

    Raises:
        UnsafeXmlError: As :func:`parse_untrusted`.
        MalformedXmlError: The file cannot be read or has no well-formed start.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as stream:  # noqa: PTH123 - one open for scan and parse
            _scan_prolog(stream, name)
            stream.seek(0)
            tag = _first_tag(stream)
    except etree.XMLSyntaxError as exc:
        raise MalformedXmlError(name, str(exc)) from exc
    except OSError as exc:
        raise MalformedXmlError(name, exc.strerror or type(exc).__name__) from exc
    if tag is None:
        raise MalformedXmlError(name, "no root element")
    return tag


def iter_untrusted(
    path: str | os.PathLike[str], tags: Collection[str], schema: etree.XMLSchema | None = None
) -> Iterator[etree._Element]:
    """Parse a package XML file as a stream, with the safeguards of :func:`parse_untrusted`.

    The same as iterating over :class:`UntrustedStream` (see there), for a caller that needs no root.
    """
    yield from UntrustedStream(path, tags, schema)


class UntrustedStream:
    """One package XML file parsed as a stream, with the safeguards of :func:`parse_untrusted`.

    Iterating yields every complete element whose tag is in ``tags`` and whose parent's is not (the
    outermost ones; nested ones are inside it); when the caller asks for the next one, that element and
    everything before it is dropped, so memory does not grow with the document. libxml2 filters the tags,
    so elements of no interest cost no Python call. With ``schema`` the document is validated while it is
    read (libxml2 validates the event stream; it needs no tree). Streaming validation does not see a
    repeated ``xs:ID`` value, so the values of :data:`ID_ATTRIBUTES` are collected (in a spilled set) and
    a repeat raises :class:`StreamIncompleteError`. After a complete iteration :attr:`root` is the root
    element with everything that was not dropped (a METS file without its ``mets:file`` elements: what the
    rules about the document's other parts read).

    Iteration raises:
        UnsafeXmlError: As :func:`parse_untrusted` (checked before the parser starts).
        etree.XMLSyntaxError: The document is not well-formed (or truncated) or not valid against
            ``schema``; parse it with :func:`parse_untrusted` to list every problem.
        StreamIncompleteError: An ID value repeats, or no root element was read.
        OSError: The file cannot be read.
    """

    def __init__(
        self, path: str | os.PathLike[str], tags: Collection[str], schema: etree.XMLSchema | None = None
    ) -> None:
        self.name = os.fspath(path)
        self.tags = frozenset(tags)
        self.schema = schema
        self.root: etree._Element | None = None

    def __iter__(self) -> Iterator[etree._Element]:
        name, wanted = self.name, self.tags
        ids = _Ids()  # one ID per file in METS and EAD: a spilled set keeps the memory flat
        with ids.found, open(name, "rb") as stream:  # noqa: PTH123 - one open for scan and parse
            _scan_prolog(stream, name)
            stream.seek(0)
            first = _first_tag(stream)
            stream.seek(0)
            # The root's end is asked for too: with a schema and resolve_entities=False, lxml 6 does not
            # raise for a document that just stops (truncated, root never closed); its missing end shows it.
            tags = tuple(wanted | {first}) if first else tuple(wanted)
            events = etree.iterparse(stream, events=("end",), tag=tags, schema=self.schema, **_SAFE_OPTIONS)
            closed = False
            for _event, element in events:
                parent = element.getparent()
                closed = parent is None
                if element.tag not in wanted or (parent is not None and parent.tag in wanted):
                    continue  # the root, a namesake of it, or part of an outer element yielded when it ends
                yield element
                _collect_ids(name, element, ids)
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]  # a previous sibling means a parent
            if events.root is None or not closed:
                raise StreamIncompleteError(name)
            self._finish(events.root, ids)

    def _finish(self, root: etree._Element, ids: _Ids) -> None:
        """Check what was not dropped (the root and the elements around) and keep the root."""
        _collect_ids(self.name, root, ids)
        docinfo = root.getroottree().docinfo
        if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None or docinfo.public_id:
            raise UnsafeXmlError(self.name, "doctype")
        self.root = root


def _first_tag(stream: IO[bytes]) -> str | None:
    """The Clark name of the first element read from ``stream`` (its root), or None if it has none.

    Raises:
        etree.XMLSyntaxError: The start of the document is not well-formed.
    """
    for _event, element in etree.iterparse(stream, events=("start",), **_SAFE_OPTIONS):
        return str(element.tag)
    return None


_ID_XPATH = etree.XPath(" | ".join(f"descendant-or-self::*/@{a}" for a in ("id", "xmlID", "ID", "xml:id")))


class _Ids:
    """The ID values of one document: a spilled set, asked only when the filter cannot tell a new ID."""

    def __init__(self) -> None:
        self.found: spill.SpillSet = spill.SpillSet()
        self.seen = SeenFilter()

    def add(self, text: str) -> bool:
        """Remember ``text``; return False when it was there already."""
        if self.seen.add(text) and text in self.found:
            return False
        self.found.add(text)
        return True


def _collect_ids(name: str, element: etree._Element, ids: _Ids) -> None:
    """Add the ID attribute values in ``element``'s subtree to ``ids``; a repeat raises StreamIncompleteError."""
    for value in _ID_XPATH(element):  # type: ignore[union-attr]  # an attribute XPath gives a list of strings
        if not ids.add(str(value)):
            raise StreamIncompleteError(name)
