"""Store many files into a :class:`FileStore` from a child process while the caller goes on (a second core).

A package import stores every file of the package while it writes the rows. Done on threads, the store's
per-file Python work (open, hash loop, link) waits for the GIL that the row writing holds, and the row
writing waits for it in turn; measured on 2 cores with 10,000 files of 16 KiB, the store threads then took
1.6 s each for what takes 0.6 s alone. :class:`BulkPut` hands the work to a child interpreter instead: the
caller's files go to a job list (a temporary file, one job a line), the child stores them with one
:class:`SyncBatch` (durable before it exits 0) and writes one result line per job, which
:meth:`BulkPut.results` reads back in job order. Where no child can be started (no Python interpreter, e.g.
Kho embedded in a server), the same loop runs on a thread.

Child protocol (``python -I -c _CHILD SRC_ROOT STORE_ROOT JOBS RESULTS DURABLE``): a job line is the
source path and the expected digest (empty for none), tab-separated; a result line is digest, size,
storage key and 1/0 for created. On the first failure the child prints one line (kind ``digest`` or
``os``, job number, errno, text) and exits 1. Pure module: no Django import.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from kho.storage.cas.errors import StoreError
from kho.storage.cas.filestore import FileStore, PutResult, SyncBatch

__all__ = ["BulkPut"]

_SRC_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding the ``kho`` package
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from kho.storage.cas.bulkput import main; sys.exit(main(sys.argv[2:]))"
)


class _Failure(Exception):  # noqa: N818 - a job's failure, as the child reports it
    def __init__(self, kind: str, index: int, errno: int, text: str) -> None:
        super().__init__(text)
        self.kind, self.index, self.errno, self.text = kind, index, errno, text


def store_jobs(store: FileStore, jobs: Path, results: IO[str], stop: threading.Event | None = None) -> None:
    """Store every job of the list in order, one result line each, then make them durable.

    ``stop`` (the thread fallback's): set, no further job is taken.

    Raises:
        _Failure: The first job that failed (its number, and ``digest`` for bytes that do not hash to the
            expected digest, ``os`` for an error of the file system).
    """
    batch = SyncBatch()
    with jobs.open(encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if stop is not None and stop.is_set():
                raise _Failure("os", index, 0, "stopped")
            source, _tab, expected = line.rstrip("\n").partition("\t")
            try:
                with open(source, "rb", buffering=0) as stream:  # noqa: PTH123 - str paths keep the loop cheap
                    put = store.put_stream(stream, expected_digest=expected or None, batch=batch)
            except StoreError as exc:  # put_stream's only one: the bytes hash to another digest
                raise _Failure("digest", index, 0, f"{source}: {exc}") from exc
            except OSError as exc:
                raise _Failure("os", index, exc.errno or 0, f"{exc.strerror or exc}: {source}") from exc
            results.write(f"{put.digest}\t{put.size}\t{put.key}\t{int(put.created)}\n")
    results.flush()
    try:
        batch.sync()
    except OSError as exc:
        raise _Failure("os", -1, exc.errno or 0, str(exc)) from exc


def main(argv: Sequence[str]) -> int:
    """The child: ``STORE_ROOT JOBS RESULTS DURABLE`` (``1`` or ``0``)."""
    root, jobs, results, durable = argv
    try:
        with open(results, "w", encoding="utf-8") as out:  # noqa: PTH123
            store_jobs(FileStore(Path(root), durable=durable == "1"), Path(jobs), out)
    except _Failure as failure:
        text = failure.text.replace("\t", " ").replace("\n", " ")
        sys.stdout.write(f"{failure.kind}\t{failure.index}\t{failure.errno}\t{text}\n")
        return 1
    return 0


class BulkPut:
    """Files being stored by a child process; :meth:`wait` for them, then read :meth:`results`.

    ``jobs`` are (source path, expected digest or None) pairs; they go straight to the job list, none is
    kept in memory. Use it as a context manager: leaving the block stops a child still running (the
    objects it finished stay for ``kho storage sweep``) and removes the temporary files.
    """

    def __init__(self, store: FileStore, jobs: Iterable[tuple[str, str | None]]) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="kho-put-"))
        self._jobs, self._results = self._dir / "jobs.tsv", self._dir / "results.tsv"
        self._proc: subprocess.Popen[str] | None = None
        self._thread: threading.Thread | None = None
        self._failure: _Failure | None = None
        self._stop = threading.Event()
        self._waited = False
        try:
            self.count = self._write_jobs(jobs)
            self._start(store)
        except BaseException:
            self.close()
            raise

    def _write_jobs(self, jobs: Iterable[tuple[str, str | None]]) -> int:
        count = 0
        with self._jobs.open("w", encoding="utf-8") as out:
            for source, expected in jobs:
                line = f"{source}\t{expected or ''}\n"
                if line.count("\t") != 1 or line.count("\n") != 1:
                    raise StoreError(f"a path holds a tab or a line break, which a job list cannot hold: {source!r}")
                out.write(line)
                count += 1
        return count

    def _start(self, store: FileStore) -> None:
        args = [str(store.root), str(self._jobs), str(self._results), "1" if store.durable else "0"]
        if "python" in Path(sys.executable or "").name.lower():
            with contextlib.suppress(OSError):  # no child: the thread below does the work
                self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter running our own module
                    [sys.executable, "-I", "-c", _CHILD, _SRC_ROOT, *args],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                return
        self._thread = threading.Thread(target=self._run_here, args=(store,), name="kho-bulkput", daemon=True)
        self._thread.start()

    def _run_here(self, store: FileStore) -> None:
        try:
            with self._results.open("w", encoding="utf-8") as out:
                store_jobs(store, self._jobs, out, self._stop)
        except _Failure as failure:
            self._failure = failure
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by wait()
            self._failure = _Failure("os", -1, 0, f"{type(exc).__name__}: {exc}")

    def wait(self) -> None:
        """Wait until every file is stored and durable.

        Raises:
            StoreError: A file's bytes do not hash to the expected digest (changed since it was checked).
            OSError: A file could not be read or stored, or the child ended without a verdict.
        """
        if not self._waited:
            self._failure = self._join()
            self._waited = True
        failure = self._failure
        if failure is None:
            return
        if failure.kind == "digest":
            raise StoreError(failure.text)
        raise OSError(failure.errno or None, failure.text)

    def _join(self) -> _Failure | None:
        if self._thread is not None:
            self._thread.join()
            return self._failure
        assert self._proc is not None  # noqa: S101 - started in __init__
        out, _err = self._proc.communicate()
        if self._proc.returncode == 0:
            return None
        parts = out.rstrip("\n").split("\t", 3)
        if len(parts) == 4 and parts[1].lstrip("-").isdigit() and parts[2].isdigit():
            return _Failure(parts[0], int(parts[1]), int(parts[2]), parts[3])
        return _Failure("os", -1, 0, f"the storing process ended with status {self._proc.returncode}")

    def results(self) -> Iterator[PutResult]:
        """What each job stored, in job order (after a successful :meth:`wait`)."""
        self.wait()
        with self._results.open(encoding="utf-8") as lines:
            for line in lines:
                digest, size, key, created = line.rstrip("\n").split("\t")
                yield PutResult(digest=digest, size=int(size), key=key, created=created == "1")

    def close(self) -> None:
        """Stop a child still running, wait for it, and remove the job list and results."""
        if self._proc is not None and self._proc.poll() is None and not self._waited:
            self._proc.kill()
            self._proc.communicate()
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        for path in (self._jobs, self._results):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._dir.rmdir()

    def __enter__(self) -> BulkPut:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
