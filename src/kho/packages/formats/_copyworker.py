"""Copy a package's content files in a second process while the writer produces the XML (a second core).

Writing a package is two kinds of work: copying the content files (system calls: file creation, reads,
writes, SHA-256, all outside the GIL) and producing EAD, PREMIS and METS (pure Python, holding the GIL).
A thread would wait for the GIL between every system call of the copy, so the copy runs here, in a child
interpreter: :class:`BackgroundCopy` hands it a job list (a temporary file, one job a line) and the
writer goes on. With two cores there are two children, each taking runs of :data:`RUN` jobs in turn: the
copy is mostly kernel work (creating files, allocating page cache) and is what the export waits for last,
so it is split. Only files whose SHA-256 and size are known in advance are sent, so METS and PREMIS can
be written from the expected values while the child checks the copy against them; :meth:`finish`
reports the first file that failed. Hashing while copying means every byte is still read once.

Run as a script (``python -I _copyworker.py <jobs file>``), this module imports the standard library
only, so the child starts in a few tens of milliseconds. Each job line is source, target, SHA-256 hex and
size, tab-separated; on the first failure the child prints one tab-separated line (kind, job number,
errno, text; kind ``digest``, ``size`` with the size copied as text, or ``os``) and exits 1. Pure module:
no Django import.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__ = ["BackgroundCopy", "CopyFailure", "CopyJob", "copy_jobs"]

BLOCK_SIZE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class CopyJob:
    """One file for the child: from ``source`` to ``target`` (created exclusively), expected digest and size."""

    source: str
    target: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class CopyFailure:
    """The first job that failed: ``kind`` is ``digest``, ``size`` (``text``: the size copied) or ``os``."""

    kind: str
    index: int
    errno: int = 0
    text: str = ""
    source: str = field(default="", compare=False)  # the job's source path (filled in by BackgroundCopy)
    target: str = field(default="", compare=False)  # its target path (likewise)
    expected: int = field(default=0, compare=False)  # its expected size (likewise)


def _copy_one(job: CopyJob, buffer: memoryview, made: set[str]) -> CopyFailure | None:
    """Copy and hash one file; return what does not match (index still 0), else None."""
    parent = os.path.dirname(job.target)  # noqa: PTH120 - str paths keep the loop cheap
    if parent not in made:
        os.makedirs(parent, exist_ok=True)  # noqa: PTH103
        made.add(parent)
    digest, size = hashlib.sha256(), 0
    with open(job.source, "rb", buffering=0) as src, open(job.target, "xb", buffering=0) as dst:  # noqa: PTH123
        while n := src.readinto(buffer):
            block = buffer[:n]
            digest.update(block)
            dst.write(block)
            size += n
    if digest.hexdigest() != job.sha256:
        return CopyFailure("digest", 0)
    return CopyFailure("size", 0, text=str(size)) if size != job.size else None


def copy_jobs(jobs: Sequence[CopyJob]) -> CopyFailure | None:
    """Copy every job in order; stop at the first failure and return it (None when all were copied)."""
    buffer = memoryview(bytearray(BLOCK_SIZE))
    made: set[str] = set()
    for index, job in enumerate(jobs):
        try:
            failure = _copy_one(job, buffer, made)
        except OSError as exc:
            return CopyFailure("os", index, exc.errno or 0, exc.strerror or type(exc).__name__)
        if failure is not None:
            return CopyFailure(failure.kind, index, text=failure.text)
    return None


def _read_jobs(path: str) -> list[CopyJob]:
    jobs = []
    with open(path, encoding="utf-8") as lines:  # noqa: PTH123
        for line in lines:
            source, target, sha256, size = line.rstrip("\n").split("\t")
            jobs.append(CopyJob(source, target, sha256, int(size)))
    return jobs


def _main(argv: Sequence[str]) -> int:
    failure = copy_jobs(_read_jobs(argv[1]))
    if failure is None:
        return 0
    text = failure.text.replace("\t", " ").replace("\n", " ")
    sys.stdout.write(f"{failure.kind}\t{failure.index}\t{failure.errno}\t{text}\n")
    return 1


#: Jobs go to the children in runs of this many (one folder's files mostly stay with one child).
RUN = 256


def _children() -> int:
    """How many copying children to start: two where there are two cores (creating files is kernel work)."""
    return min(2, os.cpu_count() or 1)


def _global_index(child: int, index: int, children: int) -> int:
    """The position in the whole job list of job ``index`` of ``child`` (runs of :data:`RUN` dealt in turn)."""
    run, within = divmod(index, RUN)
    return (run * children + child) * RUN + within


class BackgroundCopy:
    """The children copying ``jobs`` (runs of :data:`RUN` jobs dealt to each in turn); :meth:`finish` waits.

    ``jobs`` may be any iterable: each job goes to a job list as it comes, none is kept in memory.
    :meth:`cancel` stops the children.

    Raises (constructor):
        OSError: A child could not be started (the caller then copies in its own process).
    """

    def __init__(self, jobs: Iterable[CopyJob], *, children: int | None = None) -> None:
        if "python" not in Path(sys.executable or "").name.lower():  # e.g. embedded in a uWSGI server
            raise OSError("no Python interpreter to run the copying child")
        self._width = max(1, children if children is not None else _children())
        self.count = 0  # jobs handed over; they go straight to the job lists, not into memory
        self._listings: list[Path] = []
        self._procs: list[subprocess.Popen[str]] = []
        try:
            self._write_listings(jobs)
            for listing in self._listings:
                self._procs.append(
                    subprocess.Popen(  # noqa: S603 - our own interpreter running our own module
                        [sys.executable, "-I", __file__, str(listing)],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                )
        except BaseException:
            self.cancel()
            raise

    def _write_listings(self, jobs: Iterable[CopyJob]) -> None:
        """Deal the jobs to one listing per child (a child only when it gets a job)."""
        files: list[IO[str]] = []
        try:
            for job in jobs:
                line = f"{job.source}\t{job.target}\t{job.sha256}\t{job.size}\n"
                if line.count("\t") != 3 or line.count("\n") != 1:
                    raise OSError("a path holds a tab or a line break; it cannot go through the job list")
                child = self.count // RUN % self._width
                if child == len(files):
                    files.append(tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False))  # noqa: SIM115
                    self._listings.append(Path(files[-1].name))
                files[child].write(line)
                self.count += 1
        finally:
            for f in files:
                f.close()

    def finish(self) -> CopyFailure | None:
        """Wait for the children; return the first failed job, or None when every file was copied and verified."""
        failures = []
        try:
            for child, proc in enumerate(self._procs):
                out, _err = proc.communicate()
                failure = _parse_failure(out, proc.returncode)
                if failure is not None:
                    index = _global_index(child, failure.index, self._width)
                    job = _job_of(self._listings[child], failure.index)
                    failures.append(CopyFailure(failure.kind, index, failure.errno, failure.text, *job))
        finally:
            self._remove_listings()
        return min(failures, key=lambda f: f.index, default=None)

    def cancel(self) -> None:
        """Stop the children (the writer failed elsewhere) and wait for them, so nothing writes afterwards."""
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self._procs:
            proc.communicate()
        self._remove_listings()

    def _remove_listings(self) -> None:
        for listing in self._listings:
            listing.unlink(missing_ok=True)


def _job_of(listing: Path, index: int) -> tuple[str, str, int]:
    """Source, target and expected size of job ``index`` of a job list (``("", "", 0)`` when there is none).

    Read back from the list, so the writer need not keep one path per file for a failure message (issue #5).
    """
    with listing.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if n == index:
                source, target, _sha256, size = line.rstrip("\n").split("\t")
                return source, target, int(size)
    return "", "", 0


def _parse_failure(out: str, returncode: int) -> CopyFailure | None:
    """A child's verdict: None for success, else its failure line (job numbers local to that child)."""
    if returncode == 0:
        return None
    parts = out.rstrip("\n").split("\t", 3)
    if len(parts) == 4 and parts[1].isdigit():
        return CopyFailure(parts[0], int(parts[1]), int(parts[2]) if parts[2].isdigit() else 0, parts[3])
    return CopyFailure("os", 0, 0, f"copy process ended with status {returncode}")


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
