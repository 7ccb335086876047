"""Deferred durability of the object store (``SyncBatch``): no fsync per object, one sync for the batch."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from kho.storage.cas import FileStore, StoreError, SyncBatch, filestore


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every ``os.fsync`` call (its file descriptor), the calls still made."""
    calls: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(filestore.os, "fsync", counting)
    return calls


def test_objects_in_a_batch_are_not_fsynced_one_by_one(tmp_path: Path, fsyncs: list[int], monkeypatch: Any) -> None:
    synced: list[int] = []
    monkeypatch.setattr(filestore, "_SYNCFS", lambda fd: synced.append(fd) or 0)
    store, batch = FileStore(tmp_path), SyncBatch()
    puts = [store.put_stream(io.BytesIO(b"%d" % n), batch=batch) for n in range(5)]
    again = store.put_stream(io.BytesIO(b"0"), batch=batch)
    assert not fsyncs and all(store.exists(p.digest) for p in puts) and not again.created
    batch.sync()
    assert len(synced) == 1 and not fsyncs  # one syncfs for the whole batch (one file system)
    batch.sync()
    assert len(synced) == 1  # nothing left to sync


def test_without_syncfs_every_object_and_folder_is_fsynced(tmp_path: Path, fsyncs: list[int], monkeypatch: Any) -> None:
    monkeypatch.setattr(filestore, "_SYNCFS", None)
    store, batch = FileStore(tmp_path), SyncBatch()
    puts = [store.put_stream(io.BytesIO(b"%d" % n), batch=batch) for n in range(4)]
    store.put_stream(io.BytesIO(b"0"), batch=batch)  # already there: still synced (it may be another batch's)
    assert not fsyncs
    batch.sync()
    folders = {store.path_for(p.digest).parent for p in puts}
    assert len(fsyncs) == len(puts) + len(folders)


def test_a_failed_syncfs_raises(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(filestore, "_SYNCFS", lambda fd: -1)
    store, batch = FileStore(tmp_path), SyncBatch()
    store.put_stream(io.BytesIO(b"x"), batch=batch)
    with pytest.raises(OSError, match="kho|sha256|/"):
        batch.sync()


def test_without_a_batch_each_object_is_fsynced_as_before(tmp_path: Path, fsyncs: list[int]) -> None:
    store = FileStore(tmp_path)
    store.put_stream(io.BytesIO(b"a"))
    assert len(fsyncs) == 2  # the file, then its folder
    store.put_stream(io.BytesIO(b"a"))
    assert len(fsyncs) == 3  # already stored: only the temporary copy, before it was found to be one


def test_a_non_durable_store_ignores_the_batch(tmp_path: Path, fsyncs: list[int], monkeypatch: Any) -> None:
    synced: list[int] = []
    monkeypatch.setattr(filestore, "_SYNCFS", lambda fd: synced.append(fd) or 0)
    store, batch = FileStore(tmp_path, durable=False), SyncBatch()
    store.put_stream(io.BytesIO(b"a"), batch=batch)
    batch.sync()
    assert not fsyncs and not synced


def test_a_wrong_digest_in_a_batch_stores_nothing(tmp_path: Path) -> None:
    store, batch = FileStore(tmp_path), SyncBatch()
    with pytest.raises(StoreError):
        store.put_stream(io.BytesIO(b"a"), expected_digest="sha256:" + "0" * 64, batch=batch)
    assert not list(store.iter_digests()) and not list(store.tmp_dir.iterdir())
    batch.sync()  # nothing remembered
