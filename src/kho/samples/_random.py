"""The one place that creates random generators for sample data."""

from __future__ import annotations

import random

__all__ = ["seeded"]


def seeded(seed: int) -> random.Random:
    """Return a reproducible generator; sample documents need repeatability, not secrecy."""
    return random.Random(seed)  # noqa: S311 - deterministic test data, never used for security
