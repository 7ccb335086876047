"""Digests written ``sha256:<hex>`` with the algorithm stored (style.md rule 15), hashed in streamed blocks."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import BinaryIO

ALGORITHM = "sha256"
CHUNK_SIZE = 1024 * 1024
_DIGEST_RE = re.compile(r"^sha256:([0-9a-f]{64})$")


class DigestError(ValueError):
    """A string is not a digest of the form ``sha256:<64 lower-case hex digits>``."""


def parse_digest(digest: str) -> str:
    """Return the hex part of ``digest``; upper-case hex is accepted and lowered."""
    match = _DIGEST_RE.match(digest.strip().lower()) if isinstance(digest, str) else None
    if not match:
        raise DigestError(f"not a sha256 digest: {digest!r}")
    return match.group(1)


def format_digest(hexdigest: str) -> str:
    """Return ``sha256:<hex>`` for a bare hex digest."""
    return f"{ALGORITHM}:{parse_digest(f'{ALGORITHM}:{hexdigest}')}"


def hash_stream(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> tuple[str, int]:
    """Hash a binary stream to its end in fixed blocks; return ``(digest, size)``.

    Memory stays at one block whatever the stream's length.
    """
    hasher = hashlib.sha256()
    size = 0
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    readinto = getattr(stream, "readinto", None)
    while True:
        if readinto is not None:
            count = readinto(view)
            if not count:
                break
            hasher.update(view[:count])
        else:
            block = stream.read(chunk_size)
            if not block:
                break
            count = len(block)
            hasher.update(block)
        size += count
    return f"{ALGORITHM}:{hasher.hexdigest()}", size


def hash_file(path: Path, chunk_size: int = CHUNK_SIZE) -> tuple[str, int]:
    """Hash a file on disk; return ``(digest, size)``."""
    with path.open("rb", buffering=0) as stream:
        return hash_stream(stream, chunk_size)


class HashingReader:
    """Wrap a binary stream; hash and count every byte read through it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._hasher = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        """Read from the wrapped stream, hashing what comes back."""
        block = self._stream.read(size)
        self._hasher.update(block)
        self.size += len(block)
        return block

    @property
    def digest(self) -> str:
        """The digest of everything read so far."""
        return f"{ALGORITHM}:{self._hasher.hexdigest()}"
