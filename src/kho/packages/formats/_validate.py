"""BagIt validator: gathers every problem of a bag into a :class:`BagReport` (style rule 13).

Order: scan the tree once (symlinks and special files are errors, never followed), check bagit.txt,
bag-info.txt and fetch.txt, load every manifest and tag manifest, compare them with the tree
(completeness, Payload-Oxum), then hash every listed file once for all its algorithms on a bounded
thread pool. Conformance-suite rules are documented where they are not obvious from RFC 8493.

Every per-file map (the payload files found, each manifest's entries, the names compared for collisions,
the digests in the report) is a :class:`~kho.packages.formats.spill.SpillMap`, so memory stays flat however
many files the bag holds; passes over them are few, and lookups that would mostly miss are filtered first.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kho.core.text import N_, nfc
from kho.packages.formats._manifest import (
    decode_path,
    iter_text_lines,
    literal_percent_sequences,
    parse_manifest_line,
)
from kho.packages.formats._tagchecks import (
    Declaration,
    check_bag_info,
    check_bagit_txt,
    check_fetch,
    check_path,
)
from kho.packages.formats.exceptions import UnsafePathError
from kho.packages.formats.hashing import DIGEST_HEX_LENGTH, SeenFilter, hash_many
from kho.packages.formats.report import BagReport
from kho.packages.formats.safepath import split_relative
from kho.packages.formats.spill import SpillMap

__all__ = ["SYSTEM_FILE_NAMES", "is_valid_bag", "validate_bag"]

_MANIFEST_NAME = re.compile(r"(?P<tag>tag)?manifest-(?P<alg>[A-Za-z0-9_]+)\.txt")
_HEX = re.compile(r"[0-9a-f]+")
_OXUM = re.compile(r"(?P<octets>\d+)\.(?P<count>\d+)")
#: File names that operating systems drop into folders; their presence in a payload is a warning.
SYSTEM_FILE_NAMES = frozenset(
    {
        ".ds_store",
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        ".spotlight-v100",
        ".trashes",
        ".fseventsd",
        "icon\r",
    }
)


@dataclass(slots=True)
class _Tree:
    """What is on disk: regular files under data/ (with sizes, in a spilled map), tag files, symlinks."""

    payload: MutableMapping[str, int] = field(default_factory=SpillMap)
    tags: set[str] = field(default_factory=set)
    symlinks: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Manifest:
    """One loaded (tag) manifest.

    Attributes:
        entries: Decoded relative path -> (lower-case digest, where the scan found the file: its size for a
            payload file, -1 for a tag file, None when it found none), in a spilled map.
        present: How many entries the scan found as payload files.
    """

    name: str
    algorithm: str
    entries: MutableMapping[str, tuple[str, int | None]] = field(default_factory=SpillMap)
    present: int = 0
    seen: SeenFilter = field(default_factory=SeenFilter, repr=False)  # spares a lookup per new entry


#: A hashing job's key: the path and every ``(manifest, digest)`` listing it.
_Job = tuple[str, list[tuple["_Manifest", str]]]


def _is_system_file(rel: str) -> bool:
    """True for .DS_Store, Thumbs.db, AppleDouble ``._x`` and similar OS litter."""
    name = rel.rsplit("/", 1)[-1]
    return name.lower() in SYSTEM_FILE_NAMES or name.startswith("._")


class _Validator:
    """One validation run; every method appends to ``self.report`` and never raises for bag content."""

    def __init__(self, root: Path, *, fast: bool, workers: int | None) -> None:
        self.root = root
        self.fast = fast
        self.workers = workers
        self.report = BagReport(path=str(root))
        self.tree = _Tree()
        self.decl = Declaration()
        # The path to open of a listed file the scan did not find (checked by safe_join); else root + path.
        self.paths: dict[str, str] = {}
        self.dirs: set[str] = set()  # folders safe_join found to be real (this run only)
        self.listed_bytes = 0  # size of the listed payload files found on disk
        self.maps: list[MutableMapping[str, Any]] = [self.tree.payload]  # spilled maps to close at the end

    def run(self) -> BagReport:
        """Run every check and return the report."""
        if not self.root.is_dir():
            self.report.error("bag.not_a_directory", None, N_("%(bag)s is not a directory."), bag=str(self.root))
            return self.report
        try:
            self._run()
        finally:
            for found in self.maps:
                if isinstance(found, SpillMap):
                    found.close()
        return self.report

    def _run(self) -> None:
        self._scan()
        self.decl = check_bagit_txt(self.root, self.report)
        info = check_bag_info(self.root, self.decl, self.report)
        fetch = check_fetch(self.root, self.decl, self.report)
        manifests = self._load_all(tag=False)
        tagmanifests = self._load_all(tag=True)
        pending = self._check_completeness(manifests, fetch)
        self._check_oxum(info.get("payload-oxum"), pending)
        self._check_tag_presence(tagmanifests)
        if not self.fast:
            self._check_fixity(manifests + tagmanifests)

    # -- tree -------------------------------------------------------------------------------------

    def _scan(self) -> None:
        """Walk the bag without following symlinks, recording files, symlinks and special files."""
        stack: list[tuple[str, str]] = [(str(self.root), "")]
        while stack:
            directory, prefix = stack.pop()
            try:
                with os.scandir(directory) as it:
                    for entry in it:
                        self._scan_entry(entry, prefix + entry.name, stack)
            except OSError as exc:
                self.report.error(
                    "bag.unreadable",
                    prefix.rstrip("/") or ".",
                    N_("%(path)s cannot be listed: %(error)s."),
                    error=exc.strerror or "",
                )
        if not (self.root / "data").is_dir() or "data" in self.tree.symlinks:
            self.report.error("payload.directory_missing", "data", N_("The bag has no data/ payload directory."))

    def _scan_entry(self, entry: os.DirEntry[str], rel: str, stack: list[tuple[str, str]]) -> None:
        """Classify one directory entry found by :meth:`_scan`."""
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            self.tree.symlinks.add(rel)
            self.report.error("bag.symlink", rel, N_("%(path)s is a symbolic link; bags must not contain links."))
        elif stat.S_ISDIR(mode):
            stack.append((entry.path, rel + "/"))
        elif not stat.S_ISREG(mode):
            self.report.error("bag.special_file", rel, N_("%(path)s is not a regular file (device, FIFO or socket)."))
        elif rel.startswith("data/"):
            size = entry.stat(follow_symlinks=False).st_size
            self.tree.payload[rel] = size
            self.report.payload_files += 1  # each path is found once
            self.report.payload_bytes += size
            if _is_system_file(rel):
                self.report.warning("payload.system_file", rel, N_("%(path)s is an operating-system file."))
            if nfc(rel) != rel:
                self.report.warning("path.not_nfc", rel, N_("%(path)s is not in Unicode NFC form."))
        else:
            self.tree.tags.add(rel)

    # -- manifests --------------------------------------------------------------------------------

    def _load_all(self, *, tag: bool) -> list[_Manifest]:
        """Load every top-level (tag) manifest with a supported algorithm."""
        loaded: list[_Manifest] = []
        unsupported = 0
        for name in sorted(t for t in self.tree.tags if "/" not in t):
            match = _MANIFEST_NAME.fullmatch(name)
            if match is None or bool(match["tag"]) != tag:
                continue
            algorithm = match["alg"].lower()
            if algorithm not in DIGEST_HEX_LENGTH:
                unsupported += 1
                self.report.warning(
                    "manifest.unsupported_algorithm",
                    name,
                    N_("%(path)s uses an algorithm Kho cannot verify."),
                )
                continue
            loaded.append(self._load(name, algorithm, tag=tag))
        if not tag:
            self._check_manifest_set(loaded, unsupported)
        return loaded

    def _check_manifest_set(self, loaded: list[_Manifest], unsupported: int) -> None:
        """Require a usable payload manifest; warn when only weak algorithms protect the payload."""
        if not loaded:
            code = "manifest.unsupported_only" if unsupported else "manifest.missing"
            self.report.error(code, None, N_("The bag has no payload manifest Kho can verify."))
            return
        algorithms = sorted({m.algorithm for m in loaded})
        self.report.algorithms = tuple(algorithms)
        if set(algorithms) <= {"md5", "sha1"}:
            self.report.warning(
                "manifest.weak_algorithm",
                None,
                N_("The payload is only protected by %(algorithms)s; add a SHA-256 or SHA-512 manifest."),
                algorithms=", ".join(algorithms),
            )

    def _load(self, name: str, algorithm: str, *, tag: bool) -> _Manifest:
        """Parse one manifest, recording malformed lines, bad digests, unsafe paths and duplicates."""
        manifest = _Manifest(name, algorithm)
        self.maps.append(manifest.entries)
        for lineno, line in self._stream_lines(name):
            if line.strip():
                self._load_line(manifest, lineno, line, tag=tag)
        self._check_name_conflicts(manifest)
        return manifest

    def _stream_lines(self, name: str) -> Iterator[tuple[int, str]]:
        """Stream a manifest (it may hold millions of lines); report BOM and decoding errors."""
        checked = check_path(self.root, name, name, self.report, decode=False)
        if checked is None:
            return
        encoding = self.decl.encoding
        try:
            if encoding == "utf-8":
                with checked[1].open("rb") as f:
                    if f.read(3) == codecs.BOM_UTF8:
                        self.report.warning("tag.bom", name, N_("%(path)s starts with a byte-order mark."))
            yield from iter_text_lines(checked[1], encoding)
        except UnicodeDecodeError:
            self.report.error("tag.decode_error", name, N_("%(path)s is not valid %(encoding)s."), encoding=encoding)
        except OSError as exc:
            self.report.error(
                "tag.unreadable", name, N_("%(path)s cannot be read: %(error)s."), error=exc.strerror or ""
            )

    def _load_line(self, manifest: _Manifest, lineno: int, line: str, *, tag: bool) -> None:
        """Parse and check one manifest line, adding it to ``manifest.entries`` when acceptable."""
        name = manifest.name
        entry = parse_manifest_line(line)
        if entry is None:
            self.report.error(
                "manifest.malformed_line",
                name,
                N_("%(path)s line %(line)d is not '<checksum> <path>'."),
                line=lineno,
            )
            return
        digest = entry.digest.lower()
        if len(digest) != DIGEST_HEX_LENGTH[manifest.algorithm] or _HEX.fullmatch(digest) is None:
            self.report.error(
                "manifest.bad_digest",
                name,
                N_("%(path)s line %(line)d has no valid %(algorithm)s digest."),
                line=lineno,
                algorithm=manifest.algorithm,
            )
            return
        if entry.binary_marker:
            self.report.warning(
                "manifest.binary_marker",
                name,
                N_("%(path)s line %(line)d uses md5sum's '*' marker."),
                line=lineno,
            )
        resolved = self._resolve(entry.raw_path, name)
        if resolved is None:
            return
        rel, found = resolved
        if rel.startswith("data/") == tag:
            code, message = (
                ("tagmanifest.payload_path", N_("Tag manifest %(manifest)s lists payload file %(path)s."))
                if tag
                else ("manifest.outside_payload", N_("Manifest %(manifest)s lists %(path)s outside data/."))
            )
            (self.report.warning if tag else self.report.error)(code, rel, message, manifest=name)
            return
        self._add_entry(manifest, rel, (digest, found))

    def _found(self, rel: str) -> int | None:
        """Where the scan found ``rel``: its size for a payload file, -1 for a tag file, None for neither."""
        return -1 if rel in self.tree.tags else self.tree.payload.get(rel)

    def _resolve(self, raw: str, source: str) -> tuple[str, int | None] | None:
        """Decode a manifest path and gate it through ``safe_join`` (cached per decoded path).

        Returns:
            The decoded path and where the scan found it (see :meth:`_found`), or None when it is unsafe.
        """
        decode = self.decl.decodes_paths
        if decode:
            decoded = _strip_dot(decode_path(raw))
            if decoded != _strip_dot(raw) and decoded not in self.tree.payload and _strip_dot(raw) in self.tree.payload:
                # bagit-python never encodes '%': keep a literal name such as 'a%25b' that exists on disk.
                decode = False
        for seq in literal_percent_sequences(raw, decoded=decode):
            self.report.warning(
                "path.percent_literal",
                raw,
                N_("%(path)s contains %(sequence)s, which is read literally, not decoded."),
                sequence=seq,
            )
        text = decode_path(raw) if decode else raw
        if text in self.paths:
            return text, self._found(text)
        found = self._found(text)  # one lookup for the common case, a file the scan found
        if found is not None and _portable(text):
            return text, found  # found by the scan, which follows no link: no lstat needed
        checked = check_path(self.root, text, source, self.report, decode=False, dirs=self.dirs)
        if checked is None:
            return None
        rel, joined = checked
        self.paths[rel] = str(joined)
        return rel, self._found(rel)

    def _add_entry(self, manifest: _Manifest, rel: str, entry: tuple[str, int | None]) -> None:
        """Add an entry, reporting a repeated path (error from BagIt 1.0 on, or with other digest)."""
        previous = manifest.entries.get(rel) if manifest.seen.add(rel) else None
        if previous is None:
            manifest.entries[rel] = entry
            if entry[1] is not None and entry[1] >= 0:
                manifest.present += 1
        elif previous[0] != entry[0]:
            self.report.error(
                "manifest.conflicting_entries",
                rel,
                N_("%(manifest)s lists %(path)s twice with different checksums."),
                manifest=manifest.name,
            )
        else:
            # RFC 8493 / suite v1.0: listing a file twice is invalid; in 0.97 it is only a warning.
            severity = self.report.error if self.decl.version >= (1, 0) else self.report.warning
            severity(
                "manifest.duplicate_entry",
                rel,
                N_("%(manifest)s lists %(path)s more than once."),
                manifest=manifest.name,
            )

    def _check_name_conflicts(self, manifest: _Manifest) -> None:
        """Warn about paths that differ only in Unicode normalisation or in letter case.

        One pass over the entries; a spilled map remembers the first path of each folded name, and only
        the names that collide (each is reported) are held in memory.
        """
        groups: dict[str, tuple[int, list[str]]] = {}  # folded name -> (first position, paths)
        system: list[str] = []
        names = SeenFilter()
        with SpillMap[tuple[int, str]]() as first:  # folded name -> (position, path) of its first path
            for index, rel in enumerate(manifest.entries):
                key = nfc(rel).casefold()
                if key in groups:
                    groups[key][1].append(rel)
                elif names.add(key) and key in first:
                    position, path = first[key]
                    groups[key] = (position, [path, rel])
                else:
                    first[key] = (index, rel)
                if _is_system_file(rel):
                    system.append(rel)
        for _index, group in sorted(groups.values(), key=lambda found: found[0]):
            code = "path.normalization_conflict" if len({nfc(g) for g in group}) < len(group) else "path.case_conflict"
            self.report.warning(
                code,
                group[0],
                N_("%(manifest)s lists names that collide on other systems: %(names)s."),
                manifest=manifest.name,
                names=", ".join(repr(g) for g in group),
            )
        for rel in system:
            if rel not in self.tree.payload:
                self.report.warning("payload.system_file", rel, N_("%(path)s is an operating-system file."))

    # -- completeness, oxum, fixity ---------------------------------------------------------------

    def _check_completeness(self, manifests: list[_Manifest], fetch: dict[str, str]) -> int:
        """Every payload file in every manifest, every listed file present or pending in fetch.txt."""
        for manifest in manifests:
            if manifest.present == self.report.payload_files:
                continue  # it lists every payload file: no need to look each up
            for rel in self.tree.payload:
                if rel not in manifest.entries:
                    self.report.error(
                        "payload.not_in_manifest",
                        rel,
                        N_("%(path)s is not listed in %(manifest)s."),
                        manifest=manifest.name,
                    )
        pending = 0
        for rel, names in self._absent(manifests).items():
            if rel in fetch:
                pending += 1
                self.report.warning(
                    "fetch.pending", rel, N_("%(path)s is still to be fetched from %(url)s."), url=fetch[rel]
                )
            else:
                self.report.error(
                    "payload.missing",
                    rel,
                    N_("%(path)s is listed in %(manifests)s but missing."),
                    manifests=", ".join(names),
                )
        for rel in fetch:
            if manifests and any(rel not in m.entries for m in manifests):
                self.report.error("fetch.not_in_manifest", rel, N_("fetch.txt lists %(path)s but a manifest does not."))
        self.report.fetch_pending = pending
        return pending

    def _absent(self, manifests: list[_Manifest]) -> dict[str, list[str]]:
        """Listed files that are not on disk, with the manifests listing them; adds up ``listed_bytes``."""
        absent: dict[str, list[str]] = {}  # each becomes a finding: flat memory for a complete bag
        for position, manifest in enumerate(manifests):
            earlier = manifests[:position]
            for rel, (_digest, size) in manifest.entries.items():
                if rel in absent:
                    absent[rel].append(manifest.name)
                elif size is not None:
                    if not (earlier and any(rel in m.entries for m in earlier)):
                        self.listed_bytes += size  # counted with the first manifest listing it
                elif rel not in self.tree.symlinks:
                    absent[rel] = [manifest.name]
        return absent

    def _check_oxum(self, oxum: str | None, pending: int) -> None:
        """Compare Payload-Oxum with the files found (only a warning while fetch items are pending)."""
        if oxum is None:
            return
        match = _OXUM.fullmatch(oxum)
        if match is None:
            self.report.error("oxum.malformed", None, N_("Payload-Oxum %(oxum)r is not OCTETS.COUNT."), oxum=oxum)
            return
        found = (self.report.payload_bytes, self.report.payload_files)
        expected = (int(match["octets"]), int(match["count"]))
        if found != expected:
            severity = self.report.warning if pending else self.report.error
            severity(
                "oxum.mismatch",
                None,
                N_(
                    "Payload-Oxum expects %(expected_files)d files / %(expected_bytes)d bytes, found "
                    "%(found_files)d / %(found_bytes)d."
                ),
                expected_bytes=expected[0],
                expected_files=expected[1],
                found_bytes=found[0],
                found_files=found[1],
            )

    def _check_tag_presence(self, tagmanifests: list[_Manifest]) -> None:
        """Every file a tag manifest lists must exist (e.g. a listed but missing bag-info.txt)."""
        for manifest in tagmanifests:
            for rel in manifest.entries:
                if rel not in self.tree.tags and rel not in self.tree.symlinks:
                    self.report.error(
                        "tagfile.missing",
                        rel,
                        N_("%(path)s is listed in %(manifest)s but missing."),
                        manifest=manifest.name,
                    )

    def _open_path(self, rel: str) -> str:
        """The path to open for a file a manifest lists (see ``self.paths``)."""
        return self.paths.get(rel) or os.path.join(self.root, rel)  # noqa: PTH118 - str paths, one join per file

    def _fixity_jobs(self, manifests: list[_Manifest]) -> Iterator[tuple[_Job, str, list[str], int]]:
        """One hashing job per present listed file, with every manifest's digest of it (see ``hash_many``)."""
        for position, manifest in enumerate(manifests):
            earlier, later = manifests[:position], manifests[position + 1 :]
            for rel, (digest, size) in manifest.entries.items():
                if size is None or any(rel in m.entries for m in earlier):
                    continue  # not on disk, or hashed with the first manifest listing it
                items = [(manifest, digest)]
                items.extend((m, e[0]) for m in later if (e := m.entries.get(rel)) is not None)
                yield (rel, items), self._open_path(rel), sorted({m.algorithm for m, _ in items}), size

    def _check_fixity(self, manifests: list[_Manifest]) -> None:
        """Hash each present listed file once for all its algorithms and compare every digest."""
        jobs = self._fixity_jobs(manifests)
        for (rel, expected), result in hash_many(jobs, workers=self.workers, total_bytes=self.listed_bytes):
            kind = "payload" if rel.startswith("data/") else "tagfile"
            if isinstance(result, OSError):
                self.report.error(
                    f"{kind}.unreadable", rel, N_("%(path)s cannot be read: %(error)s."), error=str(result)
                )
                continue
            if all(result[manifest.algorithm] == digest for manifest, digest in expected):
                self.report.digests[rel] = result
            for manifest, digest in expected:
                if result[manifest.algorithm] != digest:
                    self.report.error(
                        f"{kind}.checksum_mismatch",
                        rel,
                        N_("%(path)s: %(algorithm)s mismatch, expected %(expected)s, found %(found)s."),
                        algorithm=manifest.algorithm,
                        expected=digest,
                        found=result[manifest.algorithm],
                        manifest=manifest.name,
                    )


def _portable(rel: str) -> bool:
    """True when ``safe_join`` accepts ``rel`` lexically (it is also safe on Windows; see ``split_relative``)."""
    try:
        split_relative(rel)
    except UnsafePathError:
        return False
    return True


def _strip_dot(rel: str) -> str:
    """Remove leading ``./`` components (tolerated with a warning in manifests)."""
    while rel.startswith("./"):
        rel = rel[2:]
    return rel


def validate_bag(path: str | os.PathLike[str], *, fast: bool = False, workers: int | None = None) -> BagReport:
    """Validate a bag and return every finding (never stops at the first problem).

    Args:
        path: Bag directory.
        fast: Skip checksum computation; still checks structure, completeness and Payload-Oxum.
        workers: Hashing threads (None: CPU count + 2, at most 8).

    Returns:
        The report; ``report.is_valid`` is True when no finding is an error.
    """
    return _Validator(Path(path), fast=fast, workers=workers).run()


def is_valid_bag(path: str | os.PathLike[str], *, fast: bool = False) -> bool:
    """Return True if :func:`validate_bag` finds no error."""
    return validate_bag(path, fast=fast).is_valid
