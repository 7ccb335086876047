r"""Streaming AES-256-GCM for objects at rest, and data keys wrapped by a master key. Never imports Django.

Object format (all integers big-endian)::

    header  = b"KHOENC1\\0" | chunk_size (u32) | nonce_prefix (7 random bytes)        19 bytes
    chunk_i = AES-256-GCM(data_key, nonce_i, plaintext_i, aad=header)              len + 16 bytes
    nonce_i = nonce_prefix | i (u32) | final flag (0x00, or 0x01 on the last chunk)

This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015): every chunk but the last holds
exactly ``chunk_size`` plaintext bytes, the last holds 0..chunk_size and is sealed with the final flag, so
a reordered, dropped, duplicated or truncated chunk, or a changed header, fails authentication. Memory
stays at two chunks whatever the object's length. Each object gets a fresh random 256-bit data key, so
counter nonces never repeat under one key.

A data key is wrapped with AES-256-GCM under the master key (random 96-bit nonce, the key id as associated
data): ``wrapped = nonce | ciphertext | tag`` (60 bytes). The key id names a master key without revealing
it: the first 16 hex digits of SHA-256 over a fixed label and the key.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kho.storage.cas.digest import ALGORITHM, CHUNK_SIZE
from kho.storage.cas.errors import StoreError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "HEADER_SIZE",
    "KEY_BYTES",
    "MAGIC",
    "TAG_SIZE",
    "CipherFormatError",
    "DecryptingReader",
    "DecryptionError",
    "EncryptResult",
    "MasterKey",
    "encrypt_stream",
    "new_data_key",
    "unwrap_key",
    "wrap_key",
]

MAGIC = b"KHOENC1\0"
KEY_BYTES = 32
TAG_SIZE = 16
_PREFIX_BYTES = 7
_HEADER = struct.Struct(">8sI7s")
HEADER_SIZE = _HEADER.size
_WRAP_NONCE = 12
_MAX_CHUNKS = 2**32
_KEY_ID_LABEL = b"kho master key id\0"


class CipherFormatError(StoreError):
    """The stored bytes are not an encrypted Kho object (wrong magic, impossible chunk size)."""


class DecryptionError(StoreError):
    """Authentication failed: the object or its wrapped key was altered or truncated, or the key is wrong."""


@dataclass(frozen=True, slots=True)
class MasterKey:
    """A 256-bit master key and its id; ``repr`` never shows the key."""

    secret: bytes = field(repr=False)
    key_id: str = ""

    @classmethod
    def from_bytes(cls, secret: bytes) -> MasterKey:
        """Build a master key from 32 raw bytes; ``ValueError`` for any other length."""
        if len(secret) != KEY_BYTES:
            raise ValueError(f"a master key has {KEY_BYTES} bytes, got {len(secret)}")
        key_id = hashlib.sha256(_KEY_ID_LABEL + secret).hexdigest()[:16]
        return cls(secret=bytes(secret), key_id=key_id)


def new_data_key() -> bytes:
    """A fresh random 256-bit data key from the operating system's CSPRNG."""
    return os.urandom(KEY_BYTES)


def wrap_key(master: MasterKey, data_key: bytes) -> bytes:
    """Seal ``data_key`` under ``master``: ``nonce | ciphertext | tag``."""
    nonce = os.urandom(_WRAP_NONCE)
    return nonce + AESGCM(master.secret).encrypt(nonce, data_key, master.key_id.encode("ascii"))


def unwrap_key(master: MasterKey, wrapped: bytes) -> bytes:
    """Open a wrapped data key; ``DecryptionError`` when it was altered or sealed under another key."""
    nonce, sealed = wrapped[:_WRAP_NONCE], wrapped[_WRAP_NONCE:]
    try:
        data_key = AESGCM(master.secret).decrypt(nonce, sealed, master.key_id.encode("ascii"))
    except (InvalidTag, ValueError):
        raise DecryptionError("the wrapped data key does not open with this master key") from None
    if len(data_key) != KEY_BYTES:
        raise DecryptionError("the wrapped data key has the wrong length")
    return data_key


def _nonce(prefix: bytes, index: int, *, final: bool) -> bytes:
    if index >= _MAX_CHUNKS:
        raise StoreError("object too large for one data key")
    return prefix + struct.pack(">IB", index, 1 if final else 0)


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes, fewer only at the end of the stream."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        block = stream.read(left)
        if not block:
            break
        parts.append(block)
        left -= len(block)
    return b"".join(parts)


@dataclass(frozen=True, slots=True)
class EncryptResult:
    """Digests and sizes of one encryption: the plaintext (archive identity) and the ciphertext (fixity)."""

    digest: str
    size: int
    cipher_digest: str
    cipher_size: int


def encrypt_stream(src: BinaryIO, out: BinaryIO, data_key: bytes, chunk_size: int = CHUNK_SIZE) -> EncryptResult:
    """Encrypt ``src`` to its end into ``out``, hashing plaintext and ciphertext in the same pass."""
    if not 0 < chunk_size < 2**31:
        raise ValueError("chunk_size must be between 1 and 2**31 - 1")
    header = _HEADER.pack(MAGIC, chunk_size, os.urandom(_PREFIX_BYTES))
    prefix = header[-_PREFIX_BYTES:]
    aead = AESGCM(data_key)
    plain_hash, cipher_hash = hashlib.sha256(), hashlib.sha256()
    size, cipher_size = 0, len(header)
    out.write(header)
    cipher_hash.update(header)
    index = 0
    current = _read_exactly(src, chunk_size)
    while True:
        following = _read_exactly(src, chunk_size) if len(current) == chunk_size else b""
        final = not following
        sealed = aead.encrypt(_nonce(prefix, index, final=final), current, header)
        plain_hash.update(current)
        cipher_hash.update(sealed)
        out.write(sealed)
        size += len(current)
        cipher_size += len(sealed)
        if final:
            break
        current, index = following, index + 1
    return EncryptResult(
        digest=f"{ALGORITHM}:{plain_hash.hexdigest()}",
        size=size,
        cipher_digest=f"{ALGORITHM}:{cipher_hash.hexdigest()}",
        cipher_size=cipher_size,
    )


class DecryptingReader(io.RawIOBase):
    """A read-only stream of the plaintext of an encrypted object; raises ``DecryptionError`` on tampering.

    Nothing is returned from a chunk before its tag has been checked, and the end of the stream is
    reported only after the final chunk authenticated, so a truncated object never reads as complete.
    """

    def __init__(self, raw: BinaryIO, data_key: bytes) -> None:
        """Read and check the header of ``raw``; the reader closes ``raw`` when it is closed."""
        super().__init__()
        self._raw = raw
        self._header = _read_exactly(raw, HEADER_SIZE)
        if len(self._header) != HEADER_SIZE:
            raise CipherFormatError("not an encrypted object: the header is incomplete")
        magic, chunk_size, self._prefix = _HEADER.unpack(self._header)
        if magic != MAGIC or chunk_size == 0:
            raise CipherFormatError("not an encrypted object: unknown header")
        self._sealed_size = chunk_size + TAG_SIZE
        self._aead = AESGCM(data_key)
        self._index = 0
        self._buffer = b""
        self._pos = 0
        self._done = False
        self._next = _read_exactly(raw, self._sealed_size)

    def readable(self) -> bool:
        """Always True."""
        return True

    def _advance(self) -> None:
        current = self._next
        if len(current) < TAG_SIZE:
            raise DecryptionError("the encrypted object is truncated")
        self._next = _read_exactly(self._raw, self._sealed_size) if len(current) == self._sealed_size else b""
        final = not self._next
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._index, final=final), current, self._header)
        except InvalidTag:
            raise DecryptionError(f"chunk {self._index} of the encrypted object failed authentication") from None
        self._buffer, self._pos = plain, 0
        self._index += 1
        self._done = final

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Fill ``buffer`` with plaintext; 0 only at the authenticated end."""
        view = memoryview(buffer).cast("B")
        while self._pos >= len(self._buffer):
            if self._done:
                return 0
            self._advance()
        count = min(len(view), len(self._buffer) - self._pos)
        view[:count] = self._buffer[self._pos : self._pos + count]
        self._pos += count
        return count

    def close(self) -> None:
        """Close the underlying ciphertext stream too."""
        if not self.closed:
            self._raw.close()
        super().close()
