"""The E-ARK writer's copying child (``_copyworker``): same bytes as an in-process copy, failures reported."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from kho.packages.formats import _eark_write
from kho.packages.formats._copyworker import BackgroundCopy, CopyFailure, CopyJob, copy_jobs
from kho.packages.formats.eark import PackageWriteError, write_package
from kho.packages.formats.earkspec import PackageSpec
from tests.packages._eark_data import PACKAGE_ID, PDF1, SCHEMAS, sample_spec

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")


def _jobs(tmp_path: Path, contents: list[bytes]) -> list[CopyJob]:
    src = tmp_path / "src"
    src.mkdir()
    jobs = []
    for n, data in enumerate(contents):
        (src / f"{n}.bin").write_bytes(data)
        target = tmp_path / "out" / "sub" / f"{n}.bin"
        jobs.append(CopyJob(str(src / f"{n}.bin"), str(target), hashlib.sha256(data).hexdigest(), len(data)))
    return jobs


def test_copy_jobs_copies_and_verifies(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, [b"a", b"", b"x" * 3_000_000])
    assert copy_jobs(jobs) is None
    assert [Path(job.target).read_bytes() for job in jobs] == [b"a", b"", b"x" * 3_000_000]


@pytest.mark.parametrize(
    ("change", "kind", "text"),
    [({"sha256": "0" * 64}, "digest", ""), ({"size": 5}, "size", "1")],
)
def test_copy_jobs_stops_at_the_first_mismatch(tmp_path: Path, change: dict[str, object], kind: str, text: str) -> None:
    jobs = _jobs(tmp_path, [b"a", b"b", b"c"])
    jobs[1] = replace(jobs[1], **change)  # type: ignore[arg-type]
    assert copy_jobs(jobs) == CopyFailure(kind, 1, text=text)
    assert not Path(jobs[2].target).exists()


def test_copy_jobs_reports_a_missing_source_and_an_existing_target(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, [b"a", b"b"])
    Path(jobs[1].source).unlink()
    failure = copy_jobs(jobs)
    assert failure is not None
    assert (failure.kind, failure.index, failure.errno) == ("os", 1, 2)
    assert copy_jobs(jobs[:1]) == CopyFailure("os", 0, 17, "File exists")  # targets are created exclusively


def test_background_copy_in_a_child(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, [b"a", "Văn bản".encode()])
    assert BackgroundCopy(jobs).finish() is None
    assert Path(jobs[1].target).read_bytes() == "Văn bản".encode()


def test_background_copy_reports_the_childs_failure(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, [b"a", b"b"])
    jobs[1] = replace(jobs[1], sha256="f" * 64)
    assert BackgroundCopy(jobs).finish() == CopyFailure("digest", 1)


def test_background_copy_refuses_paths_the_job_list_cannot_carry(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, [b"a"])
    with pytest.raises(OSError, match="tab or a line break"):
        BackgroundCopy([replace(jobs[0], target=jobs[0].target + "\tx")])


def test_no_child_without_a_python_interpreter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/usr/bin/uwsgi")
    with pytest.raises(OSError, match="no Python interpreter"):
        BackgroundCopy(_jobs(tmp_path, [b"a"]))


def test_cancel_stops_the_child(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, [b"a"])
    copy = BackgroundCopy(jobs)
    copy.cancel()
    assert all(proc.returncode is not None for proc in copy._procs)


def _checked_spec(tmp_path: Path, **changes: object) -> PackageSpec:
    """The sample spec, its first content file with a known digest and size (so the child copies it)."""
    spec = sample_spec(tmp_path / "src")
    record = spec.records[0]
    doc = record.documents[0]
    known = {"sha256": "sha256:" + hashlib.sha256(PDF1).hexdigest(), "size": len(PDF1), **changes}
    new_file = replace(doc.files[0], **known)
    return replace(spec, records=(replace(record, documents=(replace(doc, files=(new_file,)), record.documents[1])),))


def _files(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_package_copied_by_the_child_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_package(tmp_path / "a" / PACKAGE_ID, _checked_spec(tmp_path / "a-src"))
    started: list[BackgroundCopy] = []
    real = _eark_write.BackgroundCopy

    def spy(jobs: Iterable[CopyJob]) -> BackgroundCopy:
        started.append(real(jobs))
        return started[-1]

    monkeypatch.setattr(_eark_write, "BACKGROUND_MIN_FILES", 1)
    monkeypatch.setattr(_eark_write, "BackgroundCopy", spy)
    manifest = write_package(tmp_path / "b" / PACKAGE_ID, _checked_spec(tmp_path / "b-src"))
    assert len(started) == 1
    assert started[0].count == 1
    assert _files(tmp_path / "a" / PACKAGE_ID) == _files(tmp_path / "b" / PACKAGE_ID)
    for entry in manifest.entries:
        data = (tmp_path / "b" / PACKAGE_ID / entry.path).read_bytes()
        assert entry.digest == "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sha256": "sha256:" + "0" * 64}, ".1.pdf does not match its expected SHA-256."),
        ({"size": len(PDF1) + 1}, f".1.pdf is {len(PDF1)} bytes, not {len(PDF1) + 1}."),
        ({"source": Path("/nonexistent/kho.pdf")}, "Writing the package failed: [Errno 2] No such file or directory"),
    ],
    ids=["wrong-digest", "wrong-size", "missing-source"],
)
def test_child_failures_fail_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changes: dict[str, object], message: str
) -> None:
    monkeypatch.setattr(_eark_write, "BACKGROUND_MIN_FILES", 1)
    root = tmp_path / "out"
    with pytest.raises(PackageWriteError) as caught:
        write_package(root, _checked_spec(tmp_path, **changes))
    assert message in caught.value.render()
    assert not root.exists()


def test_without_a_child_the_writer_copies_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_eark_write, "BACKGROUND_MIN_FILES", 1)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    write_package(tmp_path / "a" / PACKAGE_ID, _checked_spec(tmp_path / "a-src"))
    monkeypatch.undo()
    write_package(tmp_path / "b" / PACKAGE_ID, _checked_spec(tmp_path / "b-src"))
    assert _files(tmp_path / "a" / PACKAGE_ID) == _files(tmp_path / "b" / PACKAGE_ID)
