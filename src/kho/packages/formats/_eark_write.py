"""The E-ARK CSIP package writer behind :func:`kho.packages.formats.eark.write_package`.

Order of work: check every name first (nothing is written for a bad spec), stream the content,
documentation and schema files in (1 MiB blocks, hashed while copied, expected digests verified),
then write EAD, PREMIS, one METS per representation and the root METS, each of which needs the
checksums of what came before. If anything fails, the package root is removed again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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

__all__ = ["write_package"]

# Control characters cannot be stored in XML 1.0; backslash and ":" break on Windows.
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")
_XML = "application/xml"
#: Below this many content files the copying child costs more to start than it saves.
BACKGROUND_MIN_FILES = 200


@dataclass(frozen=True, slots=True)
class _Job:
    """One file to copy: its package path, source, and what to record about it."""

    path: str
    source: Source
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


def _jobs(spec: PackageSpec) -> list[_Job]:
    """List every file to copy, refusing unsafe names and duplicates."""
    created = iso(spec.created)
    jobs: list[_Job] = []
    for f in spec.content_files():
        _check_path(f.representation, single=True)
        _check_path(f.package_path)
        jobs.append(
            _Job(
                f.path_in_package,
                f.source,
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
        )
    for d in spec.documentation:
        _check_path(d.package_path)
        jobs.append(_Job(d.path_in_package, d.source, d.media_type, iso(d.created), "", "documentation"))
    for schema in spec.schema_files:
        name = _check_path(schema.name, single=True)
        jobs.append(_Job(f"schemas/{name}", schema, _XML, created, "", "schema"))
    seen: set[str] = set()
    for job in jobs:
        if job.path in seen:
            raise DuplicatePathError(job.path)
        seen.add(job.path)
    return jobs


@contextlib.contextmanager
def _opened(source: Source) -> Iterator[IO[bytes]]:
    """Yield a readable binary stream for a path or an already open stream (left open)."""
    if isinstance(source, Path):
        with source.open("rb") as stream:
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


def _rep_mets(out: IO[bytes], *, spec: PackageSpec, name: str, files: list[StoredFile]) -> None:
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


def _start_background(root: Path, jobs: list[_Job], dirs: set[str]) -> tuple[BackgroundCopy | None, list[_Job]]:
    """Hand the content files with a known digest and size to a copying child, when there are enough."""
    sent = [
        job
        for job in jobs
        if job.kind == "content" and isinstance(job.source, Path) and job.sha256 is not None and job.size is not None
    ]
    if len(sent) < BACKGROUND_MIN_FILES:
        return None, []
    copies = (CopyJob(str(job.source), str(safe_join(root, job.path, dirs)), job.sha256 or "", job.size or 0)
              for job in sent)  # fmt: skip
    try:
        return BackgroundCopy(copies), sent
    except OSError:  # no child process here: copy in this one
        return None, []


def _raise_failure(failure: CopyFailure, sent: list[_Job]) -> None:
    """Raise what :func:`_copy` raises for the child's first failed file."""
    job = sent[failure.index] if failure.index < len(sent) else sent[0]
    if failure.kind == "digest":
        raise PackageWriteError(N_("%(path)s does not match its expected SHA-256."), path=job.path)
    if failure.kind == "size" and failure.text.isdigit():
        raise PackageWriteError(
            N_("%(path)s is %(size)d bytes, not %(expected)d."), path=job.path, size=int(failure.text),
            expected=job.size,
        )  # fmt: skip
    raise OSError(failure.errno, failure.text, str(job.source))


def _layout(root: Path, spec: PackageSpec, jobs: list[_Job]) -> list[StoredFile]:
    """Copy the files, then write EAD, PREMIS, representation METS and root METS; return all files.

    Content files with a known digest and size are copied by a child process (:mod:`._copyworker`)
    while this one writes the XML from their expected digests; the child's verdict is awaited before
    returning, so a mismatch still fails the package.
    """
    dirs: set[str] = set()  # folders made or checked by this run (one lstat/mkdir per folder, not per file)
    background, sent = _start_background(root, jobs, dirs)
    try:
        in_child = {job.path for job in sent}
        stored = {
            job.path: (job.kind, _predicted(job) if job.path in in_child else _copy(root, job, dirs)) for job in jobs
        }
        files = _write_metadata(root, spec, stored)
    except BaseException:
        if background is not None:
            background.cancel()
        raise
    failure = background.finish() if background is not None else None
    if failure is not None:
        _raise_failure(failure, sent)
    return files


def _write_metadata(root: Path, spec: PackageSpec, stored: dict[str, tuple[str, StoredFile]]) -> list[StoredFile]:
    """Write EAD, PREMIS, the representation METS and the root METS; return every file of the package."""
    created = iso(spec.created)
    by_kind: dict[str, list[StoredFile]] = defaultdict(list)
    for kind, item in stored.values():
        by_kind[kind].append(item)
    ead = _write_xml(root, EAD_PATH, created, lambda out: write_ead(spec, out))
    described = by_kind["content"] + by_kind["documentation"]
    premis = _write_xml(root, PREMIS_PATH, created, lambda out: write_premis(out, described, spec.events, spec.agents))
    per_rep: dict[str, list[StoredFile]] = defaultdict(list)
    for item in by_kind["content"]:
        per_rep[item.path.split("/")[1]].append(item)
    reps: list[tuple[str, StoredFile]] = []
    for name, files in sorted(per_rep.items()):
        path = f"representations/{name}/METS.xml"
        write = functools.partial(_rep_mets, spec=spec, name=name, files=files)
        reps.append((name, _write_xml(root, path, created, write)))
    mets = build_root_mets(
        spec,
        ead=ead,
        premis=premis,
        documentation=by_kind["documentation"],
        schemas=by_kind["schema"],
        representations=reps,
    )
    root_mets = _write_xml(root, ROOT_METS, created, lambda out: out.write(mets))
    return [item for _kind, item in stored.values()] + [ead, premis, root_mets] + [rep for _name, rep in reps]


def _manifest_use(path: str) -> str:
    if path.startswith("documentation/"):
        return "documentation"
    if path.startswith("schemas/"):
        return "schema"
    if path.endswith("METS.xml") or path.startswith("metadata/"):
        return "metadata"
    return "content"


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
    _check_path(package.package_id, single=True)
    if not package.records:
        raise PackageWriteError(N_("A package needs at least one record."))
    check_codes(package)
    jobs = _jobs(package)
    if not any(job.kind == "content" for job in jobs):
        raise PackageWriteError(N_("A package needs at least one content file."))
    created = _prepare_root(root)
    try:
        files = _layout(root, package, jobs)
    except BaseException as exc:
        if created:
            shutil.rmtree(root, ignore_errors=True)
        else:
            for child in list(root.iterdir()):
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        if isinstance(exc, PackageFormatError) or not isinstance(exc, (OSError, ValueError)):
            raise
        raise PackageWriteError(N_("Writing the package failed: %(error)s"), error=str(exc)) from exc
    entries = (ManifestEntry(f.path, f"sha256:{f.sha256}", f.size, f.media_type, _manifest_use(f.path)) for f in files)
    return PackageManifest(root, package.package_id, tuple(sorted(entries, key=lambda e: e.path)))
