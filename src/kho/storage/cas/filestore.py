"""A content-addressed object store in a local directory.

Writes are streaming and atomic: bytes go to ``tmp/`` while being hashed, are fsynced, renamed to their
content address and the directory is fsynced. An interrupted write leaves at most a temporary file or an
object no database row points at; ``sweep`` removes both once they are older than a grace period.

A writer storing many objects at once (a package import) may pass a :class:`SyncBatch` instead: the
objects are then written and renamed without their own fsyncs, and :meth:`SyncBatch.sync` makes every one
durable (file and folder) in one go. The caller must call it before it commits a row naming any of them;
the file system then writes the batch in one journal commit instead of one per object.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from kho.storage.cas.crypto import EncryptResult, encrypt_stream
from kho.storage.cas.digest import ALGORITHM, CHUNK_SIZE, hash_stream, parse_digest
from kho.storage.cas.errors import ObjectMissingError, StoreError
from kho.storage.cas.layout import ENCRYPTED_DIR, encrypted_key_for, key_for


@dataclass(frozen=True, slots=True)
class EncryptedPut:
    """What ``put_encrypted`` stored: digests and sizes, the storage key, whether the file was new."""

    result: EncryptResult
    key: str
    created: bool


@dataclass(frozen=True, slots=True)
class PutResult:
    """What ``put_stream`` stored: the digest, size, storage key and whether the bytes were new."""

    digest: str
    size: int
    key: str
    created: bool


def _fsync_dir(path: Path) -> None:
    _fsync_path(path, os.O_RDONLY | os.O_DIRECTORY)


def _fsync_path(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _syncfs() -> Callable[[int], int] | None:
    """``syncfs(2)`` from the C library (Linux), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return cast("Callable[[int], int]", function)


_SYNCFS = _syncfs()


class SyncBatch:
    """Objects stored without their own fsync; :meth:`sync` makes them all durable (thread-safe)."""

    def __init__(self) -> None:
        self._paths: set[str] = set()  # strings: a Path object costs several times more memory
        self._lock = threading.Lock()

    def add(self, path: Path) -> None:
        """Remember an object (new or already present: it may come from a batch not yet synced)."""
        with self._lock:
            self._paths.add(os.fspath(path))

    def sync(self) -> None:
        """Make every remembered object and its folder entry durable; raise ``OSError`` if that fails.

        On Linux one ``syncfs(2)`` per file system holding them: a single journal commit and cache flush
        (fsyncing each file and folder costs a device cache flush each, milliseconds on most disks).
        Elsewhere every object, then every folder holding one, is fsynced.
        """
        with self._lock:
            paths, self._paths = [Path(name) for name in sorted(self._paths)], set()
        if _SYNCFS is None:
            for path in paths:
                _fsync_path(path, os.O_RDONLY)
            for folder in sorted({path.parent for path in paths}):
                _fsync_dir(folder)
            return
        for path in {path.stat().st_dev: path for path in paths}.values():
            fd = os.open(path, os.O_RDONLY)
            try:
                if _SYNCFS(fd) != 0:
                    error = ctypes.get_errno()
                    raise OSError(error, os.strerror(error), str(path))
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

    def put_stream(
        self, stream: BinaryIO, expected_digest: str | None = None, *, batch: SyncBatch | None = None
    ) -> PutResult:
        """Store the bytes of ``stream`` under their SHA-256 and return where they went.

        If ``expected_digest`` is given and the bytes hash to something else, nothing is stored and
        ``StoreError`` is raised. Storing bytes that are already present is a no-op (``created`` False).
        With ``batch`` the object is not fsynced here: it is durable once ``batch.sync()`` returns.
        """
        self.ensure()
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="put-")
        tmp_path = Path(tmp_name)
        try:
            digest, size = self._copy_hashing(stream, fd, sync=batch is None)
            if expected_digest is not None and parse_digest(expected_digest) != parse_digest(digest):
                raise StoreError(f"content hashes to {digest}, expected {expected_digest}")
            created = self._publish_at(tmp_path, self.path_for(digest), batch)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
            raise
        return PutResult(digest=digest, size=size, key=key_for(digest), created=created)

    def put_file(self, path: Path) -> PutResult:
        """Store a file from disk."""
        with path.open("rb") as stream:
            return self.put_stream(stream)

    def _copy_hashing(self, stream: BinaryIO, fd: int, *, sync: bool = True) -> tuple[str, int]:
        with os.fdopen(fd, "wb") as out:
            tee = _TeeWriter(stream, out)
            digest, size = hash_stream(tee, CHUNK_SIZE)  # type: ignore[arg-type]
            out.flush()
            if self.durable and sync:
                os.fsync(out.fileno())
        return digest, size

    def _publish_at(self, tmp_path: Path, final: Path, batch: SyncBatch | None = None) -> bool:
        if final.is_file():
            tmp_path.unlink()
            created = False
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp_path.replace(final)
            final.chmod(0o440)
            created = True
        if self.durable and batch is not None:
            batch.add(final)
        elif self.durable and created:
            _fsync_dir(final.parent)
        return created

    def path_for_key(self, key: str) -> Path:
        """The path of a stored object from its relative storage key (``sha256/…`` or ``enc/…``)."""
        parts = key.split("/")
        if len(parts) != 4 or parts[0] not in {ALGORITHM, ENCRYPTED_DIR} or any(p in {"", ".", ".."} for p in parts):
            raise StoreError(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)

    def open_key(self, key: str) -> BinaryIO:
        """Open a stored object by its storage key; ``ObjectMissingError`` when it is absent."""
        try:
            return self.path_for_key(key).open("rb")
        except FileNotFoundError:
            raise ObjectMissingError(f"object {key} is missing from {self.root}") from None

    def put_encrypted(self, stream: BinaryIO, data_key: bytes, chunk_size: int = CHUNK_SIZE) -> EncryptedPut:
        """Encrypt ``stream`` into the store (only ciphertext ever touches the disk) and publish it.

        The object is named by its ciphertext digest under ``enc/``; the caller records the plaintext
        digest, the wrapped data key and the storage key in the database after this returns.
        """
        self.ensure()
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="enc-")
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                result = encrypt_stream(stream, out, data_key, chunk_size)
                out.flush()
                if self.durable:
                    os.fsync(out.fileno())
            key = encrypted_key_for(result.cipher_digest)
            created = self._publish_at(tmp_path, self.root / key)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
            raise
        return EncryptedPut(result=result, key=key, created=created)

    def delete_key(self, key: str) -> None:
        """Remove an object by its storage key (a replaced plaintext, an unused ciphertext)."""
        path = self.path_for_key(key)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            if self.durable:
                _fsync_dir(path.parent)

    def iter_encrypted(self) -> Iterator[tuple[str, Path]]:
        """Yield ``(ciphertext digest, path)`` for every encrypted object file."""
        yield from self._iter_tree(self.root / ENCRYPTED_DIR)

    def delete(self, digest: str) -> None:
        """Remove an object (used only by ``sweep`` and by tests that simulate loss)."""
        with contextlib.suppress(FileNotFoundError):
            self.path_for(digest).unlink()

    def iter_digests(self) -> Iterator[tuple[str, Path]]:
        """Yield ``(digest, path)`` for every object file in the store."""
        yield from self._iter_tree(self.root / ALGORITHM)

    @staticmethod
    def _iter_tree(base: Path) -> Iterator[tuple[str, Path]]:
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
