"""The E-ARK CSIP package writer behind :func:`kho.packages.formats.eark.write_package`.

Order of work: check every name first (nothing is written for a bad spec), stream the content,
documentation and schema files in (1 MiB blocks, hashed while copied, expected digests verified),
then write EAD, PREMIS, one METS per representation and the root METS, each of which needs the
checksums of what came before. If anything fails, the package root is removed again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import os
import re
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kho.core.text import N_
from kho.packages.formats._copyworker import BackgroundCopy, CopyFailure, CopyJob
from kho.packages.formats._earkxml import EAD_PATH, PREMIS_PATH, ROOT_METS, StoredFile, iso
from kho.packages.formats.ead import check_codes, write_ead
from kho.packages.formats.eark_errors import PackageWriteError
from kho.packages.formats.earkspec import ManifestEntry, PackageManifest, PackageSpec, Source
from kho.packages.formats.exceptions import DuplicatePathError, PackageFormatError, UnsafePathError
from kho.packages.formats.hashing import copy_and_hash
from kho.packages.formats.mets import build_root_mets, write_representation_mets
from kho.packages.formats.premis import write_premis
from kho.packages.formats.safepath import safe_join, split_relative
from kho.packages.formats.spill import SpillMap, SpillSet

__all__ = ["PendingPackage", "start_package", "write_package"]

# Control characters cannot be stored in XML 1.0; backslash and ":" break on Windows.
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")
_XML = "application/xml"
#: Below this many content files the copying child costs more to start than it saves.
BACKGROUND_MIN_FILES = 200


@dataclasses.dataclass(frozen=True, slots=True)
class _Job:
    """One file to copy: its package path, source, and what to record about it.

    A path source is kept as text: a ``Path`` per file would stay alive with the job list (with its parts
    in pathlib's intern table) for the whole export (issue #5).
    """

    path: str
    source: str | IO[bytes]
    media_type: str
    created: str
    use: str
    kind: str
    sha256: str | None = None
    size: int | None = None
    format_name: str = ""
    format_version: str = ""
    format_registry_key: str = ""


def _check_path(path: str, *, single: bool = False) -> str:
    """Return ``path`` if it is a clean relative package path (one component when ``single``)."""
    try:
        parts = split_relative(path)
    except UnsafePathError as exc:
        raise PackageWriteError(N_("Unsafe path %(path)r in the package specification."), path=path) from exc
    if "/".join(parts) != path or _BAD_NAME.search(path) or (single and len(parts) != 1):
        raise PackageWriteError(N_("Path %(path)r is not a clean relative name."), path=path)
    return path


def _expected_digest(value: str | None) -> str | None:
    """Return the lower-case hex of ``sha256:<hex>`` or bare hex; None stays None."""
    if value is None:
        return None
    hexdigest = value.removeprefix("sha256:").lower()
    if not re.fullmatch(r"[0-9a-f]{64}", hexdigest):
        raise PackageWriteError(N_("%(value)r is not a SHA-256 digest."), value=value)
    return hexdigest


def _jobs(spec: PackageSpec) -> Iterator[_Job]:
    """Every file to copy, in spec order, refusing unsafe names; read from the spec anew on every call.

    Not kept as a list: a job per file held for the whole export grew with the fonds (issue #5).
    """
    created = iso(spec.created)
    for f in spec.content_files():
        _check_path(f.representation, single=True)
        _check_path(f.package_path)
        yield _Job(
            f.path_in_package,
            _as_text(f.source),
            f.media_type,
            iso(f.created),
            f.role.value,
            "content",
            _expected_digest(f.sha256),
            f.size,
            f.format_name,
            f.format_version,
            f.format_registry_key,
        )
    for d in spec.documentation:
        _check_path(d.package_path)
        yield _Job(d.path_in_package, _as_text(d.source), d.media_type, iso(d.created), "", "documentation")
    for schema in spec.schema_files:
        name = _check_path(schema.name, single=True)
        yield _Job(f"schemas/{name}", str(schema), _XML, created, "", "schema")


def _check_jobs(spec: PackageSpec) -> int:
    """Check every job before anything is written; return how many a copying child could take.

    Raises:
        PackageWriteError: An unsafe name, or no content file.
        DuplicatePathError: Two files map to the same package path.
    """
    content = for_child = 0
    with SpillSet() as seen:
        for job in _jobs(spec):
            if job.path in seen:
                raise DuplicatePathError(job.path)
            seen.add(job.path)
            content += job.kind == "content"
            for_child += _for_child(job)
    if not content:
        raise PackageWriteError(N_("A package needs at least one content file."))
    return for_child


def _as_text(source: Source) -> str | IO[bytes]:
    """A path source as text, a stream as it is."""
    return str(source) if isinstance(source, Path) else source


@contextlib.contextmanager
def _opened(source: str | IO[bytes]) -> Iterator[IO[bytes]]:
    """Yield a readable binary stream for a path or an already open stream (left open)."""
    if isinstance(source, str):
        with Path(source).open("rb") as stream:
            yield stream
    else:
        yield source


def _copy(root: Path, job: _Job, dirs: set[str]) -> StoredFile:
    """Stream one file into the package, hashing it, and verify any expected digest and size."""
    target = safe_join(root, job.path, dirs)
    if str(target.parent) not in dirs:
        target.parent.mkdir(parents=True, exist_ok=True)
    with _opened(job.source) as src, target.open("xb") as dst:
        digests, size = copy_and_hash(src, dst, ["sha256"])
    digest = digests["sha256"]
    if job.sha256 is not None and digest != job.sha256:
        raise PackageWriteError(N_("%(path)s does not match its expected SHA-256."), path=job.path)
    if job.size is not None and size != job.size:
        raise PackageWriteError(
            N_("%(path)s is %(size)d bytes, not %(expected)d."), path=job.path, size=size, expected=job.size
        )
    return StoredFile(
        job.path, digest, size, job.media_type, job.created, job.use,
        job.format_name, job.format_version, job.format_registry_key,
    )  # fmt: skip


class _HashingWriter:
    """A binary sink that hashes (SHA-256) and counts what it passes on to ``out``."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self.size += len(data)
        return self._out.write(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _write_xml(root: Path, path: str, created: str, write: Callable[[IO[bytes]], Any]) -> StoredFile:
    """Stream a generated XML file to ``path`` (hashed while written) and describe it."""
    target = safe_join(root, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as f:
        sink = _HashingWriter(f)
        write(sink)  # type: ignore[arg-type]  # a write-only binary sink is all the XML writers use
    return StoredFile(path, sink.hexdigest(), sink.size, _XML, created)


def _rep_mets(out: IO[bytes], *, spec: PackageSpec, name: str, files: Iterable[StoredFile]) -> None:
    write_representation_mets(out, spec, name, files)


def _prepare_root(root: Path) -> bool:
    """Create ``root`` (or accept an empty one); return True when this call created it."""
    if root.is_symlink():
        raise PackageWriteError(N_("Package root %(path)s is a symlink."), path=str(root))
    if root.exists():
        if not root.is_dir() or any(root.iterdir()):
            raise PackageWriteError(N_("Package root %(path)s exists and is not empty."), path=str(root))
        return False
    root.mkdir(parents=True)
    return True


def _predicted(job: _Job) -> StoredFile:
    """What :func:`_copy` will return for a job with a known digest and size (the child checks it)."""
    assert job.sha256 is not None and job.size is not None  # noqa: S101 - only such jobs are sent
    return StoredFile(
        job.path, job.sha256, job.size, job.media_type, job.created, job.use,
        job.format_name, job.format_version, job.format_registry_key,
    )  # fmt: skip


def _for_child(job: _Job) -> bool:
    """Whether the copying child can take ``job``: a content file read from a path, digest and size known."""
    return job.kind == "content" and isinstance(job.source, str) and job.sha256 is not None and job.size is not None


def _start_background(root: Path, spec: PackageSpec, for_child: int, dirs: set[str]) -> BackgroundCopy | None:
    """Hand the content files with a known digest and size to a copying child, when there are enough."""
    if for_child < BACKGROUND_MIN_FILES:
        return None
    copies = (CopyJob(str(job.source), str(safe_join(root, job.path, dirs)), job.sha256 or "", job.size or 0)
              for job in _jobs(spec) if _for_child(job))  # fmt: skip
    try:
        return BackgroundCopy(copies)
    except OSError:  # no child process here: copy in this one
        return None


def _raise_failure(failure: CopyFailure, root: str) -> None:
    """Raise what :func:`_copy` raises for the child's failed file (its target is under ``root``)."""
    path = failure.target.removeprefix(root + os.sep)
    if failure.kind == "digest":
        raise PackageWriteError(N_("%(path)s does not match its expected SHA-256."), path=path)
    if failure.kind == "size" and failure.text.isdigit():
        raise PackageWriteError(
            N_("%(path)s is %(size)d bytes, not %(expected)d."), path=path, size=int(failure.text),
            expected=failure.expected,
        )  # fmt: skip
    raise OSError(failure.errno, failure.text, failure.source)


def _layout(root: Path, spec: PackageSpec, for_child: int) -> tuple[_Written, _Background]:
    """Copy the files, then write EAD, PREMIS, representation METS and root METS; return all files.

    Content files with a known digest and size are copied by a child process (:mod:`._copyworker`)
    while this one writes the XML from their expected digests; the child is returned still running
    (:class:`_Background`): its verdict must be awaited, so a mismatch still fails the package.
    """
    dirs: set[str] = set()  # folders made or checked by this run (one lstat/mkdir per folder, not per file)
    background = _start_background(root, spec, for_child, dirs)
    written = _Written()
    try:
        in_child = _for_child if background is not None else lambda _job: False
        for job in _jobs(spec):
            written.add(job.kind, _predicted(job) if in_child(job) else _copy(root, job, dirs))
        _write_metadata(root, spec, written)
    except BaseException:
        written.close()
        if background is not None:
            background.cancel()
        raise
    return written, _Background(background, str(root))


class _Written:
    """Every file written into the package, by path, read back in path order (on disk past a few thousand).

    METS, PREMIS and the manifest all list files by path, so none of them needs the files in memory
    (issue #5). An entry is ``path -> (kind, sha256, size, media type, created, use, format name, format
    version, registry key)``; ``kind`` is content, documentation, schema or metadata.
    """

    def __init__(self) -> None:
        self._map: SpillMap[tuple[Any, ...]] = SpillMap()

    def add(self, kind: str, f: StoredFile) -> None:
        self._map[f.path] = (
            kind, f.sha256, f.size, f.media_type, f.created, f.use,
            f.format_name, f.format_version, f.format_registry_key,
        )  # fmt: skip

    def files(self, *kinds: str) -> Iterator[StoredFile]:
        """The files of these kinds (all when none is named), in path order."""
        for path, (kind, *values) in self._map.sorted_items():
            if not kinds or kind in kinds:
                yield StoredFile(path, *values)

    def view(self, *kinds: str) -> Iterable[StoredFile]:
        """:meth:`files` as an iterable that reads them again each time (PREMIS checks, then writes)."""
        return _View(self, kinds)

    def __len__(self) -> int:
        return len(self._map)

    def close(self) -> None:
        self._map.close()


@dataclasses.dataclass(frozen=True, slots=True)
class _View:
    written: _Written
    kinds: tuple[str, ...]

    def __iter__(self) -> Iterator[StoredFile]:
        return self.written.files(*self.kinds)


class _ManifestEntries(Collection[ManifestEntry]):
    """A written package's manifest in path order, read from the writer's file list each time."""

    def __init__(self, written: _Written) -> None:
        self._written = written

    def __iter__(self) -> Iterator[ManifestEntry]:
        for f in self._written.files():
            yield ManifestEntry(f.path, f"sha256:{f.sha256}", f.size, f.media_type, _manifest_use(f.path))

    def __len__(self) -> int:
        return len(self._written)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, ManifestEntry) and any(entry == item for entry in self)

    def close(self) -> None:
        """Drop the file list (the entries are empty afterwards)."""
        self._written.close()


@dataclasses.dataclass(frozen=True, slots=True)
class _Background:
    """The copying children (None when this process copied everything) and the package root they copy into."""

    child: BackgroundCopy | None
    root: str

    def wait(self) -> None:
        """Wait for the child; raise what :func:`_copy` raises for its first failed file."""
        failure = self.child.finish() if self.child is not None else None
        if failure is not None:
            _raise_failure(failure, self.root)

    def cancel(self) -> None:
        """Stop the child, so nothing writes into the package afterwards."""
        if self.child is not None:
            self.child.cancel()


def _write_metadata(root: Path, spec: PackageSpec, written: _Written) -> None:
    """Write EAD, PREMIS, the representation METS and the root METS, and add them to ``written``."""
    created = iso(spec.created)
    ead = _write_xml(root, EAD_PATH, created, lambda out: write_ead(spec, out))
    described = written.view("content", "documentation")
    premis = _write_xml(root, PREMIS_PATH, created, lambda out: write_premis(out, described, spec.events, spec.agents))
    reps: list[tuple[str, StoredFile]] = []
    # In path order the files of a representation (representations/<name>/...) come together.
    for name, files in itertools.groupby(written.files("content"), key=lambda f: f.path.split("/")[1]):
        path = f"representations/{name}/METS.xml"
        write = functools.partial(_rep_mets, spec=spec, name=name, files=files)
        reps.append((name, _write_xml(root, path, created, write)))
    mets = build_root_mets(
        spec,
        ead=ead,
        premis=premis,
        documentation=list(written.files("documentation")),
        schemas=list(written.files("schema")),
        representations=reps,
    )
    root_mets = _write_xml(root, ROOT_METS, created, lambda out: out.write(mets))
    for item in (ead, premis, root_mets, *(rep for _name, rep in reps)):
        written.add("metadata", item)


def _manifest_use(path: str) -> str:
    if path.startswith("documentation/"):
        return "documentation"
    if path.startswith("schemas/"):
        return "schema"
    if path.endswith("METS.xml") or path.startswith("metadata/"):
        return "metadata"
    return "content"


class PendingPackage:
    """A package whose XML and small files are written while a child may still be copying content files.

    :attr:`manifest` is final (every digest was known or computed). Call :meth:`wait` (the package is
    complete once it returns; a failure removes the package root and raises as :func:`write_package`
    does) or :meth:`cancel` (stops the child and removes the package root); exactly one of them.
    """

    def __init__(self, manifest: PackageManifest, created: bool, background: _Background) -> None:  # noqa: FBT001
        self.manifest = manifest
        self._created = created
        self._background = background

    def wait(self) -> PackageManifest:
        """Wait for the content files; return the manifest.

        Raises:
            PackageWriteError: A copied file does not match its digest or size, or copying failed.
        """
        with _discarding(self.manifest.root, created=self._created):
            self._background.wait()
        return self.manifest

    def release_entries(self) -> None:
        """Drop the manifest's entries once the caller has used them (bagged), not to hold one per file longer.

        :attr:`manifest` (and what :meth:`wait` returns) keeps its root and package id, with no entries (issue #5).
        """
        if isinstance(self.manifest.entries, _ManifestEntries):
            self.manifest.entries.close()
        self.manifest = dataclasses.replace(self.manifest, entries=())

    def cancel(self) -> None:
        """Stop copying and remove the package root (the caller failed after :func:`start_package`)."""
        self._background.cancel()
        self.release_entries()
        _discard(self.manifest.root, created=self._created)


def _discard(root: Path, *, created: bool) -> None:
    """Remove a partly written package: the root itself when this run created it, else its contents."""
    if created:
        shutil.rmtree(root, ignore_errors=True)
    elif root.is_dir():
        for child in list(root.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


@contextlib.contextmanager
def _discarding(root: Path, *, created: bool) -> Iterator[None]:
    """On a failure inside, remove the partly written package and raise again.

    An I/O or value error is raised as a :class:`PackageWriteError`, anything else as it is.
    """
    try:
        yield
    except BaseException as exc:
        _discard(root, created=created)
        if isinstance(exc, PackageFormatError) or not isinstance(exc, (OSError, ValueError)):
            raise
        raise PackageWriteError(N_("Writing the package failed: %(error)s"), error=str(exc)) from exc


def start_package(root: Path, package: PackageSpec) -> PendingPackage:
    """Like :func:`write_package`, but return while a child may still copy content files.

    Everything but those content files is written when this returns, and the manifest holds every
    file's digest and size, so the caller can go on (bag, sign) and :meth:`PendingPackage.wait` last.

    Raises:
        PackageWriteError: As :func:`write_package` (before anything is left behind).
        DuplicatePathError: Two files map to the same package path.
    """
    _check_path(package.package_id, single=True)
    if not package.records:
        raise PackageWriteError(N_("A package needs at least one record."))
    check_codes(package)
    for_child = _check_jobs(package)
    created = _prepare_root(root)
    with _discarding(root, created=created):
        written, background = _layout(root, package, for_child)
    manifest = PackageManifest(root, package.package_id, _ManifestEntries(written))
    return PendingPackage(manifest, created, background)


def write_package(root: Path, package: PackageSpec) -> PackageManifest:
    """Lay out an E-ARK CSIP package for ``package`` at ``root`` (see :mod:`kho.packages.formats.eark`).

    Writes ``METS.xml``, ``metadata/descriptive/EAD.xml``, ``metadata/preservation/PREMIS.xml``,
    ``representations/<rep>/METS.xml`` and ``data/``, ``documentation/`` and (when the spec lists
    XSDs) ``schemas/``. Content is streamed in 1 MiB blocks and hashed while copied; expected
    digests and sizes in the spec are verified. The same spec always gives the same bytes.

    Args:
        root: The package folder; created if missing, else it must be empty. Name it like
            ``package.package_id`` (CSIP1 recommends it; the validator warns otherwise).
        package: What to write.

    Returns:
        Every file written, sorted by path, with ``sha256:<hex>`` digests and sizes.

    Raises:
        PackageWriteError: Bad specification, unsafe name, digest/size mismatch, non-empty root or
            an I/O error; the partly written package is removed.
        DuplicatePathError: Two files map to the same package path.
    """
    return start_package(root, package).wait()
