"""Compare Kho's BagIt validator with bagit-python 1.9.0 (test-only dependency).

Run: .venv/bin/python -m bench.bagit_compare
Measures, in one run: the bagit-python test payload (5 files, ~1 MB) and a generated payload of
10,000 small files. Both validators check the same bag (sha256 manifest only, every checksum); best of N
runs, page cache warm for both. bagit-python runs with its default of one process; Kho hashes files of
256 KiB and more on a few threads once a bag holds 16 MiB or more (not the case for these two bags).
"""

from __future__ import annotations

import io
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bagit

from kho.packages.formats import BagWriter, validate_bag

PAYLOAD = Path(__file__).resolve().parents[2] / "shared/testdata/bagit-python-test-data/payload"


def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def make_payload_bag(target: Path) -> Path:
    with BagWriter(target) as bag:
        for src in sorted(p for p in PAYLOAD.rglob("*") if p.is_file()):
            bag.add_file(src.relative_to(PAYLOAD).as_posix(), src)
    return target


def make_many_files_bag(target: Path, count: int = 10_000) -> Path:
    rnd = random.Random(42)
    with BagWriter(target) as bag:
        for i in range(count):
            data = rnd.randbytes(rnd.randint(100, 16_384))
            bag.add_file(f"thư mục {i % 100:03d}/tệp {i:05d}.bin", io.BytesIO(data))
    return target


def compare(name: str, bag_dir: Path, runs: int) -> None:
    def ours() -> None:
        report = validate_bag(bag_dir)
        assert report.is_valid, report.errors

    def theirs() -> None:
        bagit.Bag(str(bag_dir)).validate()

    ours()
    theirs()  # warm the page cache for both
    t_ours = best_of(runs, ours)
    t_theirs = best_of(runs, theirs)
    print(
        f"{name:<28} kho {t_ours * 1000:8.1f} ms   bagit-python {t_theirs * 1000:8.1f} ms   "
        f"ratio bagit/kho {t_theirs / t_ours:5.2f}x"
    )


def main() -> None:
    print(f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, bagit {bagit.VERSION}")
    tmp = Path(tempfile.mkdtemp(prefix="kho-bench-"))
    try:
        compare("bagit-python test payload", make_payload_bag(tmp / "payload"), runs=7)
        compare("10,000 files (100 B-16 KiB)", make_many_files_bag(tmp / "many"), runs=3)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
