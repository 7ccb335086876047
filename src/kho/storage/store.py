"""Django glue of the object store: the configured store, storing a file as a Blob row, reading it back.

Writes: :func:`put_blob` / :func:`put_path` store plaintext, or with ``classified=True`` ciphertext only
(AES-256-GCM, a fresh data key wrapped by the master key; see ``cas/crypto.py``). Bytes are written
before their row (style.md rule 7). Storing classified bytes already held in plain encrypts them in place:
ciphertext first, then the row, then the plaintext file is removed once the row is committed; a crash in
between leaves only an orphan that ``kho storage sweep`` removes.

Reads: every reader of stored bytes goes through :func:`open_blob` (a stream), :func:`blob_path` (a
temporary plaintext file for libraries that need a path, in a private directory outside the data
directory, removed on exit), :func:`export_blob` (a copy at a path of the caller's choosing) or
:func:`blob_source` (a lazily opened stream for package writers).
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.db import transaction

from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.storage.cas import (
    CipherFormatError,
    DecryptingReader,
    DecryptionError,
    FileStore,
    MasterKey,
    PutResult,
    new_data_key,
    unwrap_key,
    wrap_key,
)
from kho.storage.exceptions import ObjectCorruptError, ObjectTamperedError, WrongMasterKeyError
from kho.storage.keys import require_key
from kho.storage.models import Blob

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "blob_path",
    "blob_present",
    "blob_source",
    "export_blob",
    "get_store",
    "open_blob",
    "put_blob",
    "put_path",
    "seal_blob",
]


@cache
def _store_for(root: str) -> FileStore:
    return FileStore(Path(root))


def get_store() -> FileStore:
    """The object store of this instance (``OBJECT_STORE_DIR``)."""
    return _store_for(str(settings.OBJECT_STORE_DIR))


def put_blob(stream: BinaryIO, *, classified: bool = False) -> tuple[Blob, PutResult]:
    """Write the bytes first, then find or create their Blob row (style.md rule 7).

    With ``classified`` the bytes are encrypted on the way in (``MasterKeyMissingError`` before anything
    is written when no master key is configured). Must run inside the caller's transaction; if it rolls
    back the object stays as an orphan that ``kho storage sweep`` removes.
    """
    if classified:
        return _put_sealed(stream, require_key())
    result = get_store().put_stream(stream)
    with transaction.atomic():
        blob, _ = Blob.objects.get_or_create(
            digest=result.digest, defaults={"size": result.size, "storage_key": result.key}
        )
    return blob, result


def put_path(path: Path, *, classified: bool = False) -> tuple[Blob, PutResult]:
    """Store a file from disk as a Blob (encrypted when ``classified``)."""
    with path.open("rb") as stream:
        return put_blob(stream, classified=classified)


def _encryption_fields(
    master: MasterKey, data_key: bytes, cipher_digest: str, cipher_size: int, key: str
) -> dict[str, Any]:
    return {
        "key_id": master.key_id,
        "wrapped_key": base64.b64encode(wrap_key(master, data_key)).decode("ascii"),
        "cipher_digest": cipher_digest,
        "cipher_size": cipher_size,
        "storage_key": key,
    }


def _put_sealed(stream: BinaryIO, master: MasterKey, expected: str | None = None) -> tuple[Blob, PutResult]:
    store = get_store()
    data_key = new_data_key()
    put = store.put_encrypted(stream, data_key)
    found = put.result
    if expected is not None and found.digest != expected:
        store.delete_key(put.key)
        raise ObjectCorruptError(digest=expected, actual=found.digest)
    fields = _encryption_fields(master, data_key, found.cipher_digest, found.cipher_size, put.key)
    with transaction.atomic():
        blob, created = Blob.objects.select_for_update().get_or_create(
            digest=found.digest, defaults={"size": found.size, **fields}
        )
        if not created and blob.encrypted:
            store.delete_key(put.key)  # a fresh file nothing names: the bytes were already sealed
        elif not created:
            _replace_plaintext(blob, fields)
    return blob, PutResult(digest=blob.digest, size=blob.size, key=blob.storage_key, created=created)


def _replace_plaintext(blob: Blob, fields: dict[str, Any]) -> None:
    """Point a plaintext row at its new ciphertext; the plaintext file goes once this commits."""
    old_key = blob.storage_key or get_store().key_for(blob.digest)
    Blob.objects.filter(pk=blob.pk).update(**fields)
    for name, value in fields.items():
        setattr(blob, name, value)
    log.append(
        EventType.ENCRYPTION,
        object_type="blob",
        object_id=blob.digest,
        detail="object encrypted in place",
        data={"key_id": blob.key_id, "cipher_digest": blob.cipher_digest},
    )
    store = get_store()
    transaction.on_commit(lambda: store.delete_key(old_key))


def seal_blob(blob: Blob) -> bool:
    """Encrypt a plaintext object in place (no-op for one already encrypted); True when it was sealed."""
    blob = Blob.objects.get(pk=blob.pk)
    if blob.encrypted:
        return False
    master = require_key()
    with get_store().open(blob.digest) as stream:
        _put_sealed(stream, master, expected=blob.digest)
    return True


def _row(blob: Blob | str) -> Blob:
    if isinstance(blob, Blob):
        return blob
    found = Blob.objects.filter(digest=blob).first()
    return found if found is not None else Blob(digest=blob, size=0, storage_key=get_store().key_for(blob))


class _Guarded(io.RawIOBase):
    """Turn a failed authentication in the middle of a read into ``ObjectTamperedError``."""

    def __init__(self, reader: DecryptingReader, digest: str) -> None:
        super().__init__()
        self._reader, self._digest = reader, digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        try:
            return self._reader.readinto(buffer)
        except DecryptionError:
            raise ObjectTamperedError(digest=self._digest) from None

    def close(self) -> None:
        self._reader.close()
        super().close()


def _data_key(blob: Blob) -> bytes:
    master = require_key()
    if master.key_id != blob.key_id:
        raise WrongMasterKeyError(digest=blob.digest, wanted=blob.key_id, have=master.key_id)
    try:
        return unwrap_key(master, base64.b64decode(blob.wrapped_key))
    except (DecryptionError, ValueError):
        raise ObjectTamperedError(digest=blob.digest) from None


def open_blob(blob: Blob | str) -> BinaryIO:
    """Open the plaintext of a stored object (a Blob or its digest) for reading.

    Raises:
        ObjectMissingError: the object is not in the store.
        MasterKeyMissingError: the object is encrypted and no master key is configured.
        WrongMasterKeyError: it was sealed under another master key.
        ObjectTamperedError: its ciphertext or wrapped key fails authentication (also during reads).
    """
    row = _row(blob)
    store = get_store()
    if not row.encrypted:
        return store.open(row.digest)
    data_key = _data_key(row)
    raw = store.open_key(row.storage_key)
    try:
        reader = DecryptingReader(raw, data_key)
    except CipherFormatError:
        raw.close()
        raise ObjectTamperedError(digest=row.digest) from None
    return io.BufferedReader(_Guarded(reader, row.digest), buffer_size=1024 * 1024)


@contextlib.contextmanager
def blob_path(blob: Blob | str) -> Iterator[Path]:
    """A path to the plaintext of an object, for libraries that only take paths (pdfium, packagers).

    A plaintext object yields its own file in the store (read-only). An encrypted object is decrypted into
    a private directory (mode 0700) under the system temporary directory (``TMPDIR``; a RAM disk on the
    secure profile), never into the data directory, and removed when the block ends.
    """
    row = _row(blob)
    if not row.encrypted:
        yield get_store().path_for(row.digest)
        return
    with tempfile.TemporaryDirectory(prefix="kho-open-") as folder:
        target = Path(folder) / "object"
        export_blob(row, target)
        yield target


def export_blob(blob: Blob | str, target: Path) -> None:
    """Write the plaintext of an object to ``target`` (a hard link when it is stored in plain)."""
    row = _row(blob)
    if not row.encrypted:
        source = get_store().path_for(row.digest)
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed: copy instead
            shutil.copyfile(source, target)
        return
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open_blob(row) as stream, os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)


def blob_present(blob: Blob) -> bool:
    """Whether the stored file of ``blob`` exists (without the key for an encrypted one)."""
    store = get_store()
    return (store.path_for_key(blob.storage_key) if blob.encrypted else store.path_for(blob.digest)).is_file()


class _LazyBlob(io.RawIOBase):
    """A stream that opens the object on first read and closes it at its end (package writers)."""

    def __init__(self, blob: Blob) -> None:
        super().__init__()
        self._blob = blob
        self._stream: BinaryIO | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self._stream is None:
            self._stream = open_blob(self._blob)
        view = memoryview(buffer).cast("B")
        data = self._stream.read(len(view))
        view[: len(data)] = data
        if not data:
            self._stream.close()
        return len(data)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        super().close()


def blob_source(blob: Blob) -> Path | BinaryIO:
    """What a package writer reads: the store path of a plaintext object, a lazy stream of an encrypted one."""
    if not blob.encrypted:
        return get_store().path_for(blob.digest)
    return _LazyBlob(blob)  # type: ignore[return-value]
