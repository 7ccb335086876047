"""Natural sort order for file names: page2 before page10. Pure module."""

from __future__ import annotations

import re

from kho.core.text import nfc

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders runs of digits by value and the rest case-insensitively (NFC)."""
    parts = _DIGITS.split(nfc(name).casefold())
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts if part != "")
