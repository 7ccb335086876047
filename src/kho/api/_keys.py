"""Pure token helpers: make a token, split it, hash it, compare hashes in constant time (no Django)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

TOKEN_PREFIX = "kho"  # noqa: S105 - the public label of every token, not a secret
PREFIX_HEX = 12
SECRET_BYTES = 32
# kho_<12 hex>_<43 url-safe base64 characters>; anything else is refused before any database query.
TOKEN_RE = re.compile(r"^kho_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
# Compared against when no row matches, so an unknown prefix costs the same hashing and comparison.
DUMMY_HASH = "sha256:" + "0" * 64


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly generated token: ``token`` is shown once; only ``prefix`` and ``key_hash`` are stored."""

    token: str
    prefix: str
    key_hash: str


def hash_token(token: str) -> str:
    """``sha256:<hex>`` of the whole token text (style.md rule 15: the algorithm is stored)."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate() -> NewKey:
    """A new random token (256 bits of secret) with its public prefix and stored hash."""
    prefix = secrets.token_hex(PREFIX_HEX // 2)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewKey(token=token, prefix=prefix, key_hash=hash_token(token))


def split(token: str) -> str | None:
    """The public prefix of a well-formed token, else None (malformed tokens never reach the database)."""
    match = TOKEN_RE.match(token)
    return match.group(1) if match else None


def matches(token: str, stored_hash: str) -> bool:
    """Whether ``token`` hashes to ``stored_hash``, compared in constant time."""
    return hmac.compare_digest(hash_token(token).encode("ascii"), stored_hash.encode("ascii"))
