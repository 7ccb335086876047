"""Where a content-addressed object lives inside a store: ``sha256/ab/cd/<hex>``."""

from __future__ import annotations

from kho.storage.cas.digest import ALGORITHM, parse_digest


def key_for(digest: str) -> str:
    """Return the relative storage key of ``digest``; two levels of fan-out keep directories small."""
    hexdigest = parse_digest(digest)
    return f"{ALGORITHM}/{hexdigest[:2]}/{hexdigest[2:4]}/{hexdigest}"


ENCRYPTED_DIR = "enc"


def encrypted_key_for(cipher_digest: str) -> str:
    """The relative key of an encrypted object, named by the digest of its *ciphertext*.

    Encrypted objects live apart from plaintext ones and their names say nothing about their content
    (naming them by the plaintext digest would let anyone confirm a guessed document).
    """
    hexdigest = parse_digest(cipher_digest)
    return f"{ENCRYPTED_DIR}/{hexdigest[:2]}/{hexdigest[2:4]}/{hexdigest}"
