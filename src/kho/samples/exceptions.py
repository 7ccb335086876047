"""Errors of the sample-scan renderer (style.md rule 12: each class says what to do next)."""

from __future__ import annotations

__all__ = ["FontNotFoundError", "SamplesError"]


class SamplesError(Exception):
    """Base class of every error raised by ``kho.samples``; CLI exit code 2."""

    exit_code = 2


class FontNotFoundError(SamplesError):
    """No serif font with Vietnamese glyphs was found; install a Debian font package and retry.

    ``fonts-liberation`` 1.x has no Vietnamese letters (ơ, ư, ộ …) and is skipped; ``fonts-liberation2``
    (Times New Roman metrics) or ``fonts-noto-core`` (Noto Serif) both work.
    """

    exit_code = 3
