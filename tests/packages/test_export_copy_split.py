"""The content copy split across two children (issue #5): every file copied, the first failure reported."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kho.packages.formats import _copyworker
from kho.packages.formats._copyworker import RUN, BackgroundCopy, CopyFailure, CopyJob


def _jobs(tmp_path: Path, count: int) -> list[CopyJob]:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    jobs = []
    for n in range(count):
        data = f"file {n}".encode()
        (src / f"{n}.bin").write_bytes(data)
        target = tmp_path / "out" / f"d{n // 100}" / f"{n}.bin"
        jobs.append(CopyJob(str(src / f"{n}.bin"), str(target), hashlib.sha256(data).hexdigest(), len(data)))
    return jobs


def test_two_children_copy_every_file(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 2 * RUN + 10)
    copy = BackgroundCopy(jobs, children=2)
    assert len(copy._procs) == 2 and copy.count == len(jobs)
    assert copy.finish() is None
    assert all(Path(job.target).read_bytes() == Path(job.source).read_bytes() for job in jobs)


@pytest.mark.parametrize("bad", [3, RUN + 5, 2 * RUN + 1])
def test_the_failed_job_is_named_by_its_place_in_the_whole_list(tmp_path: Path, bad: int) -> None:
    jobs = _jobs(tmp_path, 2 * RUN + 10)
    jobs[bad] = CopyJob(jobs[bad].source, jobs[bad].target, "0" * 64, jobs[bad].size)
    assert BackgroundCopy(jobs, children=2).finish() == CopyFailure("digest", bad)


def test_the_earliest_of_two_failures_wins(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 2 * RUN + 10)
    for bad in (RUN + 1, 2 * RUN + 2):  # second child's first run, then the first child's second run
        jobs[bad] = CopyJob(jobs[bad].source, jobs[bad].target, jobs[bad].sha256, jobs[bad].size + 1)
    failure = BackgroundCopy(jobs, children=2).finish()
    assert failure is not None and (failure.kind, failure.index) == ("size", RUN + 1)


def test_one_child_for_few_jobs_or_one_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(BackgroundCopy(_jobs(tmp_path, 5), children=2)._procs) == 1  # the second would get nothing
    monkeypatch.setattr(_copyworker.os, "cpu_count", lambda: 1)
    copy = BackgroundCopy(_jobs(tmp_path / "b", 2 * RUN))
    assert len(copy._procs) == 1 and copy.finish() is None


def test_cancel_stops_both_children_and_removes_the_job_lists(tmp_path: Path) -> None:
    copy = BackgroundCopy(_jobs(tmp_path, 2 * RUN), children=2)
    listings = list(copy._listings)
    copy.cancel()
    assert all(proc.returncode is not None for proc in copy._procs)
    assert not any(listing.exists() for listing in listings)
