"""A content-addressed object store in a local directory.

Writes are streaming and atomic: bytes go to ``tmp/`` while being hashed, are fsynced, renamed to their
content address and the directory is fsynced. An interrupted write leaves at most a temporary file or an
object no database row points at; ``sweep`` removes both once they are older than a grace period.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kho.storage.cas.digest import ALGORITHM, CHUNK_SIZE, hash_stream, parse_digest
from kho.storage.cas.layout import key_for


class StoreError(OSError):
    """The store could not write or read an object (disk full, permissions, a digest that does not match)."""


class ObjectMissingError(StoreError):
    """No object with this digest is in the store."""


@dataclass(frozen=True, slots=True)
class PutResult:
    """What ``put_stream`` stored: the digest, size, storage key and whether the bytes were new."""

    digest: str
    size: int
    key: str
    created: bool


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileStore:
    """Objects under ``root/sha256/ab/cd/<hex>``; temporary files under ``root/tmp``."""

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / "tmp"
        self.durable = durable

    def ensure(self) -> None:
        """Create the store's directories (idempotent)."""
        (self.root / ALGORITHM).mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def path_for(self, digest: str) -> Path:
        """The path an object with ``digest`` has (or would have) in this store."""
        return self.root / key_for(digest)

    def exists(self, digest: str) -> bool:
        """True when the object is present."""
        return self.path_for(digest).is_file()

    def open(self, digest: str) -> BinaryIO:
        """Open a stored object for reading; raise ``ObjectMissingError`` when it is absent."""
        try:
            return self.path_for(digest).open("rb", buffering=0)
        except FileNotFoundError:
            raise ObjectMissingError(f"object {digest} is missing from {self.root}") from None

    def put_stream(self, stream: BinaryIO, expected_digest: str | None = None) -> PutResult:
        """Store the bytes of ``stream`` under their SHA-256 and return where they went.

        If ``expected_digest`` is given and the bytes hash to something else, nothing is stored and
        ``StoreError`` is raised. Storing bytes that are already present is a no-op (``created`` False).
        """
        self.ensure()
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="put-")
        tmp_path = Path(tmp_name)
        try:
            digest, size = self._copy_hashing(stream, fd)
            if expected_digest is not None and parse_digest(expected_digest) != parse_digest(digest):
                raise StoreError(f"content hashes to {digest}, expected {expected_digest}")
            created = self._publish(tmp_path, digest)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
            raise
        return PutResult(digest=digest, size=size, key=key_for(digest), created=created)

    def put_file(self, path: Path) -> PutResult:
        """Store a file from disk."""
        with path.open("rb") as stream:
            return self.put_stream(stream)

    def _copy_hashing(self, stream: BinaryIO, fd: int) -> tuple[str, int]:
        with os.fdopen(fd, "wb") as out:
            tee = _TeeWriter(stream, out)
            digest, size = hash_stream(tee, CHUNK_SIZE)  # type: ignore[arg-type]
            out.flush()
            if self.durable:
                os.fsync(out.fileno())
        return digest, size

    def _publish(self, tmp_path: Path, digest: str) -> bool:
        final = self.path_for(digest)
        if final.is_file():
            tmp_path.unlink()
            return False
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp_path.replace(final)
        final.chmod(0o440)
        if self.durable:
            _fsync_dir(final.parent)
        return True

    def delete(self, digest: str) -> None:
        """Remove an object (used only by ``sweep`` and by tests that simulate loss)."""
        with contextlib.suppress(FileNotFoundError):
            self.path_for(digest).unlink()

    def iter_digests(self) -> Iterator[tuple[str, Path]]:
        """Yield ``(digest, path)`` for every object file in the store."""
        base = self.root / ALGORITHM
        if not base.is_dir():
            return
        for first in sorted(base.iterdir()):
            for second in sorted(first.iterdir()) if first.is_dir() else ():
                for obj in sorted(second.iterdir()) if second.is_dir() else ():
                    if obj.is_file():
                        yield f"{ALGORITHM}:{obj.name}", obj

    def stale_temporaries(self, older_than_seconds: float) -> list[Path]:
        """Temporary files left by interrupted writes, older than the grace period."""
        if not self.tmp_dir.is_dir():
            return []
        cutoff = time.time() - older_than_seconds
        return [p for p in self.tmp_dir.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]


class _TeeWriter:
    """A reader that writes every block it returns to ``out`` (so hashing and copying are one pass)."""

    def __init__(self, src: BinaryIO, out: BinaryIO) -> None:
        self._src, self._out = src, out

    def readinto(self, view: memoryview) -> int:
        readinto = getattr(self._src, "readinto", None)
        if readinto is not None:
            count = int(readinto(view) or 0)
        else:
            block = self._src.read(len(view))
            count = len(block)
            view[:count] = block
        if count:
            self._out.write(view[:count])
        return count
