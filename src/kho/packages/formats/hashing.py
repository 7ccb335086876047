"""Streaming file hashing: every algorithm in one pass over 1 MiB ``readinto`` blocks (style rule 15).

Memory does not grow with file size: each thread reuses one 1 MiB buffer. :func:`hash_many` runs a
bounded thread pool; hashlib releases the GIL while digesting large blocks, so threads overlap I/O and
hashing without the pickling cost of processes (compare bagit ``_calculate_file_hashes``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from typing import IO, TypeVar

__all__ = [
    "BLOCK_SIZE",
    "INLINE_SIZE",
    "POOL_MIN_BYTES",
    "DIGEST_HEX_LENGTH",
    "SUPPORTED_ALGORITHMS",
    "SeenFilter",
    "copy_and_hash",
    "default_workers",
    "hash_file",
    "hash_many",
    "new_hashers",
]

BLOCK_SIZE = 1024 * 1024
#: Files below this size are hashed inline by :func:`hash_many` (thread hand-off costs more).
INLINE_SIZE = 256 * 1024
#: :func:`hash_many` starts no thread pool for jobs totalling less than this.
POOL_MIN_BYTES = 16 * 1024 * 1024

#: Manifest algorithms Kho can verify, with the length of their hex digest.
DIGEST_HEX_LENGTH: dict[str, int] = {
    "md5": 32,
    "sha1": 40,
    "sha224": 56,
    "sha256": 64,
    "sha384": 96,
    "sha512": 128,
}
SUPPORTED_ALGORITHMS = frozenset(DIGEST_HEX_LENGTH)
_WEAK = frozenset({"md5", "sha1"})

K = TypeVar("K")
Path_ = str | os.PathLike[str]
_local = threading.local()


def _buffer() -> memoryview:
    """Return this thread's reusable 1 MiB buffer (allocated once per thread)."""
    view: memoryview | None = getattr(_local, "view", None)
    if view is None:
        view = memoryview(bytearray(BLOCK_SIZE))
        _local.view = view
    return view


def new_hashers(algorithms: Iterable[str]) -> dict[str, hashlib._Hash]:
    """Return fresh hashlib objects keyed by algorithm name.

    Raises:
        ValueError: An algorithm is not in :data:`SUPPORTED_ALGORITHMS`.
    """
    hashers: dict[str, hashlib._Hash] = {}
    for name in algorithms:
        if name not in SUPPORTED_ALGORITHMS:
            raise ValueError(f"unsupported digest algorithm: {name}")
        # md5/sha1 only verify fixity of legacy bags; they are never used as a security boundary.
        hashers[name] = hashlib.new(name, usedforsecurity=name not in _WEAK)
    return hashers


def _pump(read_into: Callable[[memoryview], int | None], sink: Callable[[memoryview], object]) -> int:
    """Feed blocks from ``read_into`` to ``sink`` until EOF; return the byte count."""
    view = _buffer()
    total = 0
    while True:
        n = read_into(view)
        if not n:
            return total
        sink(view[:n])
        total += n


def hash_file(path: str | os.PathLike[str], algorithms: Sequence[str] = ("sha256",)) -> dict[str, str]:
    """Hash one file with every algorithm in a single streaming pass.

    Args:
        path: File to read; the caller has already passed it through ``safe_join``.
        algorithms: hashlib names from :data:`SUPPORTED_ALGORITHMS`.

    Returns:
        Lower-case hex digests keyed by algorithm.

    Raises:
        OSError: The file cannot be opened or read.
        ValueError: An unsupported algorithm was asked for.
    """
    hashers = new_hashers(algorithms)
    updates = [h.update for h in hashers.values()]

    def sink(block: memoryview) -> None:
        for update in updates:
            update(block)

    with open(path, "rb", buffering=0) as f:  # noqa: PTH123 - raw FileIO for readinto
        _pump(f.readinto, sink)
    return {name: h.hexdigest() for name, h in hashers.items()}


def copy_and_hash(src: IO[bytes], dst: IO[bytes], algorithms: Sequence[str]) -> tuple[dict[str, str], int]:
    """Copy ``src`` to ``dst`` in 1 MiB blocks while hashing, so the data is read only once.

    Args:
        src: Readable binary stream (``readinto`` is used when available, else ``read``).
        dst: Writable binary stream.
        algorithms: hashlib names from :data:`SUPPORTED_ALGORITHMS`.

    Returns:
        The hex digests keyed by algorithm, and the number of bytes copied.
    """
    hashers = new_hashers(algorithms)
    updates = [h.update for h in hashers.values()]

    def sink(block: memoryview) -> None:
        for update in updates:
            update(block)
        dst.write(block)

    readinto = getattr(src, "readinto", None)
    if readinto is None:

        def readinto(view: memoryview) -> int:
            data = src.read(len(view))
            view[: len(data)] = data
            return len(data)

    size = _pump(readinto, sink)
    return {name: h.hexdigest() for name, h in hashers.items()}, size


class SeenFilter:
    """A fixed-size Bloom filter of strings: says "surely new" for most new keys, so no lookup is needed.

    A spilled map or set (:mod:`~kho.packages.formats.spill`) answers ``key in map`` with a database query;
    most keys a check adds are new (one manifest line, one ID per file), so asking this filter first saves
    that query. :meth:`add` may answer True for a key never added (rarely while it holds fewer keys than a
    few hundred thousand; more often beyond): the caller then asks the map, which knows. It never answers
    False for a key added before. Memory is fixed (``size`` bytes, a power of two) however many keys it
    holds.
    """

    def __init__(self, size: int = 1 << 19) -> None:
        self._bits = bytearray(size)
        self._mask = size * 8 - 1  # size must be a power of two

    def add(self, key: str) -> bool:
        """Remember ``key``; return False when it surely was not added before."""
        value = hash(key)
        first, second = value & self._mask, (value >> 32) & self._mask
        bits = self._bits
        one, two = 1 << (first & 7), 1 << (second & 7)
        seen = bool(bits[first >> 3] & one) and bool(bits[second >> 3] & two)
        bits[first >> 3] |= one
        bits[second >> 3] |= two
        return seen


def default_workers() -> int:
    """Return the default hashing thread count: CPUs + 2 (I/O overlap), at most 8."""
    return min(8, (os.cpu_count() or 1) + 2)


def _job(key: K, path: Path_, algorithms: Sequence[str]) -> tuple[K, dict[str, str] | OSError]:
    """Hash one file for :func:`hash_many`, returning the OSError instead of raising it."""
    try:
        return key, hash_file(path, algorithms)
    except OSError as exc:
        return key, exc


def hash_many(
    jobs: Iterable[tuple[K, Path_, Sequence[str], int]], *, workers: int | None = None, total_bytes: int = -1
) -> Iterator[tuple[K, dict[str, str] | OSError]]:
    """Hash many files, large ones on a bounded thread pool, yielding results in completion order.

    Files known to be smaller than :data:`INLINE_SIZE` are hashed in the calling thread while the
    pool works: for them the per-file Python overhead, not hashing, is the cost, and threads would
    only fight over the GIL. At most ``2 * workers`` large files are in flight, so memory stays flat
    however many files there are. An unreadable file yields its ``OSError`` instead of stopping the
    run (validators report it).

    Args:
        jobs: ``(key, path, algorithms, size)``; ``key`` is handed back with the result, ``size`` is
            the expected size in bytes or -1 if unknown (then the pool hashes it).
        workers: Thread count; None means :func:`default_workers`, 1 hashes everything inline.
        total_bytes: Total size of the jobs if known; below :data:`POOL_MIN_BYTES` no pool is
            started (starting threads costs more than it saves on a small bag).

    Yields:
        ``(key, digests)`` or ``(key, OSError)``.
    """
    n = workers or default_workers()
    if n <= 1 or 0 <= total_bytes < POOL_MIN_BYTES:
        for key, path, algorithms, _size in jobs:
            yield _job(key, path, algorithms)
        return
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="kho-hash") as pool:
        pending: set[Future[tuple[K, dict[str, str] | OSError]]] = set()
        for key, path, algorithms, size in jobs:
            if 0 <= size < INLINE_SIZE:
                yield _job(key, path, algorithms)
                continue
            pending.add(pool.submit(_job, key, path, algorithms))
            if len(pending) >= 2 * n:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        for future in as_completed(pending):
            yield future.result()
