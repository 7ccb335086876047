"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), standard library only.

Pure module (no Django): ``kho.access.signin`` keeps the secret and the last accepted time step in the
database and refuses a step that is not newer, so one code cannot be used twice. Codes are 6 digits,
30-second steps, HMAC-SHA1, the defaults every authenticator app understands.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

__all__ = [
    "DIGITS",
    "STEP_SECONDS",
    "InvalidSecretError",
    "decode_secret",
    "hotp",
    "match_step",
    "new_secret",
    "provisioning_uri",
    "time_step",
    "totp",
]

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1
_ALGORITHMS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


class InvalidSecretError(ValueError):
    """A stored or given secret is not base32: enrol the user again (``kho users totp enable``)."""


def new_secret() -> str:
    """A fresh random secret as unpadded base32 (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base32 secret (spaces, case and missing padding tolerated)."""
    text = "".join(secret.split()).upper()
    text += "=" * (-len(text) % 8)
    try:
        key = base64.b32decode(text, casefold=False)
    except (binascii.Error, ValueError) as error:
        raise InvalidSecretError("TOTP secret is not valid base32") from error
    if not key:
        raise InvalidSecretError("TOTP secret is empty")
    return key


def hotp(key: bytes, counter: int, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """RFC 4226 HOTP value of ``counter`` (dynamic truncation), zero-padded to ``digits``."""
    mac = hmac.new(key, struct.pack(">Q", counter), _ALGORITHMS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(unix_time: float, step: int = STEP_SECONDS) -> int:
    """The RFC 6238 counter ``T = floor(unix_time / step)`` (T0 = 0)."""
    return int(unix_time // step)


def totp(key: bytes, unix_time: float, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """RFC 6238 TOTP value at ``unix_time``."""
    return hotp(key, time_step(unix_time), digits, algorithm)


def match_step(key: bytes, code: str, unix_time: float, window: int = 1) -> int | None:
    """The time step whose code equals ``code`` within ±``window`` steps of now, else None.

    Every candidate is compared in constant time and all are computed, so the answer's timing does not
    say which step matched. Anything but exactly ``DIGITS`` ASCII digits never matches.
    """
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    now = time_step(unix_time)
    found: int | None = None
    for step in range(max(0, now - window), now + window + 1):  # counters are unsigned
        if hmac.compare_digest(hotp(key, step), code) and found is None:
            found = step
    return found


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://totp/…`` URI an authenticator app reads (usually shown as a QR code)."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"
