"""Maps and sets that move to disk past a few thousand entries, so a package's per-file facts need flat memory.

A package holds one manifest line, one METS ``file`` entry, one digest... per file. Kept in dicts, these
cost some kilobytes a file across the validator, the importer and the exporter: a million-file fonds would
need gigabytes. :class:`SpillMap` behaves like a ``dict`` (insertion order kept, an update keeps the
position) but keeps at most ``limit`` entries in memory: past that, every entry moves into a private,
temporary SQLite database (``sqlite3.connect("")``: a file SQLite deletes when the connection closes, with a
page cache of ``CACHE_KIB``), and later writes reach it a batch at a time. Small packages never touch disk.

Keys are any ``str``, a file name with bytes that are not UTF-8 (lone surrogates in Python) included:
they are stored as their UTF-8 bytes with ``surrogatepass``. Values are any value :mod:`marshal` writes
(``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``, and tuples, lists, sets, frozensets and dicts of
those): the database is private to this process and only ever holds what it wrote. A map is not
thread-safe; use it from one thread at a time, and do not change it while iterating over it. Close it (or
use it as a context manager) to drop the database at once rather than at garbage collection.

:func:`sorted_lines` sorts the lines of a manifest the same way: at most ``RUN_LINES`` at a time in memory,
the sorted runs on disk, merged as they are read.
"""

from __future__ import annotations

import heapq
import marshal
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, MutableMapping, MutableSet
from typing import IO, Any, TypeVar

__all__ = [
    "CACHE_KIB",
    "DEFAULT_LIMIT",
    "RUN_LINES",
    "SpillMap",
    "SpillSet",
    "load_value",
    "private_database",
    "sorted_lines",
]

V = TypeVar("V")

#: Entries a map keeps in memory before it moves everything to disk.
DEFAULT_LIMIT = 2048
#: SQLite page cache of a spilled map (KiB): what its disk part may hold in memory.
CACHE_KIB = 1024
_BATCH = 1024
#: Lines :func:`sorted_lines` sorts in memory before it writes them out as one sorted run.
RUN_LINES = 20_000
_MISSING = object()
_UPSERT = "INSERT INTO m (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v"


def _key(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


def load_value(data: bytes) -> Any:
    """A value this process wrote with ``marshal.dumps`` into its own :func:`private_database`."""
    return marshal.loads(data)  # noqa: S302 - private temporary database, written only by this process


def private_database() -> sqlite3.Connection:
    """A private temporary SQLite database (deleted when closed), autocommit, page cache ``CACHE_KIB``.

    Nothing in it must survive a crash, so it keeps no journal and never syncs.
    """
    db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
    for pragma in (f"cache_size = -{CACHE_KIB}", "journal_mode = OFF", "synchronous = OFF"):
        db.execute(f"PRAGMA {pragma}")
    return db


class SpillMap(MutableMapping[str, V]):
    """A ``dict`` of ``str`` keys that keeps at most ``limit`` entries in memory (see the module docstring)."""

    def __init__(self, items: Iterable[tuple[str, V]] = (), *, limit: int | None = None) -> None:
        self._limit = max(DEFAULT_LIMIT if limit is None else limit, 0)  # the module's value now: tests lower it
        self._mem: dict[str, V] = {}  # every entry until spilled, then the writes not yet flushed
        self._db: sqlite3.Connection | None = None
        for key, value in items:
            self[key] = value

    @property
    def spilled(self) -> bool:
        """Whether the entries live on disk."""
        return self._db is not None

    def __setitem__(self, key: str, value: V) -> None:
        if self._db is not None and key not in self._mem:
            self._mem[key] = value
            if len(self._mem) >= _BATCH:
                self._flush()
            return
        self._mem[key] = value
        if self._db is None and len(self._mem) > self._limit:
            self._spill()

    def __getitem__(self, key: str) -> V:
        value = self._mem.get(key, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        if self._db is not None:
            row = self._db.execute("SELECT v FROM m WHERE k = ?", (_key(key),)).fetchone()
            if row is not None:
                return load_value(row[0])  # type: ignore[no-any-return]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if key in self._mem:
            return True
        if self._db is None or not isinstance(key, str):
            return False
        return self._db.execute("SELECT 1 FROM m WHERE k = ?", (_key(key),)).fetchone() is not None

    def __delitem__(self, key: str) -> None:
        if self._db is None:
            del self._mem[key]
            return
        self._flush()
        if self._db.execute("DELETE FROM m WHERE k = ?", (_key(key),)).rowcount == 0:
            raise KeyError(key)

    def __len__(self) -> int:
        if self._db is None:
            return len(self._mem)
        self._flush()
        return int(self._db.execute("SELECT count(*) FROM m").fetchone()[0])

    def __iter__(self) -> Iterator[str]:
        if self._db is None:
            yield from list(self._mem)
            return
        for key, _value in self._rows("SELECT k, NULL FROM m ORDER BY rowid"):
            yield key.decode("utf-8", "surrogatepass")

    def items(self) -> Iterator[tuple[str, V]]:  # type: ignore[override]
        """Every ``(key, value)`` in insertion order, read from disk a batch at a time."""
        if self._db is None:
            yield from list(self._mem.items())
            return
        for key, value in self._rows("SELECT k, v FROM m ORDER BY rowid"):
            yield key.decode("utf-8", "surrogatepass"), load_value(value)

    def sorted_items(self) -> Iterator[tuple[str, V]]:
        """Every ``(key, value)`` in key order (code points: the UTF-8 keys on disk sort the same way)."""
        if self._db is None:
            yield from sorted(self._mem.items(), key=lambda item: item[0])
            return
        for key, value in self._rows("SELECT k, v FROM m ORDER BY k"):
            yield key.decode("utf-8", "surrogatepass"), load_value(value)

    def values(self) -> Iterator[V]:  # type: ignore[override]
        """Every value in insertion order."""
        for _key, value in self.items():
            yield value

    def _rows(self, sql: str) -> Iterator[tuple[bytes, Any]]:
        """Rows of ``sql`` over the disk part (after the pending writes), a batch at a time."""
        assert self._db is not None  # noqa: S101 - called only once spilled
        self._flush()
        cursor = self._db.execute(sql)
        while batch := cursor.fetchmany(_BATCH):
            yield from batch

    def _spill(self) -> None:
        db = private_database()
        db.execute("CREATE TABLE m (k BLOB PRIMARY KEY, v BLOB NOT NULL)")
        self._db = db
        self._flush()

    def _flush(self) -> None:
        if self._db is None or not self._mem:
            return
        rows = [(_key(key), marshal.dumps(value)) for key, value in self._mem.items()]  # type: ignore[arg-type]
        self._mem = {}
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(_UPSERT, rows)

    def clear(self) -> None:
        """Drop every entry (and the database)."""
        self.close()
        self._mem = {}

    def close(self) -> None:
        """Drop the disk part now; the map is empty afterwards."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self._mem = {}

    def __enter__(self) -> SpillMap[V]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = "on disk" if self.spilled else "in memory"
        return f"<SpillMap {len(self)} entries {where}>"


class SpillSet(MutableSet[str]):
    """A set of ``str`` with the memory bound of :class:`SpillMap` (iterates in insertion order)."""

    def __init__(self, items: Iterable[str] = (), *, limit: int | None = None) -> None:
        self._map: SpillMap[None] = SpillMap(((item, None) for item in items), limit=limit)

    def __contains__(self, item: object) -> bool:
        return item in self._map

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def add(self, value: str) -> None:
        """Add ``value`` (no effect when present)."""
        self._map[value] = None

    def discard(self, value: str) -> None:
        """Remove ``value`` if present."""
        if value in self._map:
            del self._map[value]

    def close(self) -> None:
        """Drop the disk part now; the set is empty afterwards."""
        self._map.close()

    def __enter__(self) -> SpillSet:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def sorted_lines(
    lines: Iterable[bytes], key: Callable[[bytes], Any] | None = None, *, run: int = RUN_LINES
) -> Iterator[bytes]:
    """``sorted(lines, key=key)``, holding at most ``run`` lines in memory (no line may hold a newline).

    Up to ``run`` lines are sorted in memory; more are sorted in runs written to temporary files and merged
    (``heapq.merge``, stable like ``sorted``). The files are gone when the iterator is exhausted or closed.
    """
    runs: list[IO[bytes]] = []
    chunk: list[bytes] = []
    try:
        for line in lines:
            chunk.append(line)
            if len(chunk) >= run:
                runs.append(_run_file(sorted(chunk, key=key)))
                chunk = []
        chunk.sort(key=key)
        if not runs:
            yield from chunk
            return
        if chunk:
            runs.append(_run_file(chunk))
            chunk = []
        yield from heapq.merge(*(_read_run(f) for f in runs), key=key)
    finally:
        for f in runs:
            f.close()


def _run_file(lines: list[bytes]) -> IO[bytes]:
    f = tempfile.TemporaryFile()  # noqa: SIM115 - closed by sorted_lines
    f.writelines(line + b"\n" for line in lines)
    f.seek(0)
    return f


def _read_run(f: IO[bytes]) -> Iterator[bytes]:
    return (line[:-1] for line in f)
