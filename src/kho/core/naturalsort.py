"""Natural sort order for file names: page2 before page10. Pure module."""

from __future__ import annotations

import re
from pathlib import PurePath

from kho.core.text import nfc

_DIGITS = re.compile(r"([0-9]+)")


def natural_key(name: str | PurePath) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders names as people do: ``page2`` before ``page10``.

    A path sorts by its last component. Names are compared NFC-normalised and case-folded; runs of ASCII
    digits compare as numbers. The original name is the last element, so ``p01`` and ``p1`` still sort
    deterministically.
    """
    text = name.name if isinstance(name, PurePath) else name
    parts = _DIGITS.split(nfc(text).casefold())
    key: list[tuple[int, int | str]] = [(0, int(p)) if p.isdigit() else (1, p) for p in parts if p]
    key.append((2, text))
    return tuple(key)
