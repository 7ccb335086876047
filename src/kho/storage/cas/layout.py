"""Where a content-addressed object lives inside a store: ``sha256/ab/<hex>`` (``sha256/ab/cd/<hex>`` in old stores).

A store made by this version has one level of fan-out folders (256 of them: a million objects make about
4,000 entries a folder, which ext4 and XFS index). Stores made before 2026-11 have two levels (65,536
folders); they keep them. Measured on 2 cores (ext4, storing 10,000 new objects of 16 KiB on 2 threads,
three runs each): two levels 1.46-1.56 s with 2.2-2.4 s of system time, one level 0.96-1.02 s with
1.4-1.5 s: with two levels nearly every new object needs a new folder (a failed ``linkat``, a ``mkdir``,
then the ``linkat`` again). A store records its layout in its ``layout`` file (see :class:`FileStore`).
"""

from __future__ import annotations

from kho.storage.cas.digest import ALGORITHM, parse_digest

#: Fan-out levels of a store made by this version.
LEVELS = 1
#: Fan-out levels of a store made before the ``layout`` file existed.
LEGACY_LEVELS = 2
ENCRYPTED_DIR = "enc"


def _fanout(hexdigest: str, levels: int) -> str:
    return "/".join(hexdigest[2 * n : 2 * n + 2] for n in range(levels))


def key_for(digest: str, levels: int = LEVELS) -> str:
    """Return the relative storage key of ``digest`` in a store with ``levels`` of fan-out."""
    hexdigest = parse_digest(digest)
    return f"{ALGORITHM}/{_fanout(hexdigest, levels)}/{hexdigest}"


def encrypted_key_for(cipher_digest: str, levels: int = LEVELS) -> str:
    """The relative key of an encrypted object, named by the digest of its *ciphertext*.

    Encrypted objects live apart from plaintext ones and their names say nothing about their content
    (naming them by the plaintext digest would let anyone confirm a guessed document).
    """
    hexdigest = parse_digest(cipher_digest)
    return f"{ENCRYPTED_DIR}/{_fanout(hexdigest, levels)}/{hexdigest}"
