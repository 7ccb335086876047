"""Archive core benchmarks (issue 2): fixity throughput against a raw hashlib loop over the same files,
and born-digital ingest rate for 100 KB PDFs on SQLite.

Run: ``.venv/bin/python -m bench.core`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import time
from pathlib import Path

from bench._setup import django_archive, timed

FIXITY_FILES = int(os.environ.get("KHO_BENCH_FIXITY_FILES", "120"))
FIXITY_FILE_MB = 4
INGEST_DOCS = int(os.environ.get("KHO_BENCH_INGEST_DOCS", "400"))


def raw_hash_loop(paths: list[Path]) -> None:
    """The baseline: Python's hashlib over each file in 1 MiB readinto blocks."""
    buffer = bytearray(1024 * 1024)
    view = memoryview(buffer)
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb", buffering=0) as stream:
            while count := stream.readinto(view):
                digest.update(view[:count])


def make_pdf(path: Path, label: str, size: int) -> None:
    """A valid one-page PDF padded with incompressible bytes to ``size``."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.KhoPad = pdf.make_stream(random.Random(label).randbytes(size - 800))
    pdf.save(path)


def bench_ingest(work: Path) -> float:
    from kho.agencies.models import Agency
    from kho.ingest.borndigital import IngestBornDigitalAction
    from kho.records.models import Fonds, Record

    agency = Agency.objects.create(code="H99", name="Cơ quan đo hiệu năng")
    fonds = Fonds.objects.create(code="PH99", name="Phông đo", agency=agency)
    Record.objects.create(fonds=fonds, file_code="H99.2025.01.VP", title="Hồ sơ đo")
    folder = work / "pdfs"
    folder.mkdir()
    for i in range(INGEST_DOCS):
        make_pdf(folder / f"vb-{i:05d}.pdf", f"doc-{i}", 100 * 1024)
    action = IngestBornDigitalAction("H99.2025.01.VP", [folder])
    files = action.check()
    start = time.perf_counter()
    report = action.execute(files)
    elapsed = time.perf_counter() - start
    assert report.count("ingested") == INGEST_DOCS, report.as_dict()
    return INGEST_DOCS / elapsed


def bench_fixity(work: Path) -> tuple[float, float, float]:
    from kho.agencies.models import Agency
    from kho.ingest.borndigital import IngestBornDigitalAction
    from kho.records.models import Fonds, Record
    from kho.storage.actions import FixityCheckAction
    from kho.storage.models import Blob
    from kho.storage.store import get_store

    agency = Agency.objects.create(code="H98", name="Cơ quan đo toàn vẹn")
    fonds = Fonds.objects.create(code="PH98", name="Phông đo", agency=agency)
    Record.objects.create(fonds=fonds, file_code="H98.2025.01.VP", title="Hồ sơ đo")
    folder = work / "big"
    folder.mkdir()
    rng = random.Random(7)
    for i in range(FIXITY_FILES):
        (folder / f"scan-{i:04d}.tif").write_bytes(b"II*\x00" + rng.randbytes(FIXITY_FILE_MB * 1024 * 1024 - 4))
    IngestBornDigitalAction("H98.2025.01.VP", [folder]).execute()
    store = get_store()
    paths = [store.path_for(d) for d in Blob.objects.order_by("id").values_list("digest", flat=True)]
    total_mb = sum(p.stat().st_size for p in paths) / 1e6
    raw_hash_loop(paths)  # warm the page cache for both contenders
    kho_time = timed(lambda: FixityCheckAction().execute())
    raw_time = timed(lambda: raw_hash_loop(paths))
    return raw_time / kho_time, total_mb / kho_time, total_mb / raw_time


def main() -> int:
    data_dir = django_archive()
    work = data_dir / "bench-input"
    work.mkdir()
    print(f"Kho core benchmarks (SQLite, data in {data_dir})")
    ratio, kho_mbs, raw_mbs = bench_fixity(work)
    print(
        f"fixity: {FIXITY_FILES} objects x {FIXITY_FILE_MB} MB: kho {kho_mbs:.0f} MB/s, raw hashlib {raw_mbs:.0f} MB/s"
        f" -> ratio {ratio:.2f} (goal >= 0.80)"
    )
    rate = bench_ingest(work)
    print(
        f"born-digital ingest: {INGEST_DOCS} PDFs of 100 KB: {rate:.0f} documents/s (goal >= 100)"
        f" -> ratio to goal {rate / 100:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
