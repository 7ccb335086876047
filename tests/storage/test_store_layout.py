"""A store's fan-out layout: one level for a new store, two kept by a store made before the ``layout`` file."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from kho.storage.cas import FileStore, StoreError


def _digest(data: bytes) -> tuple[str, str]:
    hexdigest = hashlib.sha256(data).hexdigest()
    return "sha256:" + hexdigest, hexdigest


def test_a_new_store_has_one_level_and_says_so(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    put = store.put_stream(io.BytesIO(b"mot cap"))
    digest, hexdigest = _digest(b"mot cap")
    assert put.key == f"sha256/{hexdigest[:2]}/{hexdigest}" == store.key_for(digest)
    assert store.path_for(digest).read_bytes() == b"mot cap"
    assert (tmp_path / "store" / "layout").read_text() == "fanout 1\n"
    assert list(store.iter_digests()) == [(digest, store.path_for(digest))]
    assert store.path_for_key(put.key) == store.path_for(digest)
    assert FileStore(tmp_path / "store").levels == 1  # read back from the layout file


def test_a_store_made_before_the_layout_file_keeps_two_levels(tmp_path: Path) -> None:
    old, old_hex = _digest(b"cu")
    legacy = tmp_path / "store" / "sha256" / old_hex[:2] / old_hex[2:4] / old_hex
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"cu")
    store = FileStore(tmp_path / "store")
    assert store.levels == 2 and store.open(old).read() == b"cu" and store.exists(old)
    put = store.put_stream(io.BytesIO(b"moi"))
    new, new_hex = _digest(b"moi")
    assert put.key == f"sha256/{new_hex[:2]}/{new_hex[2:4]}/{new_hex}"
    assert not store.put_stream(io.BytesIO(b"cu")).created  # found where the old version put it
    assert {d for d, _p in store.iter_digests()} == {old, new}
    assert (tmp_path / "store" / "layout").read_text() == "fanout 2\n"  # written once the store was used
    with pytest.raises(StoreError, match="not a storage key"):
        store.path_for_key(f"sha256/{new_hex[:2]}/{new_hex}")  # a one-level key is not one of this store's


@pytest.mark.parametrize("text", ["fanout 3\n", "", "levels 1\n", "fanout one"])
def test_a_layout_file_that_names_no_layout_is_refused(tmp_path: Path, text: str) -> None:
    (tmp_path / "layout").write_text(text)
    with pytest.raises(StoreError, match="does not name a layout"):
        FileStore(tmp_path)
