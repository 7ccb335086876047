"""Pure content addressing: digests, key layout and the local file store. Never imports Django."""

from kho.storage.cas.digest import (
    ALGORITHM,
    CHUNK_SIZE,
    DigestError,
    HashingReader,
    format_digest,
    hash_file,
    hash_stream,
    parse_digest,
)
from kho.storage.cas.filestore import FileStore, ObjectMissingError, PutResult, StoreError
from kho.storage.cas.layout import key_for

__all__ = [
    "ALGORITHM",
    "CHUNK_SIZE",
    "DigestError",
    "FileStore",
    "HashingReader",
    "ObjectMissingError",
    "PutResult",
    "StoreError",
    "format_digest",
    "hash_file",
    "hash_stream",
    "key_for",
    "parse_digest",
]
