"""Store many files into a :class:`FileStore` from a child process while the caller goes on (a second core).

A package import stores every file of the package while it checks the package and writes the rows. Done
on threads, the store's per-file Python work (open, hash loop, rename) waits for the GIL that the checks
and the row writing hold, and they wait for it in turn; measured on 2 cores with 10,000 files of 16 KiB,
the store threads then took 1.6 s each for what takes 0.6 s alone. :class:`BulkPut` hands the work to a
child interpreter instead, in two steps:

1. **Stage**: each file is copied and hashed into a private folder under the store's ``tmp/`` (no
   address yet), while the caller may still be checking the package.
2. **Publish** (once the caller calls :meth:`BulkPut.publish`): each staged file is renamed to its
   address, all are made durable with one :class:`SyncBatch`, and one result line is written per job,
   which :meth:`BulkPut.results` reads back in job order. Without ``publish`` (a rejected package, an
   error), the staging folder is removed: nothing was stored. A crash leaves the folder for
   ``kho storage sweep``.

Where no child can be started (no Python interpreter, e.g. Kho embedded in a server), the same steps run
on a thread. Child protocol (``python -I -c _CHILD SRC_ROOT STORE_ROOT STAGE_DIR JOBS RESULTS DURABLE``):
a job line is the source path and the expected digest (empty for none), tab-separated; a result line is
digest, size, storage key and 1/0 for created. The child stages, then reads one line from its standard
input: ``publish`` publishes, anything else (or end of file) discards. On the first failure it prints one
line (kind ``digest`` or ``os``, job number, errno, text) and exits 1. Pure module: no Django import.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from kho.storage.cas.errors import StoreError
from kho.storage.cas.filestore import STAGE_PREFIX, FileStore, PutResult, SyncBatch

__all__ = ["STAGE_PREFIX", "BulkPut"]

_SRC_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding the ``kho`` package
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from kho.storage.cas.bulkput import main; sys.exit(main(sys.argv[2:]))"
)


class _Failure(Exception):  # noqa: N818 - a job's failure, as the child reports it
    def __init__(self, kind: str, index: int, errno: int, text: str) -> None:
        super().__init__(text)
        self.kind, self.index, self.errno, self.text = kind, index, errno, text


def _stage_all(store: FileStore, stage_dir: Path, jobs: Path) -> None:
    """Stage every job as ``stage_dir/<job number>``, its digest and size in ``stage_dir/staged``."""
    with jobs.open(encoding="utf-8") as lines, (stage_dir / "staged").open("w", encoding="utf-8") as staged:
        for index, line in enumerate(lines):
            source, _tab, expected = line.rstrip("\n").partition("\t")
            try:
                digest, size = store.stage(source, f"{stage_dir}/{index}")
            except OSError as exc:
                raise _Failure("os", index, exc.errno or 0, f"{exc.strerror or exc}: {source}") from exc
            if expected and digest != expected:
                raise _Failure("digest", index, 0, f"{source}: content hashes to {digest}, expected {expected}")
            staged.write(f"{digest}\t{size}\n")


def _publish_all(store: FileStore, stage_dir: Path, results: Path) -> None:
    """Give every staged file its address, one result line each, then make them all durable."""
    batch = SyncBatch()
    with (stage_dir / "staged").open(encoding="utf-8") as staged, results.open("w", encoding="utf-8") as out:
        for index, line in enumerate(staged):
            digest, size = line.rstrip("\n").split("\t")
            try:
                put = store.publish(f"{stage_dir}/{index}", digest, int(size), batch=batch)
            except OSError as exc:
                raise _Failure("os", index, exc.errno or 0, str(exc)) from exc
            out.write(f"{put.digest}\t{put.size}\t{put.key}\t{int(put.created)}\n")
    try:
        batch.sync()
    except OSError as exc:
        raise _Failure("os", -1, exc.errno or 0, str(exc)) from exc


def store_jobs(store: FileStore, stage_dir: Path, jobs: Path, results: Path, publish: Callable[[], bool]) -> None:
    """Stage every job, then publish them if ``publish()`` (which may wait for the caller) says so.

    The staging folder is removed in every case.

    Raises:
        _Failure: The first job that failed (``digest`` for bytes that do not hash to the expected digest,
            ``os`` for an error of the file system).
    """
    try:
        _stage_all(store, stage_dir, jobs)
        if publish():
            _publish_all(store, stage_dir, results)
    finally:
        shutil.rmtree(stage_dir, ignore_errors=True)


def main(argv: Sequence[str]) -> int:
    """The child: ``STORE_ROOT STAGE_DIR JOBS RESULTS DURABLE`` (``1`` or ``0``)."""
    root, stage_dir, jobs, results, durable = argv
    store = FileStore(Path(root), durable=durable == "1")
    try:
        store_jobs(store, Path(stage_dir), Path(jobs), Path(results), lambda: sys.stdin.readline() == "publish\n")
    except _Failure as failure:
        text = failure.text.replace("\t", " ").replace("\n", " ")
        sys.stdout.write(f"{failure.kind}\t{failure.index}\t{failure.errno}\t{text}\n")
        return 1
    return 0


class BulkPut:
    """Files being staged by a child process; :meth:`publish` them, then read :meth:`results`.

    ``jobs`` are (source path, expected digest or None) pairs; they go straight to the job list, none is
    kept in memory. With ``hold=False`` the files are published as soon as they are staged. Use it as a
    context manager: leaving the block unpublished stops the child and removes every staged file.
    """

    def __init__(self, store: FileStore, jobs: Iterable[tuple[str, str | None]], *, hold: bool = True) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="kho-put-"))
        self._jobs, self._results = self._dir / "jobs.tsv", self._dir / "results.tsv"
        self._proc: subprocess.Popen[str] | None = None
        self._thread: threading.Thread | None = None
        self._failure: _Failure | None = None
        self._verdict = threading.Event()
        self._published = self._waited = False
        self._stage_dir: Path | None = None
        try:
            self._write_jobs(jobs)
            store.ensure()
            self._stage_dir = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=store.tmp_dir))
            self._start(store, self._stage_dir)
            if not hold:
                self.publish()
        except BaseException:
            self.close()
            raise

    def _write_jobs(self, jobs: Iterable[tuple[str, str | None]]) -> None:
        with self._jobs.open("w", encoding="utf-8") as out:
            for source, expected in jobs:
                line = f"{source}\t{expected or ''}\n"
                if line.count("\t") != 1 or line.count("\n") != 1:
                    raise StoreError(f"a path holds a tab or a line break, which a job list cannot hold: {source!r}")
                out.write(line)

    def _start(self, store: FileStore, stage_dir: Path) -> None:
        args = [str(store.root), str(stage_dir), str(self._jobs), str(self._results), "1" if store.durable else "0"]
        if "python" in Path(sys.executable or "").name.lower():
            with contextlib.suppress(OSError):  # no child: the thread below does the work
                self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter running our own module
                    [sys.executable, "-I", "-c", _CHILD, _SRC_ROOT, *args],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                return
        self._thread = threading.Thread(target=self._run_here, args=(store, stage_dir), name="kho-put", daemon=True)
        self._thread.start()

    def _run_here(self, store: FileStore, stage_dir: Path) -> None:
        def publish() -> bool:
            self._verdict.wait()
            return self._published

        try:
            store_jobs(store, stage_dir, self._jobs, self._results, publish)
        except _Failure as failure:
            self._failure = failure
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by wait()
            self._failure = _Failure("os", -1, 0, f"{type(exc).__name__}: {exc}")

    def publish(self) -> None:
        """Let the staged files take their addresses (the caller has accepted them)."""
        self._published = True
        self._tell("publish\n")

    def _tell(self, verdict: str) -> None:
        self._verdict.set()
        if self._proc is not None and self._proc.stdin is not None and self._proc.poll() is None:
            with contextlib.suppress(BrokenPipeError):  # the child failed already: wait() reports it
                self._proc.stdin.write(verdict)
                self._proc.stdin.flush()

    def wait(self) -> None:
        """Wait until every file is published and durable (after :meth:`publish`).

        Raises:
            StoreError: A file's bytes do not hash to the expected digest.
            OSError: A file could not be read or stored, or the child ended without a verdict.
        """
        if not self._published:
            raise RuntimeError("BulkPut.wait() before publish()")
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

    def results(self) -> Iterator[tuple[str, PutResult]]:
        """Each job's source path and what it stored, in job order (after a successful :meth:`wait`)."""
        self.wait()
        with self._jobs.open(encoding="utf-8") as jobs, self._results.open(encoding="utf-8") as lines:
            for job, line in zip(jobs, lines, strict=True):
                digest, size, key, created = line.rstrip("\n").split("\t")
                yield job.partition("\t")[0], PutResult(digest=digest, size=int(size), key=key, created=created == "1")

    def close(self) -> None:
        """Discard what is not published, stop the child, and remove the job list, results and staged files."""
        if not self._published:
            self._tell("discard\n")
        if self._proc is not None and not self._waited:
            self._proc.kill()  # unpublished, or the caller failed while publishing: what is done is an orphan
            self._proc.communicate()
        if self._thread is not None:
            self._thread.join()
        if self._stage_dir is not None:
            shutil.rmtree(self._stage_dir, ignore_errors=True)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> BulkPut:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
