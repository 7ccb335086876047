"""The pure content-addressed store: digests, layout, streaming, atomicity (property tests included)."""

import hashlib
import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kho.storage.cas import DigestError, FileStore, StoreError, hash_stream, key_for, parse_digest
from kho.storage.cas.digest import format_digest


@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=4096))
def test_digest_is_the_same_for_every_chunk_size(data, chunk):
    digest, size = hash_stream(io.BytesIO(data), chunk_size=chunk)
    assert digest == "sha256:" + hashlib.sha256(data).hexdigest()
    assert size == len(data)


@given(st.binary(max_size=64))
def test_key_layout_is_stable_and_fans_out(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    key = key_for(digest)
    hexd = digest.split(":")[1]
    assert key == f"sha256/{hexd[:2]}/{hexd}"
    assert key_for(digest, levels=2) == f"sha256/{hexd[:2]}/{hexd[2:4]}/{hexd}"  # stores made before 2026-11
    assert key_for(digest.upper().replace("SHA256", "sha256")) == key


@pytest.mark.parametrize(
    "bad", ["", "sha256:", "md5:" + "0" * 32, "sha256:" + "g" * 64, "sha256:" + "0" * 63, "0" * 64]
)
def test_bad_digests_are_refused(bad):
    with pytest.raises(DigestError):
        parse_digest(bad)


def test_format_digest_lowercases():
    assert format_digest("AB" * 32) == "sha256:" + "ab" * 32


def test_put_is_idempotent_and_atomic(tmp_path):
    store = FileStore(tmp_path)
    first = store.put_stream(io.BytesIO("lưu trữ".encode()))
    second = store.put_stream(io.BytesIO("lưu trữ".encode()))
    assert first.created and not second.created
    assert first.digest == second.digest
    assert store.path_for(first.digest).read_bytes() == "lưu trữ".encode()
    assert list(store.tmp_dir.iterdir()) == []


def test_put_with_wrong_expected_digest_stores_nothing(tmp_path):
    store = FileStore(tmp_path)
    with pytest.raises(StoreError):
        store.put_stream(io.BytesIO(b"abc"), expected_digest="sha256:" + "0" * 64)
    assert list(store.iter_digests()) == []
    assert list(store.tmp_dir.iterdir()) == []


class _Exploding(io.RawIOBase):
    def __init__(self):
        self.sent = 0

    def readinto(self, view):
        if self.sent > 3 * 1024 * 1024:
            raise OSError("disk vanished")
        view[: len(view)] = b"x" * len(view)
        self.sent += len(view)
        return len(view)


def test_interrupted_write_leaves_no_object_and_no_temporary(tmp_path):
    store = FileStore(tmp_path)
    with pytest.raises(OSError, match="disk vanished"):
        store.put_stream(_Exploding())
    assert list(store.iter_digests()) == []
    assert list(store.tmp_dir.iterdir()) == []


def test_streaming_memory_does_not_grow_with_size(tmp_path):
    import tracemalloc

    class Zeros(io.RawIOBase):
        def __init__(self, total):
            self.left = total

        def readinto(self, view):
            n = min(len(view), self.left)
            view[:n] = bytes(n)
            self.left -= n
            return n

    store = FileStore(tmp_path, durable=False)
    tracemalloc.start()
    store.put_stream(Zeros(64 * 1024 * 1024))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_stale_temporaries_are_listed_after_the_grace(tmp_path):
    store = FileStore(tmp_path)
    store.ensure()
    stale = store.tmp_dir / "put-old"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    fresh = store.tmp_dir / "put-new"
    fresh.write_bytes(b"half")
    assert store.stale_temporaries(60) == [stale]


@settings(max_examples=30)
@given(st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=8))
def test_iter_digests_lists_every_stored_object(tmp_path_factory, blobs):
    store = FileStore(tmp_path_factory.mktemp("store"), durable=False)
    expected = {store.put_stream(io.BytesIO(b)).digest for b in blobs}
    assert {d for d, _ in store.iter_digests()} == expected
