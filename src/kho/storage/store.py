"""Django glue of the object store: the configured store, and storing a file as a Blob row."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from kho.storage.cas import FileStore, PutResult
from kho.storage.models import Blob


@cache
def _store_for(root: str) -> FileStore:
    return FileStore(Path(root))


def get_store() -> FileStore:
    """The object store of this instance (``OBJECT_STORE_DIR``)."""
    return _store_for(str(settings.OBJECT_STORE_DIR))


def put_blob(stream: BinaryIO) -> tuple[Blob, PutResult]:
    """Write the bytes first, then find or create their Blob row (style.md rule 7).

    Must run inside the caller's transaction; if it rolls back the object stays as an orphan that
    ``kho storage sweep`` removes.
    """
    result = get_store().put_stream(stream)
    with transaction.atomic():
        blob, _ = Blob.objects.get_or_create(
            digest=result.digest, defaults={"size": result.size, "storage_key": result.key}
        )
    return blob, result


def put_path(path: Path) -> tuple[Blob, PutResult]:
    """Store a file from disk as a Blob."""
    with path.open("rb") as stream:
        return put_blob(stream)
