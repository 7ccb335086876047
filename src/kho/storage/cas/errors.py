"""Errors of the pure object store (no Django): the Django glue turns them into Kho errors."""

from __future__ import annotations

__all__ = ["ObjectMissingError", "StoreError"]


class StoreError(OSError):
    """The store could not write or read an object (disk full, permissions, a digest that does not match)."""


class ObjectMissingError(StoreError):
    """No object with this digest is in the store."""
