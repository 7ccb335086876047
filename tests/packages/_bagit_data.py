"""Locations of the shared BagIt test data and a helper to copy read-only fixtures."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

TESTDATA = Path(os.environ.get("KHO_TESTDATA", Path(__file__).resolve().parents[3] / "shared" / "testdata"))
SUITE = TESTDATA / "bagit-conformance-suite"
PAYLOAD = TESTDATA / "bagit-python-test-data" / "payload"


def copy_writable(src: Path, dst: Path) -> Path:
    """Copy a read-only test fixture byte for byte and make the copy writable."""
    shutil.copytree(src, dst, symlinks=True)
    for path in [dst, *dst.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR | stat.S_IRUSR | (stat.S_IXUSR if path.is_dir() else 0))
    return dst


SMALL_BAG_FILES = {
    "a.txt": b"hello\n",
    "Hồ sơ/Quyết định số 01.txt": "Quyết định về việc bàn giao hồ sơ\n".encode(),
    "b/c.bin": bytes(range(256)) * 4,
}
