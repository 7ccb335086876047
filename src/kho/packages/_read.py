"""Read what a received package says about itself: METS file lists, EAD records and documents, JSON files.

Every file is reached through ``safe_join`` and every XML file is streamed with ``iter_untrusted`` (style
rule 17; memory does not grow with the package); unusable files are skipped here because the BagIt and
E-ARK validators already report them.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Collection, Iterator, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote as unhref

from lxml import etree

from kho.packages._sidecar import Sidecar, SidecarError, read_sidecar
from kho.packages.formats import PackageFormatError, safe_join, spill
from kho.packages.formats.spill import SpillMap
from kho.packages.formats.xmlsafe import StreamIncompleteError, iter_untrusted
from kho.packages.layout import MAX_JSON_BYTES

__all__ = ["EadFacts", "FactsCollector", "MetsFacts", "read_ead", "read_json", "read_mets", "read_sidecar_file"]

_EAD_PATH = "metadata/descriptive/EAD.xml"
METS_NS = "http://www.loc.gov/METS/"
EAD_NS = "urn:isbn:1-931666-22-9"
XLINK_NS = "http://www.w3.org/1999/xlink"
_METS_FILE = f"{{{METS_NS}}}file"
_EAD_C = f"{{{EAD_NS}}}c"


@dataclass(slots=True)
class MetsFacts:
    """Content files listed by the representation METS files: package path -> (sha256 hex, size).

    ``files`` holds one entry per file, so it is a :class:`~kho.packages.formats.spill.SpillMap` (flat
    memory); :meth:`close` drops it.
    """

    files: MutableMapping[str, tuple[str, int]] = field(default_factory=SpillMap)
    readable: bool = True

    def close(self) -> None:
        """Drop the disk part of ``files``."""
        if isinstance(self.files, spill.SpillMap):
            self.files.close()


@dataclass(slots=True)
class EadFacts:
    """Records and documents described in EAD, and the files each document links to (``dao``).

    ``records`` (code -> document ids) and ``daos`` (document id -> paths) grow with the package, so they
    are spilling maps (:class:`~kho.packages.formats.spill.SpillMap`): change an entry by storing it again,
    never in place; :meth:`close` drops them.
    """

    records: MutableMapping[str, list[str]] = field(default_factory=SpillMap)
    daos: MutableMapping[str, set[str]] = field(default_factory=SpillMap)
    documents: int = 0
    readable: bool = True

    def close(self) -> None:
        """Drop the disk parts of ``records`` and ``daos``."""
        for found in (self.records, self.daos):
            if isinstance(found, spill.SpillMap):
                found.close()


def _stream(root: Path, rel: str, tag: str) -> Iterator[etree._Element]:
    """The outermost ``tag`` elements of one package XML file, streamed safely (flat memory).

    Raises:
        _Unreadable: The file is missing, unsafe or malformed (the validators report why).
    """
    try:
        yield from iter_untrusted(safe_join(root, rel), (tag,))
    except (PackageFormatError, etree.XMLSyntaxError, StreamIncompleteError, OSError) as exc:
        raise _Unreadable from exc


class _Unreadable(Exception):  # noqa: N818 - private control flow, never leaves this module
    """A package XML file could not be read to the end."""


def _representations(package: Path) -> list[str]:
    reps = package / "representations"
    return sorted(p.name for p in reps.iterdir() if p.is_dir() and not p.is_symlink()) if reps.is_dir() else []


def read_mets(package: Path) -> MetsFacts:
    """Collect every ``mets:file`` of every ``representations/<name>/METS.xml``.

    Streamed a ``mets:file`` at a time, so memory stays flat.
    """
    facts = MetsFacts()
    for name in _representations(package):
        try:
            for outer in _stream(package, f"representations/{name}/METS.xml", _METS_FILE):
                _mets_files(facts, name, outer)
        except _Unreadable:
            facts.readable = False
    return facts


def _mets_files(facts: MetsFacts, representation: str, outer: etree._Element) -> None:
    for node in outer.iter(_METS_FILE):  # a mets:file may hold mets:file
        _mets_file(facts, representation, node)


def _mets_file(facts: MetsFacts, representation: str, node: etree._Element) -> None:
    location = node.find(f"{{{METS_NS}}}FLocat")
    href = location.get(f"{{{XLINK_NS}}}href") if location is not None else None
    if not href:
        return
    path = posixpath.normpath(f"representations/{representation}/{unhref(href)}")
    size = node.get("SIZE", "")
    facts.files[path] = ((node.get("CHECKSUM") or "").lower(), int(size) if size.isdigit() else -1)


def _unitid(component: etree._Element, kind: str) -> str:
    node = component.find(f"{{{EAD_NS}}}did/{{{EAD_NS}}}unitid[@type='{kind}']")
    return (node.text or "").strip() if node is not None else ""


def read_ead(package: Path) -> EadFacts:
    """Collect record codes (``c[@level='file']``), their document ids and each document's ``dao`` paths.

    Streamed an outermost component (``c``) at a time, so memory does not grow with the EAD.
    """
    facts = EadFacts()
    try:
        for element in _stream(package, _EAD_PATH, _EAD_C):
            _ead_records(facts, element)
    except _Unreadable:
        facts.readable = False
    return facts


def _ead_records(facts: EadFacts, element: etree._Element) -> None:
    for record in element.iter(_EAD_C):
        if record.get("level") == "file":
            _ead_record(facts, record)


def _ead_record(facts: EadFacts, record: etree._Element) -> None:
    base = posixpath.dirname(_EAD_PATH)
    code = _unitid(record, "fileCode")
    docs = facts.records.get(code, [])
    for doc in record.iter(_EAD_C):
        if doc.get("level") != "item":
            continue
        doc_id = _unitid(doc, "docId")
        docs.append(doc_id)
        facts.documents += 1
        hrefs = (dao.get(f"{{{XLINK_NS}}}href") or "" for dao in doc.iterfind(f"{{{EAD_NS}}}did/{{{EAD_NS}}}dao"))
        facts.daos[doc_id] = {posixpath.normpath(posixpath.join(base, unhref(h))) for h in hrefs if h}
    facts.records[code] = docs  # stored again: a spilled map keeps no reference to its values


class FactsCollector:
    """METS and EAD facts gathered while the E-ARK validator streams those files, so each is parsed once.

    :meth:`observers` is passed to ``validate_package``; :meth:`facts` then keeps what was observed of
    every file the validator saw whole (``report.observed``) and reads any other file itself (the
    validator may have seen only part of it, or parsed it as a tree).
    """

    def __init__(self, package: Path) -> None:
        self.package = package
        self.names = _representations(package)
        self.mets = MetsFacts()
        self.ead = EadFacts()

    def observers(self) -> dict[str, Callable[[etree._Element], None]]:
        """Callbacks by package path, for ``validate_package(observers=...)``."""
        found: dict[str, Callable[[etree._Element], None]] = {_EAD_PATH: partial(_ead_records, self.ead)}
        for name in self.names:
            found[f"representations/{name}/METS.xml"] = partial(_mets_files, self.mets, name)
        return found

    def facts(self, observed: Collection[str]) -> tuple[MetsFacts, EadFacts]:
        """The METS and EAD facts: observed where the whole file was seen, else read again."""
        mets_paths = [f"representations/{name}/METS.xml" for name in self.names]
        mets, ead = self.mets, self.ead
        if not all(path in observed for path in mets_paths):
            mets.close()
            mets = read_mets(self.package)
        if _EAD_PATH not in observed:
            ead.close()
            ead = read_ead(self.package)
        return mets, ead


def _json_file(root: Path, rel: str) -> tuple[Path | None, str]:
    """The path of a package JSON file, or None and why it cannot be read (missing, unsafe, too large).

    Raises:
        OSError: The file cannot be examined.
    """
    try:
        path = safe_join(root, rel)
    except PackageFormatError:
        return None, "unsafe path"
    if path.is_symlink() or not path.is_file():
        return None, "missing"
    if path.stat().st_size > MAX_JSON_BYTES:
        return None, "too large"
    return path, ""


def read_json(root: Path, rel: str) -> tuple[dict[str, Any] | None, str]:
    """Load a JSON object from the package; return it, or None and the reason it cannot be used."""
    try:
        path, problem = _json_file(root, rel)
        if path is None:
            return None, problem
        with path.open("rb") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        return None, type(exc).__name__
    if not isinstance(data, dict):
        return None, "not a JSON object"
    return data, ""


def read_sidecar_file(root: Path, rel: str) -> tuple[tuple[Sidecar, str] | None, str]:
    """Index the package's sidecar lazily (see :mod:`kho.packages._sidecar`); return it with its digest.

    Returns None and the reason when it cannot be used: missing, unsafe path, too large, unreadable, or
    not a well-formed UTF-8 JSON object (the reason then says what is wrong and at which byte).
    """
    try:
        path, problem = _json_file(root, rel)
        return (read_sidecar(path), "") if path is not None else (None, problem)
    except SidecarError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, type(exc).__name__
