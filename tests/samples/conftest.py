"""Fixtures for the sample-scan renderer tests (pure: no database, no Django settings needed).

Every test here needs a serif font with Vietnamese glyphs; without one the whole directory is skipped
with the Debian package to install.
"""

from __future__ import annotations

import re

import pytest

from kho.samples._fonts import FontSet, find_fonts
from kho.samples.exceptions import FontNotFoundError

# standards.md §5 "Regexes" (verbatim).
STATE_NUMBER = re.compile(r"Số:\s*(\d+)/((?:\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)*)")
PARTY_NUMBER = re.compile(r"Số:?\s*(\d+)-([A-ZĐ][A-Za-zĐđ]*)/([A-ZĐ0-9-]+)")


@pytest.fixture(scope="session", autouse=True)
def fonts() -> FontSet:
    """The font family the renderer will use; skips the directory when none is installed."""
    try:
        return find_fonts()
    except FontNotFoundError as exc:
        pytest.skip(str(exc))
