"""Where a content-addressed object lives inside a store: ``sha256/ab/cd/<hex>``."""

from __future__ import annotations

from kho.storage.cas.digest import ALGORITHM, parse_digest


def key_for(digest: str) -> str:
    """Return the relative storage key of ``digest``; two levels of fan-out keep directories small."""
    hexdigest = parse_digest(digest)
    return f"{ALGORITHM}/{hexdigest[:2]}/{hexdigest[2:4]}/{hexdigest}"
