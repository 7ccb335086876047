"""TOTP secrets sealed at rest: AES-256-GCM under a key derived from Django's ``SECRET_KEY`` (HKDF-SHA256).

A copy of the database alone (a PostgreSQL dump, a backup of ``kho.sqlite3``) no longer carries the seeds
that make sign-in codes. The stored form is ``gcm1:`` + base64url(nonce ‖ ciphertext ‖ tag), bound to its
account (the user id is the associated data), so a sealed secret copied onto another account does not open.
``SECRET_KEY_FALLBACKS`` still open secrets sealed before a key rotation. A row written before sealing
(plain base32) is read as it is; migration ``access.0003`` seals every such row.

On the embedded default ``kho init`` writes the secret key into the data directory, so a copy of the whole
data directory still opens the secrets: set ``KHO_SECRET_KEY`` from outside to keep the two apart.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["PREFIX", "SealedSecretError", "open_secret", "seal_secret"]

PREFIX = "gcm1:"
_INFO = b"kho access totp secret v1"
_NONCE = 12


class SealedSecretError(ValueError):
    """A sealed TOTP secret that no configured secret key opens (tampered, or the key was replaced)."""


def _key(secret_key: str | bytes) -> bytes:
    material = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material)


def _aad(user_id: int) -> bytes:
    return f"totp:{user_id}".encode("ascii")


def seal_secret(secret: str, user_id: int) -> str:
    """The stored form of ``secret`` for the account ``user_id`` (under the current ``SECRET_KEY``)."""
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, secret.encode("ascii"), _aad(user_id))
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_secret(stored: str, user_id: int) -> str:
    """The base32 secret of ``stored`` (a legacy plain value is returned as it is).

    Raises:
        SealedSecretError: No configured secret key opens it, or it is not a sealed value.
    """
    if not stored.startswith(PREFIX):
        return stored
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
    except (binascii.Error, ValueError):
        raise SealedSecretError("not base64url") from None
    nonce, sealed = raw[:_NONCE], raw[_NONCE:]
    for secret_key in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        try:
            return AESGCM(_key(secret_key)).decrypt(nonce, sealed, _aad(user_id)).decode("ascii")
        except (InvalidTag, ValueError):
            continue
    raise SealedSecretError("no secret key opens it")
