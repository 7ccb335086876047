"""The importer's per-batch writing: digital objects and their Blob rows resolved a batch at a time."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from kho.packages import _write
from kho.packages.models import PackageTransfer
from kho.records.models import DigitalObject
from kho.storage.models import Blob
from kho.storage.store import get_store
from tests.packages import test_transfer_fixtures
from tests.packages.test_transfer_fixtures import fresh_copy

pytestmark = pytest.mark.django_db
pristine = test_transfer_fixtures.pristine  # the module-scoped fixture, shared


def test_tiny_batches_give_every_object_its_own_document_and_blob(
    kho: Any, pristine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_write, "_BATCH", 4)  # 6 documents, 6 objects: batches split across records
    _source, _exported, digests = pristine
    result = kho("import", "package", fresh_copy(pristine[0], tmp_path / "bag"), "--json", "--received-by", "B")
    assert result.code == 0, result.err
    imported = {o.blob.digest: o.document.doc_code for o in DigitalObject.objects.select_related("blob", "document")}
    assert imported == digests
    store = get_store()
    plain = Blob.objects.filter(storage_key__startswith="sha256/")  # classified files were sealed after
    assert plain.count() >= len(digests)
    for blob in plain:  # content and package files alike: size and key as stored
        assert blob.storage_key == store.path_for(blob.digest).relative_to(store.root).as_posix()
        assert blob.size == store.path_for(blob.digest).stat().st_size
    package_files = PackageTransfer.objects.get().report["package_files"]
    assert set(package_files.values()) <= set(Blob.objects.values_list("digest", flat=True))
    assert Blob.objects.count() == len(digests) + len(set(package_files.values()) - set(digests))


def test_blob_keys_reuse_existing_rows_and_create_the_missing() -> None:
    store = get_store()
    first = store.put_stream(io.BytesIO(b"first"))
    second = store.put_stream(io.BytesIO(b"second"))
    existing = Blob.objects.create(digest=first.digest, size=first.size, storage_key=first.key)
    keys = _write.BlobKeys({first.digest: first.size, second.digest: second.size})
    resolved = keys.resolve([second.digest, first.digest, second.digest])
    assert resolved[first.digest] == existing.pk and Blob.objects.count() == 2
    created = Blob.objects.get(digest=second.digest)
    assert (resolved[second.digest], created.size, created.storage_key) == (created.pk, 6, second.key)
    with pytest.raises(KeyError):  # a digest the store never received gets no row
        keys.resolve(["sha256:" + "0" * 64])
