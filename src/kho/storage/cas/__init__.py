"""Pure content addressing: digests, key layout, encryption at rest and the local file store. Never imports Django."""

from kho.storage.cas.crypto import (
    CipherFormatError,
    DecryptingReader,
    DecryptionError,
    EncryptResult,
    MasterKey,
    encrypt_stream,
    new_data_key,
    unwrap_key,
    wrap_key,
)
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
from kho.storage.cas.errors import ObjectMissingError, StoreError
from kho.storage.cas.filestore import EncryptedPut, FileStore, PutResult, SyncBatch
from kho.storage.cas.layout import encrypted_key_for, key_for

__all__ = [
    "ALGORITHM",
    "CHUNK_SIZE",
    "CipherFormatError",
    "DecryptingReader",
    "DecryptionError",
    "DigestError",
    "EncryptResult",
    "EncryptedPut",
    "FileStore",
    "HashingReader",
    "MasterKey",
    "ObjectMissingError",
    "PutResult",
    "StoreError",
    "SyncBatch",
    "encrypt_stream",
    "encrypted_key_for",
    "format_digest",
    "hash_file",
    "hash_stream",
    "key_for",
    "new_data_key",
    "parse_digest",
    "unwrap_key",
    "wrap_key",
]
