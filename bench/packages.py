"""Transfer package benchmark: ``kho export package`` and ``kho import package`` against bagit-python.

For each size (2,000 files and ``--files``, default 10,000) a fonds of that many born-digital files is put
into a throw-away archive A; then, each in its own child process (wall time and peak RSS via ``wait4``):

* Kho export: ``kho export package`` (E-ARK METS/PREMIS/EAD, files streamed from the object store, bag,
  handover PDFs, inventory) against bagit-python on the same files: copy them out of the store into a
  folder + ``bagit.make_bag(checksums=["sha256"])``.
* Kho import into a fresh archive B with full verification (BagIt + every checksum, E-ARK + XSD, counts,
  then blobs and rows) against ``bagit.Bag(path).validate()``; ``kho validate bag`` is shown too. bagit-python
  has no import: a receiver built on it would also copy the payload into its storage and make it durable,
  so a second baseline does that (validate, copy every payload file, one ``syncfs`` of the target).

Ratios are bagit-python time / Kho time (>= 1.00: Kho at least as fast). Kho's bag holds the same content
files plus its metadata (METS, PREMIS, EAD, sidecar, XSDs, handover files), so it has a little more to hash.
bagit-python runs with its defaults (one process); Kho's export copies the content files in a second process
while it writes the XML, and its import stages every file into the store in a second process while it
checks the package, so both may use two cores. Every size also goes into a peak-memory table (default
sizes 2,000, ``--files`` and 20,000) with the growth from the smallest size and the slope in MB per 1,000
files: "flat" means the slope stays small against the ~100 MB a Django process starts with.
Run: ``.venv/bin/python -m bench.packages [--files 10000] [--size 16384] [--memory-sizes 2000,10000,20000]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from bench._setup import django_archive

AGENCY, RECEIVER = "H99.64", "H99.20"
DOCS_PER_RECORD = 100


def populate(fonds_code: str, files: int, size: int) -> None:
    """A fonds with ``files`` one-file documents (random bytes), written straight to the store and database."""
    from django.conf import settings

    from kho.agencies.models import Agency
    from kho.audit import log
    from kho.audit.vocabulary import EventType
    from kho.records.models import DigitalObject, Document, Fonds, Record
    from kho.storage.cas import FileStore
    from kho.storage.models import Blob

    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={"name": "Ủy ban nhân dân huyện đo"})
    Agency.objects.get_or_create(code=RECEIVER, defaults={"name": "Trung tâm Lưu trữ lịch sử đo"})
    fonds = Fonds.objects.create(code=fonds_code, name=f"Phông đo {files}", agency=agency)
    store = FileStore(Path(settings.OBJECT_STORE_DIR), durable=False)  # set-up only: no fsync per file
    rng = random.Random(files)
    puts = [store.put_stream(io.BytesIO(b"%PDF-1.4\n" + rng.randbytes(size - 9))) for _ in range(files)]
    blobs = Blob.objects.bulk_create(
        [Blob(digest=p.digest, size=p.size, storage_key=p.key) for p in puts], batch_size=1000
    )
    records = Record.objects.bulk_create(
        [
            Record(fonds=fonds, file_code=f"{fonds_code}.2024.{n:05d}", title=f"Hồ sơ đo số {n}")
            for n in range((files + DOCS_PER_RECORD - 1) // DOCS_PER_RECORD)
        ]
    )
    docs = Document.objects.bulk_create(
        [
            Document(
                record=records[i // DOCS_PER_RECORD],
                ordinal=i % DOCS_PER_RECORD + 1,
                doc_id=f"{records[i // DOCS_PER_RECORD].file_code}.{i % DOCS_PER_RECORD + 1}",
                doc_code=f"{records[i // DOCS_PER_RECORD].file_code}.{i % DOCS_PER_RECORD + 1:07d}",
                subject=f"Văn bản đo {i}",
            )
            for i in range(files)
        ],
        batch_size=1000,
    )
    DigitalObject.objects.bulk_create(
        [
            DigitalObject(document=d, blob=b, role="original", media_type="application/pdf", filename=f"vb-{i}.pdf")
            for i, (d, b) in enumerate(zip(docs, blobs, strict=True))
        ],
        batch_size=1000,
    )
    log.append_many([log.NewEvent(EventType.INGESTION, object_type="document", object_id=d.doc_code) for d in docs])


# A small launcher measures each contender: forked from a bare interpreter, the child's peak RSS is its own
# (a fork of the Django-laden bench process would carry that process's RSS into ``ru_maxrss``).
LAUNCH = """
import json, os, subprocess, sys, tempfile, time
with tempfile.TemporaryFile() as err:
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=err)
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err.seek(0)
    print(json.dumps({"wall": wall, "rc": os.waitstatus_to_exitcode(status), "rss_mb": usage.ru_maxrss / 1024,
                      "out": out.decode(), "err": err.read().decode()[-3000:]}))
"""
DJANGO = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from django.conf import settings
"""
KHO_EXPORT = (
    DJANGO
    + """
import kho.packages.export as ex
inner, spent = ex.write_handover_documents, {"handover": 0.0}
def timed(*args, **kwargs):
    t = time.perf_counter()
    try:
        return inner(*args, **kwargs)
    finally:
        spent["handover"] += time.perf_counter() - t
ex.write_handover_documents = timed
t = time.perf_counter()
schemas = settings.KHO_SCHEMA_DIR
action = ex.ExportPackageAction(sys.argv[1], Path(sys.argv[2]), receiver=sys.argv[3], schema_dir=schemas)
action.execute()
print(json.dumps({"work": time.perf_counter() - t, **spent}))
"""
)
KHO_IMPORT = (
    DJANGO
    + """
import kho.packages.importer as im
inner, spent = im.verify_transfer, {"verify": 0.0}
def timed(*args, **kwargs):
    t = time.perf_counter()
    try:
        return inner(*args, **kwargs)
    finally:
        spent["verify"] += time.perf_counter() - t
im.verify_transfer = timed
t = time.perf_counter()
action = im.ImportPackageAction(Path(sys.argv[1]), schema_dir=settings.KHO_SCHEMA_DIR,
                                receipt_dir=Path(settings.DATA_DIR) / "receipts", received_by="bench")
assert action.execute().status == "imported"
print(json.dumps({"work": time.perf_counter() - t, **spent}))
"""
)
KHO_VALIDATE = """
import json, sys, time
from kho.packages.formats import validate_bag
t = time.perf_counter()
assert validate_bag(sys.argv[1]).is_valid
print(json.dumps({"work": time.perf_counter() - t}))
"""
BAGIT_MAKE = """
import json, shutil, sys, time
from pathlib import Path
import bagit
t = time.perf_counter()
target = Path(sys.argv[2])
for line in open(sys.argv[1], encoding="utf-8"):
    src, rel = line.rstrip("\\n").split("\\t")
    dst = target / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
bagit.make_bag(str(target), checksums=["sha256"])
print(json.dumps({"work": time.perf_counter() - t}))
"""
BAGIT_RECEIVE = """
import ctypes, ctypes.util, json, os, shutil, sys, time
from pathlib import Path
import bagit
t = time.perf_counter()
bag = bagit.Bag(sys.argv[1])
bag.validate()
target = Path(sys.argv[2])
for rel in bag.payload_files():
    dst = target / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(sys.argv[1]) / rel, dst)
fd = os.open(target, os.O_RDONLY)
assert ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).syncfs(fd) == 0
os.close(fd)
print(json.dumps({"work": time.perf_counter() - t}))
"""
BAGIT_VALIDATE = """
import json, sys, time
import bagit
t = time.perf_counter()
bagit.Bag(sys.argv[1]).validate()
print(json.dumps({"work": time.perf_counter() - t}))
"""


def measure(script: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``script`` in a child (through the launcher); return its work time, wall time and peak RSS."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kho.config.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, sys.executable, "-c", script, *args],
        env=full_env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"child failed ({result['rc']}): {result['err']}")
    return {**json.loads(result["out"].strip().splitlines()[-1]), "wall": result["wall"], "rss": result["rss_mb"]}


def file_list(fonds_code: str, path: Path) -> None:
    """``store path<TAB>relative name`` of every file of the fonds, for the bagit-python child."""
    from kho.records.models import DigitalObject
    from kho.storage.store import get_store

    store = get_store()
    objects = DigitalObject.objects.filter(document__record__fonds__code=fonds_code).select_related("blob", "document")
    with path.open("w", encoding="utf-8") as out:
        for obj in objects.iterator(2000):
            out.write(f"{store.path_for(obj.blob.digest)}\t{obj.document.doc_id}.pdf\n")


def run_size(files: int, size: int, env_a: dict[str, str], work: Path) -> dict[str, dict[str, float]]:
    """Populate, then measure the five contenders for one fonds size."""
    fonds_code = f"PBENCH{files}"
    populate(fonds_code, files, size)
    bag, plain, listing = work / f"kho-{files}", work / f"bagit-{files}", work / f"files-{files}.tsv"
    file_list(fonds_code, listing)
    env_b = {"KHO_DATA_DIR": str(work / f"archive-b-{files}"), "KHO_DATABASE_URL": "", "KHO_LOG_LEVEL": "ERROR"}
    subprocess.run([sys.executable, "-m", "kho", "init"], env={**os.environ, **env_b}, check=True, capture_output=True)
    return {
        "export": measure(KHO_EXPORT, [fonds_code, str(bag), RECEIVER], env_a),
        "make_bag": measure(BAGIT_MAKE, [str(listing), str(plain)], env_a),
        "validate": measure(KHO_VALIDATE, [str(bag)], env_b),
        "import": measure(KHO_IMPORT, [str(bag)], env_b),
        "bag_validate": measure(BAGIT_VALIDATE, [str(plain)], env_b),
        "bag_receive": measure(BAGIT_RECEIVE, [str(plain), str(work / f"received-{files}")], env_b),
    }


def report(files: int, size: int, r: dict[str, dict[str, float]]) -> None:
    """Print one size's numbers: work time (no interpreter start-up), wall time, peak RSS, ratio."""
    print(f"\n{files} files x {size // 1024} KiB ({files * size / 1e6:.0f} MB of content):")
    export_bag = r["export"]["work"] - r["export"]["handover"]

    def line(name: str, seconds: float, rss: float | None, other: str, other_s: float) -> None:
        memory = f"peak RSS {rss:5.0f} MB" if rss is not None else " " * 18
        print(
            f"  {name:34s} {seconds:7.2f} s  {memory} | {other:26s} {other_s:6.2f} s -> ratio {other_s / seconds:.2f}"
        )

    line(
        "kho export package (all)",
        r["export"]["work"],
        r["export"]["rss"],
        "bagit copy + make_bag",
        r["make_bag"]["work"],
    )
    line("  without handover PDFs", export_bag, None, "bagit copy + make_bag", r["make_bag"]["work"])
    line(
        "kho import package (all)",
        r["import"]["work"],
        r["import"]["rss"],
        "bagit Bag.validate",
        r["bag_validate"]["work"],
    )
    line(
        "kho import package (all)",
        r["import"]["work"],
        None,
        "bagit validate + copy + sync",
        r["bag_receive"]["work"],
    )
    line("  of which verification", r["import"]["verify"], None, "bagit Bag.validate", r["bag_validate"]["work"])
    line(
        "kho validate_bag", r["validate"]["work"], r["validate"]["rss"], "bagit Bag.validate", r["bag_validate"]["work"]
    )
    print(
        f"  handover PDFs {r['export']['handover']:.2f} s; wall incl. start-up: export {r['export']['wall']:.1f} s, "
        f"import {r['import']['wall']:.1f} s; bagit-python peak RSS make_bag {r['make_bag']['rss']:.0f} MB, "
        f"validate {r['bag_validate']['rss']:.0f} MB"
    )


MEMORY_COLUMNS = {
    "export": "kho export",
    "import": "kho import",
    "validate": "kho validate_bag",
    "make_bag": "bagit make_bag",
    "bag_validate": "bagit validate",
}


def memory_table(results: dict[int, dict[str, dict[str, float]]]) -> None:
    """Peak RSS per size and contender, the growth against the smallest size and the slope per 1,000 files."""
    sizes = sorted(results)
    print("\npeak RSS (MB) by number of files:")
    print(f"  {'files':>7} " + " ".join(f"{name:>17}" for name in MEMORY_COLUMNS.values()))
    for files in sizes:
        print(f"  {files:>7} " + " ".join(f"{results[files][key]['rss']:>17.0f}" for key in MEMORY_COLUMNS))
    if len(sizes) < 2:
        return
    small, big = sizes[0], sizes[-1]
    growth = {key: results[big][key]["rss"] / results[small][key]["rss"] for key in MEMORY_COLUMNS}
    slope = {
        key: (results[big][key]["rss"] - results[small][key]["rss"]) / (big - small) * 1000 for key in MEMORY_COLUMNS
    }
    ratios = " ".join(f"{'x' + format(growth[k], '.2f'):>17}" for k in MEMORY_COLUMNS)
    print(f"  growth {big // small}x files {ratios}")
    print("  MB per 1000 files " + " ".join(f"{slope[k]:>17.2f}" for k in MEMORY_COLUMNS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=16 * 1024, help="bytes per file")
    parser.add_argument("--memory-sizes", default="2000,20000", help="more sizes for the peak-memory table")
    options = parser.parse_args()
    data_dir = django_archive()
    env_a = {"KHO_DATA_DIR": str(data_dir), "KHO_DATABASE_URL": "", "KHO_LOG_LEVEL": "ERROR"}
    work = data_dir / "bench-packages"
    work.mkdir()
    print(f"Transfer package benchmark (SQLite, data in {data_dir}); each step is a child process")
    extra = {int(n) for n in options.memory_sizes.split(",") if n.strip()}
    results = {}
    for files in sorted({min(2000, options.files), options.files, *extra}):
        results[files] = run_size(files, options.size, env_a, work)
        report(files, options.size, results[files])
    memory_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
