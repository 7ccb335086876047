"""Storing many files from a child process (``BulkPut``): staged, then published or discarded; failures named."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path

import pytest

from kho.storage.cas import FileStore, StoreError, bulkput


def _files(folder: Path, contents: list[bytes]) -> list[Path]:
    folder.mkdir()
    paths = []
    for n, data in enumerate(contents):
        path = folder / f"tệp {n}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture(params=["child", "thread"])
def host(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each test with a child process and with the thread used where no interpreter can be started."""
    if request.param == "thread":
        monkeypatch.setattr(bulkput.sys, "executable", "/usr/sbin/uwsgi")
    return str(request.param)


def test_every_file_is_stored_and_reported_in_job_order(tmp_path: Path, host: str) -> None:
    contents = [b"a", b"b" * 300_000, b"a", b""]
    paths = _files(tmp_path / "in", contents)
    store = FileStore(tmp_path / "store")
    store.put_stream(io.BytesIO(b"b" * 300_000))  # already present before
    jobs = [(str(p), _digest(c) if n % 2 == 0 else None) for n, (p, c) in enumerate(zip(paths, contents, strict=True))]
    with bulkput.BulkPut(store, jobs) as put:
        put.publish()
        sources, results = zip(*put.results(), strict=True)
        temporary = put._dir
    assert list(sources) == [str(p) for p in paths]
    assert [(r.digest, r.size) for r in results] == [(_digest(c), len(c)) for c in contents]
    assert [r.created for r in results] == [True, False, False, True]
    assert all(store.path_for(r.digest).read_bytes() == c for r, c in zip(results, contents, strict=True))
    assert all(r.key == store.path_for(r.digest).relative_to(store.root).as_posix() for r in results)
    assert (put._proc is None) == (host == "thread")
    assert not temporary.exists()  # job list and results removed
    assert not list(store.tmp_dir.iterdir())  # nor is anything left staged


def test_unpublished_files_are_discarded_and_nothing_is_stored(tmp_path: Path, host: str) -> None:
    paths = _files(tmp_path / "in", [b"%d" % n for n in range(50)])
    store = FileStore(tmp_path / "store")
    with (
        bulkput.BulkPut(store, [(str(p), None) for p in paths]) as put,
        pytest.raises(RuntimeError, match="before publish"),
    ):
        put.wait()
    assert list(store.iter_digests()) == [] and list(store.tmp_dir.iterdir()) == []


def test_without_hold_the_files_are_published_at_once(tmp_path: Path, host: str) -> None:
    (path,) = _files(tmp_path / "in", [b"ngay"])
    store = FileStore(tmp_path / "store")
    with bulkput.BulkPut(store, [(str(path), None)], hold=False) as put:
        put.wait()
    assert store.exists(_digest(b"ngay"))


def test_a_symlink_or_a_fifo_is_refused_not_followed(tmp_path: Path, host: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not in the package")
    (tmp_path / "link").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo")  # opening it for reading would block a careless reader forever
    store = FileStore(tmp_path / "store")
    for name in ("link", "fifo"):
        with (
            bulkput.BulkPut(store, [(str(tmp_path / name), None)], hold=False) as put,
            pytest.raises(OSError, match=name),
        ):
            put.wait()
    assert list(store.iter_digests()) == [] and list(store.tmp_dir.iterdir()) == []


def test_a_file_that_does_not_hash_to_its_digest_is_named_and_not_stored(tmp_path: Path, host: str) -> None:
    good, changed = _files(tmp_path / "in", [b"good", b"changed"])
    store = FileStore(tmp_path / "store")
    jobs = [(str(good), _digest(b"good")), (str(changed), _digest(b"original"))]
    with bulkput.BulkPut(store, jobs, hold=False) as put, pytest.raises(StoreError, match="expected") as raised:
        put.wait()
        with pytest.raises(StoreError):
            list(put.results())  # no results after a failure
    assert str(changed) in str(raised.value)
    assert list(store.iter_digests()) == [] and list(store.tmp_dir.iterdir()) == []  # staging failed: none stored


def test_a_missing_file_is_an_os_error_naming_it(tmp_path: Path, host: str) -> None:
    missing = tmp_path / "không có.bin"
    with (
        bulkput.BulkPut(FileStore(tmp_path / "store"), [(str(missing), None)], hold=False) as put,
        pytest.raises(OSError, match="không có.bin") as raised,
    ):
        put.wait()
    assert raised.value.errno == errno.ENOENT and not isinstance(raised.value, StoreError)


def test_a_path_the_job_list_cannot_hold_is_refused_before_anything_starts(tmp_path: Path) -> None:
    before = set(Path(bulkput.tempfile.gettempdir()).glob("kho-put-*"))
    with pytest.raises(StoreError, match="tab or a line break"):
        bulkput.BulkPut(FileStore(tmp_path / "store"), [(str(tmp_path / "a\tb"), None)])
    assert set(Path(bulkput.tempfile.gettempdir()).glob("kho-put-*")) == before
    assert not (tmp_path / "store").exists()


def test_leaving_early_stops_the_child_and_removes_its_files(tmp_path: Path) -> None:
    paths = _files(tmp_path / "in", [b"%d" % n for n in range(200)])
    store = FileStore(tmp_path / "store")
    with bulkput.BulkPut(store, [(str(p), None) for p in paths], hold=False) as put:
        pass  # e.g. the rows failed: no wait()
    assert put._proc is not None and put._proc.returncode is not None
    assert not put._dir.exists() and not list(store.tmp_dir.iterdir())  # what was published stays for sweep


def test_a_child_that_ends_without_a_verdict_is_an_os_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulkput, "_CHILD", "import sys; sys.exit(3)")
    (path,) = _files(tmp_path / "in", [b"x"])
    with (
        bulkput.BulkPut(FileStore(tmp_path / "store"), [(str(path), None)], hold=False) as put,
        pytest.raises(OSError, match="status 3"),
    ):
        put.wait()


@pytest.mark.django_db
def test_sweep_removes_a_staging_folder_an_interrupted_import_left() -> None:
    from kho.storage.actions import SweepStorageAction
    from kho.storage.store import get_store

    store = get_store()
    store.ensure()
    stale, fresh = store.tmp_dir / f"{bulkput.STAGE_PREFIX}old", store.tmp_dir / f"{bulkput.STAGE_PREFIX}new"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "0").write_bytes(b"staged")
    os.utime(stale, (1, 1))
    report = SweepStorageAction().execute()  # the default grace: only the old folder goes
    assert report.temporaries == 1 and not stale.exists() and (fresh / "0").is_file()
