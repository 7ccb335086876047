"""How ``FileStore.put_stream`` writes: an unnamed file linked into place (Linux), else a named temporary."""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from kho.storage.cas import FileStore, StoreError, SyncBatch, filestore
from kho.storage.cas.digest import hash_stream

linux_only = pytest.mark.skipif(filestore._TMPFILE_FLAGS is None, reason="O_TMPFILE and linkat are Linux only")


def _objects(store: FileStore) -> list[Path]:
    return [path for _digest, path in store.iter_digests()]


@pytest.fixture(params=["unnamed", "named"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    """A store of each kind: linking an unnamed file (where the system has it), or renaming a named one."""
    if request.param == "unnamed" and filestore._TMPFILE_FLAGS is None:
        pytest.skip("O_TMPFILE and linkat are Linux only")
    made = FileStore(tmp_path / "store")
    made._tmpfile = request.param == "unnamed"
    return made


def test_objects_are_read_only_complete_and_leave_no_temporary(store: FileStore) -> None:
    data = "Hồ sơ lưu trữ ".encode() * 100_000  # more than one copy block
    put = store.put_stream(io.BytesIO(data))
    path = store.path_for(put.digest)
    assert put.created and path.read_bytes() == data and (put.digest, put.size) == hash_stream(io.BytesIO(data))
    assert stat.S_IMODE(path.stat().st_mode) == 0o440 and put.key == path.relative_to(store.root).as_posix()
    assert not list(store.tmp_dir.iterdir())


def test_the_same_bytes_twice_are_stored_once(store: FileStore) -> None:
    first = store.put_stream(io.BytesIO(b"a"))
    inode = store.path_for(first.digest).stat().st_ino
    again = store.put_stream(io.BytesIO(b"a"), expected_digest=first.digest.upper())
    assert not again.created and store.path_for(first.digest).stat().st_ino == inode
    assert len(_objects(store)) == 1 and not list(store.tmp_dir.iterdir())


def test_a_wrong_digest_or_a_failing_reader_stores_nothing(store: FileStore) -> None:
    with pytest.raises(StoreError, match="expected"):
        store.put_stream(io.BytesIO(b"a"), expected_digest="sha256:" + "0" * 64)

    class Broken(io.RawIOBase):
        def readinto(self, view: Any) -> int:
            raise OSError("đọc hỏng")

    with pytest.raises(OSError, match="đọc hỏng"):
        store.put_stream(Broken())
    assert not _objects(store) and not list(store.tmp_dir.iterdir())


def test_a_reader_without_readinto_is_copied_too(store: FileStore) -> None:
    class Plain:
        def __init__(self) -> None:
            self.left = [b"ab", b"cd", b""]

        def read(self, _size: int) -> bytes:
            return self.left.pop(0)

    put = store.put_stream(Plain())  # type: ignore[arg-type]
    assert store.path_for(put.digest).read_bytes() == b"abcd" and put.size == 4


@linux_only
def test_a_file_system_without_o_tmpfile_falls_back_to_named_temporaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.open

    def refusing(path: Any, flags: int, *args: Any) -> int:
        if flags & os.O_TMPFILE == os.O_TMPFILE:
            raise OSError(errno.EOPNOTSUPP, "not supported")
        return real(path, flags, *args)

    monkeypatch.setattr(filestore.os, "open", refusing)
    store = FileStore(tmp_path / "store")
    put = store.put_stream(io.BytesIO(b"x"))
    assert put.created and store.path_for(put.digest).read_bytes() == b"x" and not store._tmpfile
    assert store.put_stream(io.BytesIO(b"y")).created and not list(store.tmp_dir.iterdir())


@linux_only
def test_other_open_errors_are_not_taken_for_a_missing_feature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Any, flags: int, *args: Any) -> int:
        raise PermissionError(errno.EACCES, "denied", str(path))

    monkeypatch.setattr(filestore.os, "open", denied)
    store = FileStore(tmp_path / "store")
    store.ensure()
    with pytest.raises(PermissionError):
        store.put_stream(io.BytesIO(b"x"))
    assert store._tmpfile


def test_a_batch_keeps_one_path_per_file_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(filestore, "_SYNCFS", lambda fd: synced.append(fd) or 0)
    store, batch = FileStore(tmp_path / "store"), SyncBatch()
    for n in range(50):
        store.put_stream(io.BytesIO(b"%d" % n), batch=batch)
    assert len(batch._devices) == 1 and not batch._paths  # flat: not one entry per object
    batch.sync()
    assert len(synced) == 1 and not batch._devices
