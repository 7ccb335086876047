"""BagIt 1.0 (RFC 8493) writer, in-place bagging and the root hash that binds a handover record.

Pure module: no Django import (style rules 3-4). Payload files are streamed in 1 MiB blocks and hashed
while copied; manifest lines go to temporary files as files are added and are sorted once at
:meth:`BagWriter.finish`, so memory grows by at most one manifest line per file. Names are
NFC-normalised and a collision after normalisation is refused (style rule 16).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO

from kho import __version__
from kho.core.text import N_, nfc
from kho.packages.formats._manifest import format_manifest_line
from kho.packages.formats._validate import is_valid_bag, validate_bag
from kho.packages.formats.exceptions import (
    BagValidationError,
    BagWriteError,
    DuplicatePathError,
    FileNormalizationConflictError,
    UnsafePathError,
)
from kho.packages.formats.hashing import SUPPORTED_ALGORITHMS, copy_and_hash, hash_file, hash_many
from kho.packages.formats.report import Finding, Severity
from kho.packages.formats.safepath import safe_join, split_relative
from kho.packages.formats.spill import sorted_lines

__all__ = [
    "DEFAULT_SOFTWARE_AGENT",
    "BagResult",
    "BagWriter",
    "is_valid_bag",
    "make_bag_in_place",
    "make_bag_of_written_payload",
    "root_hash",
    "validate_bag",
]

DEFAULT_SOFTWARE_AGENT = f"Kho {__version__} (kho.packages.formats.bagit)"
_RESERVED_TAG = re.compile(r"(bagit|bag-info|fetch)\.txt|(tag)?manifest-[^/]+\.txt", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:")
_BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

Source = IO[bytes] | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class BagResult:
    """What :meth:`BagWriter.finish` wrote.

    Attributes:
        root: The bag directory.
        payload_oxum: ``OCTETS.COUNT`` as written to bag-info.txt.
        root_hash: :func:`root_hash` of the finished bag (``sha256:<hex>``).
    """

    root: Path
    payload_oxum: str
    root_hash: str


def root_hash(bag_dir: str | os.PathLike[str]) -> str:
    """Return the digest that binds a printed handover record to a bag's payload.

    Definition (stable; changing it breaks every record already printed): read
    ``manifest-sha256.txt`` as bytes; split it at LF; drop the LF and ignore empty lines; sort the
    remaining lines bytewise; feed each line followed by one LF to SHA-256. The result is
    ``"sha256:" + hexdigest``. Bytes are taken as written (no decoding, no NFC, a CR before LF is
    kept), so the hash is independent only of line order, e.g. of the order files were added.

    Args:
        bag_dir: Bag directory containing ``manifest-sha256.txt``.

    Raises:
        BagValidationError: The bag has no readable ``manifest-sha256.txt``.
    """
    root = Path(bag_dir)
    try:
        manifest = safe_join(root, "manifest-sha256.txt").open("rb")
    except (OSError, UnsafePathError) as exc:
        finding = Finding(
            Severity.ERROR,
            "manifest.missing",
            "manifest-sha256.txt",
            N_("%(path)s is missing or unreadable; the root hash needs it."),
            {"path": "manifest-sha256.txt"},
        )
        raise BagValidationError(details=[finding], path=str(root)) from exc
    digest = hashlib.sha256()
    with manifest:
        lines = (line.removesuffix(b"\n") for line in manifest)
        for line in sorted_lines(line for line in lines if line):  # a million lines never held at once
            digest.update(line)
            digest.update(b"\n")
    return f"sha256:{digest.hexdigest()}"


def _check_label(label: str, value: str) -> tuple[str, str]:
    """Validate one bag-info element and return it NFC-normalised."""
    label, value = nfc(label), nfc(value)
    if not label or label != label.strip() or ":" in label or any(c in label for c in "\r\n"):
        raise BagWriteError(N_("Invalid bag-info label %(label)r."), label=label)
    if any(c in value for c in "\r\n"):
        raise BagWriteError(N_("bag-info value of %(label)s must be one line."), label=label)
    if label.lower() == "payload-oxum":
        raise BagWriteError(N_("Payload-Oxum is computed by the writer and cannot be set."), label=label)
    return label, value


def _manifest_path(line: bytes) -> bytes:
    """The path of a manifest line (UTF-8 bytes sort as the text does)."""
    return line.split(b"  ", 1)[1]


class _Assembler:
    """Shared core of :class:`BagWriter` and :func:`make_bag_in_place`: names, manifests, tag files."""

    def __init__(
        self,
        root: Path,
        algorithms: Sequence[str],
        bag_info: Mapping[str, str | Sequence[str]] | None,
        software_agent: str,
    ) -> None:
        unknown = set(algorithms) - SUPPORTED_ALGORITHMS
        if unknown:
            raise BagWriteError(N_("Unsupported algorithm(s) %(names)s."), names=", ".join(sorted(unknown)))
        self.root = root
        self.algorithms = tuple(sorted({*algorithms, "sha256"}))
        self.info: list[tuple[str, str]] = []
        for label, values in (bag_info or {}).items():
            for value in [values] if isinstance(values, str) else values:
                self.info.append(_check_label(label, value))
        self.software_agent = software_agent
        self.finished = False
        self._names: set[str] = set()
        self._raw_names: dict[str, str] = {}
        self._tag_files: list[str] = []
        self._files = 0
        self._bytes = 0
        self._spool = {
            alg: tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
            for alg in self.algorithms
        }

    def claim(self, relative: str, *, payload: bool) -> str:
        """Check a new path, NFC-normalise it and refuse duplicates; return it relative to the root.

        Raises:
            UnsafePathError: The path could escape the bag.
            BagWriteError: A tag path is reserved or inside data/.
            DuplicatePathError: The same path was added before.
            FileNormalizationConflictError: An earlier path differs only in Unicode normalisation.
        """
        if payload:
            # Check the bag-relative path, so '~x' inside data/ is an ordinary name, but still refuse
            # what is absolute or drive-qualified on its own.
            if relative[:1] in ("/", "\\") or _DRIVE.match(relative):
                raise UnsafePathError(relative, "absolute")
            parts = split_relative(f"data/{relative}")[1:]
            if not parts:
                raise UnsafePathError(relative, "empty")
        else:
            parts = split_relative(relative)
        raw = "/".join(parts)
        norm = "/".join(nfc(part) for part in parts)
        if not payload and (parts[0] == "data" or (len(parts) == 1 and _RESERVED_TAG.fullmatch(norm))):
            raise BagWriteError(N_("%(path)r is reserved or inside data/; choose another tag path."), path=raw)
        key = f"data/{norm}" if payload else norm
        if key in self._names:
            previous = self._raw_names.get(key, norm)
            if previous == raw:
                raise DuplicatePathError(raw)
            raise FileNormalizationConflictError(raw, previous)
        self._names.add(key)
        if raw != norm:
            self._raw_names[key] = raw
        if not payload:
            self._tag_files.append(key)
        return key

    def record(self, rel: str, digests: Mapping[str, str], size: int) -> None:
        """Spool one manifest line per algorithm for a payload file and count it for Payload-Oxum."""
        for alg, spool in self._spool.items():
            spool.write(format_manifest_line(digests[alg], rel).encode("utf-8"))
        self._files += 1
        self._bytes += size

    def _write_text(self, name: str, lines: Sequence[str] | Iterator[str]) -> None:
        """Write a UTF-8, LF-terminated tag file at the bag root."""
        with (self.root / name).open("w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)

    def finish(self) -> BagResult:
        """Write manifests, bag-info.txt, bagit.txt and tag manifests; return the result."""
        if self.finished:
            raise BagWriteError(N_("The bag at %(path)s is already finished."), path=str(self.root))
        self.finished = True
        for alg, spool in self._spool.items():
            spool.seek(0)
            lines = sorted_lines((line[:-1] for line in spool), key=_manifest_path)
            with (self.root / f"manifest-{alg}.txt").open("wb") as f:
                f.writelines(line + b"\n" for line in lines)
        oxum = f"{self._bytes}.{self._files}"
        self._write_text("bag-info.txt", (f"{label}: {value}\n" for label, value in self._bag_info(oxum)))
        self._write_text("bagit.txt", [_BAGIT_TXT])
        self.close()
        tag_files = [
            "bag-info.txt",
            "bagit.txt",
            *(f"manifest-{a}.txt" for a in self.algorithms),
            *self._tag_files,
        ]
        digests = {name: hash_file(safe_join(self.root, name), self.algorithms) for name in tag_files}
        for alg in self.algorithms:
            ordered = sorted(tag_files)
            self._write_text(f"tagmanifest-{alg}.txt", (format_manifest_line(digests[n][alg], n) for n in ordered))
        return BagResult(self.root, oxum, root_hash(self.root))

    def _bag_info(self, oxum: str) -> list[tuple[str, str]]:
        """Return the bag-info elements: generated ones first, unless the caller set them."""
        given = {label.lower() for label, _ in self.info}
        generated = [
            ("Bag-Software-Agent", self.software_agent),
            ("Bagging-Date", date.today().isoformat()),
        ]
        head = [(label, value) for label, value in generated if label.lower() not in given]
        return [*head, ("Payload-Oxum", oxum), *self.info]

    def close(self) -> None:
        """Release the temporary manifest spools."""
        for spool in self._spool.values():
            spool.close()


def _open_source(src: Source) -> contextlib.AbstractContextManager[IO[bytes]]:
    """Open a path for reading, or wrap a caller's stream without closing it."""
    if isinstance(src, os.PathLike):
        return Path(src).open("rb", buffering=0)
    return contextlib.nullcontext(src)


class BagWriter:
    """Build a new BagIt 1.0 bag file by file, streaming every payload file.

    Use as a context manager: leaving the block without an exception calls :meth:`finish`. After
    an exception the directory holds an unfinished bag (no bagit.txt) and must be discarded; the
    writer never deletes anything itself.

    Example:
        >>> with BagWriter(target, bag_info={"Source-Organization": "Văn phòng Trung ương Đảng"}) as bag:
        ...     bag.add_file("hồ sơ/001.pdf", Path("scan/001.pdf"))  # doctest: +SKIP
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        algorithms: Sequence[str] = ("sha256",),
        bag_info: Mapping[str, str | Sequence[str]] | None = None,
        software_agent: str = DEFAULT_SOFTWARE_AGENT,
    ) -> None:
        """Prepare an empty bag at ``root`` (created if missing).

        Args:
            root: Target directory; it must not exist or be empty.
            algorithms: Manifest algorithms; sha256 is always added (the root hash needs it).
            bag_info: Extra bag-info.txt elements; a sequence value repeats the label.
            software_agent: Value of Bag-Software-Agent.

        Raises:
            BagWriteError: ``root`` is not empty, or an algorithm or bag-info element is invalid.
        """
        self.root = Path(root)
        if self.root.exists() and (not self.root.is_dir() or any(self.root.iterdir())):
            raise BagWriteError(N_("Target %(path)s exists and is not an empty directory."), path=str(self.root))
        self._asm = _Assembler(self.root, algorithms, bag_info, software_agent)
        (self.root / "data").mkdir(parents=True, exist_ok=True)

    def add_info(self, label: str, value: str) -> None:
        """Append one bag-info.txt element (repeat the call to repeat a label)."""
        self._asm.info.append(_check_label(label, value))

    def _copy_in(self, rel: str, src: Source) -> tuple[dict[str, str], int]:
        """Stream ``src`` into the bag at ``rel`` (exclusive create), hashing while copying."""
        dest = safe_join(self.root, rel)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with _open_source(src) as reader, dest.open("xb") as writer:
                return copy_and_hash(reader, writer, self._asm.algorithms)
        except (FileExistsError, NotADirectoryError) as exc:
            raise BagWriteError(N_("%(path)r clashes with an existing file or folder."), path=rel) from exc

    def add_file(self, rel_path: str, src: Source) -> dict[str, str]:
        """Add a payload file under ``data/``, streamed from a binary file object or a path.

        Args:
            rel_path: Path inside ``data/`` (``/``-separated); it is NFC-normalised.
            src: Open binary stream (not closed here) or a filesystem path.

        Returns:
            Hex digests of the file by algorithm.

        Raises:
            UnsafePathError: ``rel_path`` could escape the bag.
            DuplicatePathError: ``rel_path`` was added before.
            FileNormalizationConflictError: An earlier path is equal after NFC normalisation.
            BagWriteError: The bag is finished or the path clashes with a folder.
        """
        self._check_open()
        rel = self._asm.claim(rel_path, payload=True)
        digests, size = self._copy_in(rel, src)
        self._asm.record(rel, digests, size)
        return digests

    def add_tag_file(self, rel_path: str, src: Source) -> None:
        """Add a tag file (e.g. ``metadata/mets.xml``) outside ``data/``; it goes into the tag manifests.

        Raises:
            BagWriteError: The name is reserved (bagit.txt, bag-info.txt, fetch.txt, manifests) or
                inside data/, or the bag is finished.
        """
        self._check_open()
        rel = self._asm.claim(rel_path, payload=False)
        self._copy_in(rel, src)

    def finish(self) -> BagResult:
        """Write bagit.txt, manifests, bag-info.txt and tag manifests; the bag is then complete."""
        return self._asm.finish()

    def _check_open(self) -> None:
        """Refuse additions after :meth:`finish`."""
        if self._asm.finished:
            raise BagWriteError(N_("The bag at %(path)s is already finished."), path=str(self.root))

    def __enter__(self) -> BagWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None and not self._asm.finished:
            self.finish()
        else:
            self._asm.close()


def _prescan(root: Path, asm: _Assembler) -> list[tuple[str, int]]:
    """List regular files under ``root`` as future payload paths; refuse links, specials, NFC clashes."""
    found: list[tuple[str, int]] = []
    stack = [(root, "")]
    while stack:
        directory, prefix = stack.pop()
        seen: dict[str, str] = {}
        with os.scandir(directory) as it:
            for entry in it:
                rel = prefix + entry.name
                other = seen.setdefault(nfc(entry.name), entry.name)
                if other != entry.name:
                    raise FileNormalizationConflictError(rel, prefix + other)
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    raise UnsafePathError(rel, "symlink")
                if stat.S_ISDIR(mode):
                    stack.append((Path(entry.path), rel + "/"))
                elif stat.S_ISREG(mode):
                    found.append((asm.claim(rel, payload=True), entry.stat(follow_symlinks=False).st_size))
                else:
                    raise BagWriteError(N_("%(path)r is not a regular file."), path=rel)
    return found


def _move_into_data(root: Path) -> None:
    """Move everything in ``root`` into ``root/data`` via a temporary sibling, rolling back on error."""
    tmp = Path(tempfile.mkdtemp(prefix=".kho-bagging-", dir=root))
    moved: list[str] = []
    try:
        for child in list(root.iterdir()):
            if child != tmp:
                child.rename(tmp / child.name)
                moved.append(child.name)
        tmp.rename(root / "data")
    except OSError as exc:
        for name in moved:
            with contextlib.suppress(OSError):
                (tmp / name).rename(root / name)
        with contextlib.suppress(OSError):
            tmp.rmdir()
        raise BagWriteError(N_("Could not move %(path)s into data/."), path=str(root)) from exc


def _rename_to_nfc(data: Path) -> None:
    """Rename every non-NFC name under ``data`` to NFC (bottom-up; clashes were refused earlier)."""
    for dirpath, dirnames, filenames in os.walk(data, topdown=False):
        for name in [*filenames, *dirnames]:
            if nfc(name) != name:
                Path(dirpath, name).rename(Path(dirpath, nfc(name)))


def make_bag_in_place(
    bag_dir: str | os.PathLike[str],
    *,
    bag_info: Mapping[str, str | Sequence[str]] | None = None,
    algorithms: Sequence[str] = ("sha256",),
    workers: int | None = None,
    known: Mapping[str, tuple[Mapping[str, str], int]] | None = None,
) -> BagResult:
    """Turn an existing directory into a bag, like bagit-python's ``make_bag``.

    Everything in ``bag_dir`` moves into ``bag_dir/data``; non-NFC names are renamed to NFC. All
    checks (symlinks, special files, NFC clashes, bag-info) run before anything is moved.

    ``known`` maps paths (relative to ``bag_dir``, before the move, NFC) to ``(digests by algorithm,
    size)`` of files the caller has just written and hashed while writing them (e.g.
    :func:`~kho.packages.formats.eark.write_package`): such a file is not read again when its size on
    disk is the one given and every manifest algorithm is known; every other file is hashed.

    Raises:
        BagWriteError: Not a directory, a special file, or a move failed (moves are rolled back).
        UnsafePathError: The directory contains a symlink.
        FileNormalizationConflictError: Two names in one folder are equal after NFC.
    """
    root = Path(bag_dir)
    if not root.is_dir():
        raise BagWriteError(N_("%(path)s is not a directory."), path=str(root))
    asm = _Assembler(root, algorithms, bag_info, DEFAULT_SOFTWARE_AGENT)
    try:
        files = _prescan(root, asm)
        _move_into_data(root)
        _rename_to_nfc(root / "data")
        sizes = dict(files)
        todo = []
        for rel, size in files:
            digests, known_size = (known or {}).get(rel.removeprefix("data/"), ({}, -1))
            if known_size == size and all(alg in digests for alg in asm.algorithms):
                asm.record(rel, digests, size)
            else:
                todo.append((rel, size))
        jobs = ((rel, safe_join(root, rel), asm.algorithms, size) for rel, size in todo)
        for rel, result in hash_many(jobs, workers=workers, total_bytes=sum(size for _rel, size in todo)):
            if isinstance(result, OSError):
                raise BagWriteError(N_("Could not read %(path)s."), path=rel) from result
            asm.record(rel, result, sizes[rel])
        return asm.finish()
    finally:
        asm.close()


def make_bag_of_written_payload(
    bag_dir: str | os.PathLike[str],
    payload: Iterable[tuple[str, str, int]],
    *,
    bag_info: Mapping[str, str | Sequence[str]] | None = None,
) -> BagResult:
    """Finish a bag whose payload a caller has just written into ``bag_dir/data``, hashing while it wrote.

    The bytes are those :func:`make_bag_in_place` writes for the same files (SHA-256 manifests only), but
    nothing under ``data/`` is listed or read: ``payload`` is every payload file as ``(path inside data/,
    SHA-256 hex, size)``, NFC, each written by the caller (e.g. a
    :class:`~kho.packages.formats._eark_write.PendingPackage` whose content may still be copying). The
    caller must make sure the files on disk end up as listed, or discard the bag.

    Raises:
        BagWriteError: ``bag_dir/data`` is not a directory, ``bag_dir`` holds anything else, or a path is
            not NFC (:func:`make_bag_in_place` would rename the file).
        UnsafePathError: A path could escape ``data/``.
    """
    root = Path(bag_dir)
    if not (root / "data").is_dir() or any(entry.name != "data" for entry in os.scandir(root)):
        raise BagWriteError(N_("%(path)s must hold only the written data/ folder."), path=str(root))
    asm = _Assembler(root, ("sha256",), bag_info, DEFAULT_SOFTWARE_AGENT)
    try:
        for path, digest, size in payload:
            if nfc(path) != path or "/".join(split_relative(f"data/{path}")) != f"data/{path}":
                raise BagWriteError(N_("%(path)r is not a clean NFC payload path."), path=path)
            asm.record(f"data/{path}", {"sha256": digest}, size)
        return asm.finish()
    finally:
        asm.close()
