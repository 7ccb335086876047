"""Shared state, vocabularies and helpers of the E-ARK CSIP validator (``_csip_*`` modules).

The validator reads the package through three things only: :func:`scan_inventory` (one walk of
the tree that never follows symlinks), :func:`~kho.packages.formats.xmlsafe.parse_untrusted` or
:class:`~kho.packages.formats.xmlsafe.UntrustedStream`, and :func:`resolve_href` (every ``xlink:href``
is checked by ``safe_join``'s rules, style rule 17; a path the walk found as a regular file needs no
filesystem call).
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._earkxml import CSIP_NS, METS_NS, XLINK_NS, q, unhref
from kho.packages.formats.earkreport import PackageReport
from kho.packages.formats.exceptions import UnsafePathError
from kho.packages.formats.safepath import safe_join, split_relative
from kho.packages.formats.spill import SpillMap

Level = Literal["root", "representation"]
#: Called with each outermost element streamed from a package XML file (see ``validate_package``).
Observer = Callable[[etree._Element], None]


def _fold(term: str) -> str:
    """Compare vocabulary terms ignoring case, dash style and spacing ("Textual works – Print")."""
    return " ".join(term.replace("\u2013", "-").replace("\u2014", "-").casefold().split())


#: VocabularyContentCategory (CSIP 2.0.4-2.2; "Database" is the 2.0.4 appendix spelling).
CONTENT_CATEGORY = frozenset(
    _fold(t)
    for t in (
        "Textual works – Print",
        "Textual works – Digital",
        "Textual works – Electronic Serials",
        "Digital Musical Composition (score-based representations)",
        "Musical Scores - Print",
        "Musical Scores - Digital",
        "Photographs – Print",
        "Photographs – Digital",
        "Other Graphic Images – Print",
        "Other Graphic Images – Digital",
        "Microforms",
        "Audio – On Tangible Medium (digital or analog)",
        "Audio – Media-independent (digital)",
        "Motion Pictures – Digital and Physical Media",
        "Video – File-based and Physical Media",
        "Software",
        "Software and Video Games",
        "Email",
        "Datasets",
        "Geospatial Data",
        "Geographic Information System (GIS) - Vector Data",
        "GIS Raster and Georeferenced Images",
        "GIS Vector and Raster Combined",
        "Non-GIS Cartographic",
        "2D and 3D Computer Aided Design",
        "Design (schematics, architectural drawings) - Print",
        "Scanned 3D Objects (output from photogrammetry scanning)",
        "Databases",
        "Database",
        "Websites",
        "Web Archives",
        "Collection",
        "Event",
        "Image",
        "Interactive resource",
        "Moving image",
        "Sound",
        "Still image",
        "Text",
        "Physical object",
        "Service",
        "Mixed",
        "Other",
    )  # fmt: skip
)
#: VocabularyContentInformationTypeSpecification (all published versions).
CONTENT_INFORMATION_TYPE = frozenset(
    _fold(t)
    for t in (
        "ERMS",
        "SIARD1",
        "SIARD2",
        "SIARDDK",
        "GeoData",
        "GeoVectorGML",
        "GeoRasterGeotiff",
        "SMURFERMS",
        "SMURFSFSB",
        "citscarchival_v1_0",
        "citserms_v2_1",
        "citspremis_v1_0",
        "citsehpj_v1_0",
        "citsehcr_v1_0",
        "citssiard_v1_0",
        "citsgeospatial_v3_0",
        "MIXED",
        "OTHER",
    )  # fmt: skip
)
OAIS_PACKAGE_TYPES = frozenset({"SIP", "AIP", "DIP", "AIU", "AIC"})
MD_STATUS = frozenset({"CURRENT", "SUPERSEDED"})
FILEGRP_VOCABULARY = ("documentation", "schemas", "representations", "metadata")
#: METS ``@CHECKSUMTYPE`` values Kho can verify, with their hashlib names.
CHECKSUM_ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}

_IANA_TOP = frozenset(
    {"application", "audio", "font", "haptics", "image", "message", "model", "multipart", "text", "video"}
)
_MIME = re.compile(r"([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})(\s*;.*)?")
_KNOWN_MIME = frozenset(mimetypes.MimeTypes().types_map[True].values()) | {
    "application/xml", "text/xml", "application/pdf", "image/jp2", "image/tiff", "audio/mpeg", "video/mp4",
    "application/zip", "application/octet-stream", "text/csv", "application/json", "image/png", "image/jpeg",
}  # fmt: skip
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def mime_problem(value: str) -> str | None:
    """Return why ``value`` is not an IANA media type (``syntax``/``top-level``/``unregistered``), or None.

    Subtypes in the vendor, personal and ``x-`` trees and structured-syntax suffixes are accepted;
    standard-tree subtypes must be known to Python's built-in (not the system's) media type table.
    """
    m = _MIME.fullmatch(value.strip())
    if m is None:
        return "syntax"
    top, subtype = m[1].lower(), m[2].lower()
    if top not in _IANA_TOP:
        return "top-level"
    if subtype.startswith(("vnd.", "prs.", "x-", "x.")) or "+" in subtype:
        return None
    return None if f"{top}/{subtype}" in _KNOWN_MIME else "unregistered"


def in_vocabulary(value: str, vocabulary: frozenset[str]) -> bool:
    """True when ``value`` is a term of ``vocabulary`` (compared with :func:`_fold`)."""
    return _fold(value) in vocabulary


def is_other(value: str | None) -> bool:
    """True when a vocabulary attribute says ``OTHER`` (any case)."""
    return value is not None and value.strip().casefold() == "other"


def M(local: str) -> str:  # noqa: N802 - short, reads like the mets: prefix
    """Return the Clark name of a METS element."""
    return f"{{{METS_NS}}}{local}"


def X(local: str) -> str:  # noqa: N802
    """Return the Clark name of an xlink attribute."""
    return q(XLINK_NS, local)


def C(local: str) -> str:  # noqa: N802
    """Return the Clark name of a CSIP extension attribute."""
    return q(CSIP_NS, local)


@dataclass(slots=True)
class Inventory:
    """What is really in the package: regular files with sizes, directories, symlinks.

    ``files`` holds one entry per file, so it is a :class:`~kho.packages.formats.spill.SpillMap` (flat
    memory); :meth:`close` drops it.
    """

    files: MutableMapping[str, int] = field(default_factory=SpillMap)
    dirs: set[str] = field(default_factory=set)
    symlinks: set[str] = field(default_factory=set)

    def folded(self) -> SpillMap[list[str]]:
        """Map casefolded path -> real paths (for a case-insensitive fallback); the caller closes it."""
        out: SpillMap[list[str]] = SpillMap()
        for path in self.files:
            key = path.casefold()
            out[key] = [*out.get(key, []), path]
        return out

    def has_dir(self, path: str) -> bool:
        """True when a directory ``path`` exists, compared case-insensitively (CSIP64)."""
        wanted = path.strip("/").casefold()
        return any(d.casefold() == wanted for d in self.dirs)

    def under(self, prefix: str) -> list[str]:
        """Regular files whose path starts with ``prefix``."""
        return sorted(p for p in self.files if p.startswith(prefix))

    def close(self) -> None:
        """Drop the disk part of ``files``."""
        if isinstance(self.files, SpillMap):
            self.files.close()


@dataclass(frozen=True, slots=True)
class RefCodes:
    """Requirement codes for one kind of file reference: existence, size, checksum, checksum type."""

    href: str
    size: str
    checksum: str
    checksum_type: str


@dataclass(slots=True)
class FileRef:
    """One reference from a METS file to a file in the package, to check for size and checksum.

    ``actual`` is the file's size as the inventory found it.
    """

    mets: str
    path: str
    actual: int
    size: str | None
    checksum: str | None
    checksum_type: str | None
    codes: RefCodes
    section: str

    def encode(self) -> tuple[Any, ...]:
        """The reference as a tuple of plain values (what a spilled map can hold)."""
        codes = self.codes
        return (self.mets, self.path, self.actual, self.size, self.checksum, self.checksum_type,
                (codes.href, codes.size, codes.checksum, codes.checksum_type), self.section)  # fmt: skip

    @classmethod
    def decode(cls, value: tuple[Any, ...]) -> FileRef:
        """The reference :meth:`encode` gave ``value`` for."""
        mets, path, actual, size, checksum, checksum_type, codes, section = value
        return cls(mets, path, actual, size, checksum, checksum_type, RefCodes(*codes), section)


class RefList:
    """The file references of one run, in order, kept in a spilled map (one entry per referenced file).

    :meth:`extend` splices another list in without copying it: the references of a METS file's streamed
    file group take their place in the order of the whole document.
    """

    def __init__(self) -> None:
        self._items: SpillMap[tuple[Any, ...]] = SpillMap()
        self._parts: list[RefList | int] = []  # in order: a run of that many own items, or a spliced list
        self._count = 0

    def append(self, ref: FileRef) -> None:
        """Add ``ref`` at the end."""
        self._items[str(self._count)] = ref.encode()
        self._count += 1
        if self._parts and isinstance(self._parts[-1], int):
            self._parts[-1] += 1
        else:
            self._parts.append(1)

    def extend(self, other: RefList) -> None:
        """Add every reference of ``other`` at the end (``other`` must not change afterwards)."""
        self._parts.append(other)

    def __iter__(self) -> Iterator[FileRef]:
        own = iter(self._items.values())
        for part in self._parts:
            if isinstance(part, RefList):
                yield from part
            else:
                yield from (FileRef.decode(value) for value in islice(own, part))

    def close(self) -> None:
        """Drop the disk parts of this list and of the lists spliced in."""
        self._items.close()
        for part in self._parts:
            if isinstance(part, RefList):
                part.close()


@dataclass(slots=True)
class MetsDoc:
    """A parsed METS file and where it sits: ``base`` is its folder ("" or ``representations/x/``).

    ``groups`` is None when ``root`` is the whole tree. A METS file validated as a stream keeps no
    ``mets:file`` elements (they grow with the package): each was checked as it passed, and ``groups``
    holds what that gave for each top file group (see :class:`GroupFiles`).
    """

    path: str
    base: str
    root: etree._Element
    level: Level
    folder: str
    groups: dict[etree._Element, GroupFiles] | None = None


@dataclass(slots=True)
class Context:
    """State shared by the rule modules during one validation run."""

    root: Path
    schema_dir: Path
    report: PackageReport
    inventory: Inventory
    now: datetime
    refs: RefList = field(default_factory=RefList)
    docs: list[MetsDoc] = field(default_factory=list)
    digests: MutableMapping[str, dict[str, str]] = field(default_factory=SpillMap)  # hashed here, not ``known``
    referenced: MutableMapping[str, int] = field(default_factory=SpillMap)  # see ``check_fixity``
    unreadable: set[str] = field(default_factory=set)
    known: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    observers: Mapping[str, Observer] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    _folded: SpillMap[list[str]] | None = None

    def folded(self) -> Mapping[str, list[str]]:
        """Cached :meth:`Inventory.folded`."""
        if self._folded is None:
            self._folded = self.inventory.folded()
        return self._folded

    def close(self) -> None:
        """Drop every spilled map of the run."""
        for closable in (self.inventory, self.refs, self.digests, self.referenced, self._folded):
            if isinstance(closable, Inventory | RefList | SpillMap):
                closable.close()


@dataclass(slots=True)
class GroupFiles:
    """The ``mets:file`` elements of one top file group, checked while their METS file streamed past.

    ``context`` is the run's context with a report and a reference list of its own: the findings and
    references wait there until the file section's rules reach the group, so that the report lists them
    in the same order as for a METS file parsed whole.
    """

    context: Context

    @classmethod
    def of(cls, ctx: Context) -> GroupFiles:
        """Start collecting for one group of the run ``ctx``."""
        return cls(replace(ctx, report=PackageReport(path=ctx.report.path), refs=RefList()))


def scan_inventory(root: Path, report: PackageReport) -> Inventory:
    """Walk the package once without following symlinks; report symlinks and special files.

    Every symlink is an error (``KHO-SYMLINK``) even if it points inside the package: a package must
    be self-contained regular files. Devices, FIFOs and sockets are ``KHO-SPECIAL-FILE`` errors.
    """
    inventory = Inventory()
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            entries = sorted(os.scandir(os.path.join(root, rel_dir)), key=lambda e: e.name)  # noqa: PTH118
        except OSError as exc:
            report.error("KHO-UNREADABLE", rel_dir or ".", N_("Cannot read folder %(path)s: %(error)s"), error=str(exc))
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                inventory.symlinks.add(rel)
                report.error("KHO-SYMLINK", rel, N_("%(path)s is a symbolic link; packages must hold regular files."))
            elif stat.S_ISDIR(mode):
                inventory.dirs.add(rel)
                stack.append(rel)
            elif stat.S_ISREG(mode):
                inventory.files[rel] = entry.stat(follow_symlinks=False).st_size
            else:
                report.error("KHO-SPECIAL-FILE", rel, N_("%(path)s is not a regular file."))
    return inventory


def resolve_href(ctx: Context, doc: MetsDoc, value: str, code: str) -> tuple[str, int] | None:
    """Turn an ``xlink:href`` of ``doc`` into an existing package path, or report why not.

    The href is percent-decoded and taken relative to the METS file's folder. Absolute URLs, ``/``
    paths, ``..`` and anything ``safe_join`` refuses give ``KHO-PATH-UNSAFE``; a symlink target is
    already reported by the inventory; a name that exists only in another letter case is a
    ``KHO-HREF-CASE`` warning and is used; a missing file is an error with ``code``.

    Returns:
        The package path of the existing regular file and its size, or None.
    """
    report = ctx.report
    if _SCHEME.match(value) or value.startswith(("/", "\\")):
        report.error("KHO-PATH-UNSAFE", doc.path, N_("%(path)s refers outside the package: %(href)r."), href=value)
        return None
    relative = doc.base + unhref(value)
    try:
        path = "/".join(split_relative(relative))
        size = ctx.inventory.files.get(path)
        if size is not None:
            return path, size  # found by the inventory's walk, which follows no link: no filesystem call needed
        safe_join(ctx.root, relative, ctx.dirs)  # a link on the way must not lead out of the package
    except UnsafePathError as exc:
        report.error(
            "KHO-PATH-UNSAFE", doc.path, N_("%(path)s has an unsafe reference %(href)r (%(reason)s)."),
            href=value, reason=exc.reason,
        )  # fmt: skip
        return None
    if path in ctx.inventory.symlinks:
        return None
    candidates = ctx.folded().get(path.casefold(), [])
    if len(candidates) == 1:
        report.warning(
            "KHO-HREF-CASE", doc.path, N_("%(path)s refers to %(href)r, found only as %(actual)s."),
            href=value, actual=candidates[0],
        )  # fmt: skip
        return candidates[0], ctx.inventory.files[candidates[0]]
    report.error(code, doc.path, N_("%(path)s refers to %(href)r, which is not a file in the package."), href=value)
    return None


def amd_ids(root: etree._Element) -> list[str]:
    """IDs of the administrative metadata sections (children of every ``amdSec``)."""
    return [
        child.get("ID", "")
        for amd in root.iterchildren(M("amdSec"))
        for child in amd
        if child.tag in (M("techMD"), M("rightsMD"), M("sourceMD"), M("digiprovMD")) and child.get("ID")
    ]


def dmd_ids(root: etree._Element) -> list[str]:
    """IDs of the descriptive metadata sections."""
    return [dmd.get("ID", "") for dmd in root.iterchildren(M("dmdSec")) if dmd.get("ID")]


def top_file_groups(root: etree._Element) -> list[etree._Element]:
    """``mets/fileSec/fileGrp`` elements (not nested groups)."""
    return [grp for sec in root.iterchildren(M("fileSec")) for grp in sec.iterchildren(M("fileGrp"))]
