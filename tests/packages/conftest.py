"""Fixtures for the pure package-format tests (no database, no Django settings needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.packages.formats import BagWriter
from tests.packages._bagit_data import PAYLOAD, SMALL_BAG_FILES, copy_writable


@pytest.fixture
def payload_copy(tmp_path: Path) -> Path:
    """A writable copy of the bagit-python test payload (5 files, 991,765 bytes)."""
    if not PAYLOAD.is_dir():
        pytest.skip(f"test data missing: {PAYLOAD}")
    return copy_writable(PAYLOAD, tmp_path / "payload")


@pytest.fixture
def small_bag(tmp_path: Path) -> Path:
    """A fresh valid bag written by BagWriter with a few files, including Vietnamese names."""
    root = tmp_path / "bag"
    with BagWriter(root, bag_info={"Source-Organization": "Văn phòng Trung ương Đảng"}) as bag:
        for name, data in SMALL_BAG_FILES.items():
            src = tmp_path / "src.tmp"
            src.write_bytes(data)
            bag.add_file(name, src)
    return root
