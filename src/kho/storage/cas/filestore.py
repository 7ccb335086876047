"""A content-addressed object store in a local directory.

Writes are streaming and atomic: bytes go to a file in ``tmp/`` while being hashed, are fsynced, then get
their content address and the directory is fsynced. On Linux the file has no name until then
(``O_TMPFILE``, linked into place with ``linkat``): nothing is renamed across folders, which the kernel
serialises over the whole file system, and a crash leaves no temporary file; elsewhere (or on a file
system without it) a named temporary file is renamed. An interrupted write leaves at most a temporary
file or an object no database row points at; ``sweep`` removes both once they are older than a grace
period. The fan-out folders are created when the first object needs them, not looked up before each write.

A writer storing many objects at once (a package import) may pass a :class:`SyncBatch` instead: the
objects are then written and renamed without their own fsyncs, and :meth:`SyncBatch.sync` makes every one
durable (file and folder) in one go. The caller must call it before it commits a row naming any of them;
the file system then writes the batch in one journal commit instead of one per object.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from kho.storage.cas.crypto import EncryptResult, encrypt_stream
from kho.storage.cas.digest import ALGORITHM, CHUNK_SIZE, parse_digest
from kho.storage.cas.errors import ObjectMissingError, StoreError
from kho.storage.cas.layout import ENCRYPTED_DIR, LEGACY_LEVELS, LEVELS, encrypted_key_for, key_for


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


def _libc_function(name: str, argtypes: list[Any]) -> Callable[..., int] | None:
    """A function of the C library (Linux only: ``syncfs``, ``linkat``), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return cast("Callable[..., int]", function)


_SYNCFS = _libc_function("syncfs", [ctypes.c_int])


class SyncBatch:
    """Objects stored without their own fsync; :meth:`sync` makes them all durable (thread-safe)."""

    def __init__(self) -> None:
        self._paths: set[str] = set()  # strings: a Path object costs several times more memory
        self._devices: dict[int, str] = {}  # with syncfs: one path per file system, whatever the count
        self._lock = threading.Lock()

    def add(self, path: str | os.PathLike[str], device: int | None = None) -> None:
        """Remember an object (new or already present: it may come from a batch not yet synced).

        ``device`` (its ``st_dev``, when the caller knows it) lets the batch keep one path per file system
        instead of every path where ``syncfs(2)`` makes them durable, so its memory stays flat.
        """
        with self._lock:
            if device is not None and _SYNCFS is not None:
                self._devices.setdefault(device, os.fspath(path))
            else:
                self._paths.add(os.fspath(path))

    def sync(self) -> None:
        """Make every remembered object and its folder entry durable; raise ``OSError`` if that fails.

        On Linux one ``syncfs(2)`` per file system holding them: a single journal commit and cache flush
        (fsyncing each file and folder costs a device cache flush each, milliseconds on most disks).
        Elsewhere every object, then every folder holding one, is fsynced.
        """
        with self._lock:
            paths, self._paths = [Path(name) for name in sorted(self._paths)], set()
            devices, self._devices = self._devices, {}
        if _SYNCFS is None:
            for path in paths:
                _fsync_path(path, os.O_RDONLY)
            for folder in sorted({path.parent for path in paths}):
                _fsync_dir(folder)
            return
        for name in {**{path.stat().st_dev: str(path) for path in paths}, **devices}.values():
            fd = os.open(name, os.O_RDONLY)
            try:
                if _SYNCFS(fd) != 0:
                    error = ctypes.get_errno()
                    raise OSError(error, os.strerror(error), name)
            finally:
                os.close(fd)


class FileStore:
    """Objects under ``root/sha256/ab/<hex>``; temporary files under ``root/tmp``.

    The ``layout`` file holds the store's fan-out levels (see ``layout.py``): one for a store made by this
    version, two for a store made before that file existed (it has an object folder but no ``layout``).
    """

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / "tmp"
        self.durable = durable
        self.levels = _levels(self.root)
        self._tmp_device: int | None = None  # st_dev of tmp/, looked up once (see _device)
        self._tmpfile = _TMPFILE_FLAGS is not None and Path("/proc/self/fd").is_dir()

    def ensure(self) -> None:
        """Create the store's directories and its ``layout`` file (idempotent)."""
        (self.root / ALGORITHM).mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        layout = self.root / _LAYOUT_FILE
        if not layout.is_file():
            layout.write_text(f"fanout {self.levels}\n", encoding="ascii")

    def key_for(self, digest: str) -> str:
        """The relative storage key an object with ``digest`` has (or would have) in this store."""
        return key_for(digest, self.levels)

    def path_for(self, digest: str) -> Path:
        """The path an object with ``digest`` has (or would have) in this store."""
        return self.root / key_for(digest, self.levels)

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
        fd, tmp_name = self._unnamed()
        try:
            with _closing(fd):
                digest, size = _copy_hashing(stream, fd)
                if expected_digest is not None and parse_digest(expected_digest) != parse_digest(digest):
                    raise StoreError(f"content hashes to {digest}, expected {expected_digest}")
                os.fchmod(fd, _OBJECT_MODE)
                if self.durable and batch is None:
                    os.fsync(fd)
                device = os.fstat(fd).st_dev if self.durable and batch is not None else None
                key = key_for(digest, self.levels)
                final = f"{self.root}/{key}"
                created = self._move(tmp_name, final) if tmp_name is not None else _link(fd, final)
            self._published(final, created=created, batch=batch, device=device)
        except BaseException:
            if tmp_name is not None:
                with contextlib.suppress(FileNotFoundError):
                    Path(tmp_name).unlink()
            raise
        return PutResult(digest=digest, size=size, key=key, created=created)

    def stage(self, source: str, staged: str) -> tuple[str, int]:
        """Copy the regular file ``source`` to ``staged`` (a new file under ``tmp/``, no address yet) while hashing it.

        Returns ``(digest, size)``. :meth:`publish` gives the staged file its address; until then removing
        it (or its folder) leaves nothing behind. ``source`` is never followed if it is a symlink, nor read
        if it is not a regular file (a FIFO would block).
        """
        fd_in = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with _closing(fd_in):
            if not stat.S_ISREG(os.fstat(fd_in).st_mode):
                raise OSError(errno.EINVAL, "not a regular file", source)
            fd = os.open(staged, _TEMP_FLAGS, 0o600)
            with _closing(fd), os.fdopen(fd_in, "rb", buffering=0, closefd=False) as stream:
                digest, size = _copy_hashing(stream, fd)
                os.fchmod(fd, _OBJECT_MODE)
        return digest, size

    def publish(self, staged: str, digest: str, size: int, *, batch: SyncBatch) -> PutResult:
        """Give a staged file its address (a rename); dropped when the object is there already."""
        key = key_for(digest, self.levels)
        final = f"{self.root}/{key}"
        created = self._move(staged, final)
        self._published(final, created=created, batch=batch, device=self._device())
        return PutResult(digest=digest, size=size, key=key, created=created)

    def _device(self) -> int | None:
        """The ``st_dev`` of the store's temporary folder (its objects' file system), for a :class:`SyncBatch`."""
        if self.durable and self._tmp_device is None:
            self._tmp_device = self.tmp_dir.stat().st_dev
        return self._tmp_device if self.durable else None

    def put_file(self, path: Path) -> PutResult:
        """Store a file from disk."""
        with path.open("rb", buffering=0) as stream:
            return self.put_stream(stream)

    def _temporary(self, prefix: str) -> tuple[int, str]:
        """A new private file under ``tmp/`` open for writing (the store's folders created when missing).

        ``os.open`` with a random name instead of ``tempfile.mkstemp``: a package import stores thousands
        of objects, and the folders are only looked at when the open finds them missing.
        """
        for _attempt in range(100):
            name = f"{self.tmp_dir}/{prefix}{os.urandom(8).hex()}"
            try:
                return os.open(name, _TEMP_FLAGS, 0o600), name
            except FileNotFoundError:
                self.ensure()
            except FileExistsError:
                continue
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(self.tmp_dir))

    def _unnamed(self) -> tuple[int, str | None]:
        """A file with no name yet (Linux ``O_TMPFILE`` under ``tmp/``), else a named temporary file.

        Linked into place once hashed: no temporary name is created, renamed across folders (which
        the kernel serialises over the whole file system) or left behind by a crash.
        """
        if self._tmpfile and _TMPFILE_FLAGS is not None:
            try:
                return os.open(self.tmp_dir, _TMPFILE_FLAGS, 0o600), None
            except FileNotFoundError:
                self.ensure()
                return os.open(self.tmp_dir, _TMPFILE_FLAGS, 0o600), None
            except OSError as exc:
                if exc.errno not in _NO_TMPFILE:
                    raise
                self._tmpfile = False  # this file system has none: named temporaries from now on
        return self._temporary("put-")

    def _move(self, tmp_name: str, final: str) -> bool:
        """Rename a written temporary file to its address, unless an object is there already (then drop it).

        The fan-out folder is created only when the rename finds it missing (most are, in a new store).
        """
        tmp_path, final_path = Path(tmp_name), Path(final)
        if final_path.is_file():
            tmp_path.unlink()
            return False
        try:
            tmp_path.replace(final_path)
        except FileNotFoundError:
            if not tmp_path.exists():
                raise
            final_path.parent.mkdir(parents=True, exist_ok=True)
            tmp_path.replace(final_path)
        return True

    def _published(self, final: str, *, created: bool, batch: SyncBatch | None, device: int | None = None) -> None:
        """Make a published object durable now, or leave it to ``batch``."""
        if self.durable and batch is not None:
            batch.add(final, device)
        elif self.durable and created:
            _fsync_dir(Path(final).parent)

    def path_for_key(self, key: str) -> Path:
        """The path of a stored object from its relative storage key (``sha256/…`` or ``enc/…``)."""
        parts = key.split("/")
        shape = len(parts) == self.levels + 2 and parts[0] in {ALGORITHM, ENCRYPTED_DIR}
        if not shape or any(p in {"", ".", ".."} for p in parts):
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
        fd, tmp_name = self._temporary("enc-")
        try:
            with os.fdopen(fd, "wb") as out:
                result = encrypt_stream(stream, out, data_key, chunk_size)
                out.flush()
                os.fchmod(out.fileno(), _OBJECT_MODE)
                if self.durable:
                    os.fsync(out.fileno())
            key = encrypted_key_for(result.cipher_digest, self.levels)
            created = self._move(tmp_name, f"{self.root}/{key}")
            self._published(f"{self.root}/{key}", created=created, batch=None)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                Path(tmp_name).unlink()
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

    def _iter_tree(self, base: Path) -> Iterator[tuple[str, Path]]:
        if base.is_dir():
            for obj in _walk(base, self.levels):
                yield f"{ALGORITHM}:{obj.name}", obj

    def stale_temporaries(self, older_than_seconds: float) -> list[Path]:
        """Temporary files and staging folders (``stage-*``) left by interrupted writes, older than the grace period."""
        if not self.tmp_dir.is_dir():
            return []
        cutoff = time.time() - older_than_seconds
        return [
            p
            for p in self.tmp_dir.iterdir()
            if (p.is_file() or (p.is_dir() and p.name.startswith(STAGE_PREFIX))) and p.stat().st_mtime < cutoff
        ]


_LAYOUT_FILE = "layout"
#: Name prefix of a staging folder under ``tmp/`` (see ``bulkput.py``); ``stale_temporaries`` lists old ones.
STAGE_PREFIX = "stage-"


def _walk(folder: Path, depth: int) -> Iterator[Path]:
    """Every file ``depth`` folders below ``folder``, in name order."""
    for entry in sorted(folder.iterdir()):
        if depth and entry.is_dir():
            yield from _walk(entry, depth - 1)
        elif not depth and entry.is_file():
            yield entry


def _levels(root: Path) -> int:
    """The fan-out levels of the store at ``root``: its ``layout`` file, else its age (see :class:`FileStore`)."""
    try:
        text = (root / _LAYOUT_FILE).read_text(encoding="ascii")
    except FileNotFoundError:
        old = (root / ALGORITHM).is_dir() or (root / ENCRYPTED_DIR).is_dir()
        return LEGACY_LEVELS if old else LEVELS
    name, _space, value = text.strip().partition(" ")
    if name != "fanout" or value not in {"1", "2"}:
        raise StoreError(f"{root / _LAYOUT_FILE} does not name a layout (fanout 1 or 2): {text.strip()[:40]!r}")
    return int(value)


_OBJECT_MODE = 0o440  # objects are never changed in place: read-only for owner and group
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_AT_FDCWD, _AT_SYMLINK_FOLLOW = -100, 0x400  # <fcntl.h> on Linux
_LINKAT = _libc_function("linkat", [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int])
_TMPFILE_FLAGS = os.O_WRONLY | os.O_TMPFILE | os.O_CLOEXEC if hasattr(os, "O_TMPFILE") and _LINKAT is not None else None
_NO_TMPFILE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL}  # kernel or file system without O_TMPFILE
_local = threading.local()


def _link(fd: int, final: str) -> bool:
    """Give an unnamed file its address; False when an object is there already.

    ``linkat(2)`` with ``AT_SYMLINK_FOLLOW`` on ``/proc/self/fd/N``, as ``open(2)`` documents for
    ``O_TMPFILE`` (``os.link`` calls plain ``link(2)`` here, which would link the ``/proc`` entry itself).
    """
    assert _LINKAT is not None  # noqa: S101 - only called when _TMPFILE_FLAGS is set, which needs linkat
    source, target = f"/proc/self/fd/{fd}".encode(), os.fsencode(final)
    for _attempt in range(2):
        if _LINKAT(_AT_FDCWD, source, _AT_FDCWD, target, _AT_SYMLINK_FOLLOW) == 0:
            return True
        error = ctypes.get_errno()
        if error == errno.EEXIST:
            return False
        if error != errno.ENOENT or _attempt:
            raise OSError(error, os.strerror(error), final)
        Path(final).parent.mkdir(parents=True, exist_ok=True)  # a new fan-out folder
    return True  # unreachable: the second attempt returns or raises


@contextlib.contextmanager
def _closing(fd: int) -> Iterator[int]:
    try:
        yield fd
    finally:
        os.close(fd)


def _buffer() -> memoryview:
    """This thread's copy buffer (``CHUNK_SIZE``), allocated once rather than once per object."""
    view: memoryview | None = getattr(_local, "view", None)
    if view is None:
        view = _local.view = memoryview(bytearray(CHUNK_SIZE))
    return view


def _copy_hashing(stream: BinaryIO, fd: int) -> tuple[str, int]:
    """Copy ``stream`` to ``fd`` in ``CHUNK_SIZE`` blocks while hashing it; return ``(digest, size)``.

    Hashing and writing a block release the GIL, so several threads storing objects overlap.
    """
    hasher, size, view = hashlib.sha256(), 0, _buffer()
    readinto = getattr(stream, "readinto", None)
    while True:
        if readinto is not None:
            count = int(readinto(view) or 0)
            block = view[:count]
        else:
            block = memoryview(stream.read(CHUNK_SIZE))
            count = len(block)
        if not count:
            break
        hasher.update(block)
        while block:
            block = block[os.write(fd, block) :]
        size += count
    return f"{ALGORITHM}:{hasher.hexdigest()}", size
