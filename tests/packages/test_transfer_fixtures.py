"""Shared helpers for the transfer tests: a dissolved district archive, its exported package, row counts.

The pristine package is built once per test module in a transaction that is rolled back, so each test
starts from an empty receiving archive and imports a fresh copy of the same bag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from kho.agencies.models import Agency, AgencyRelation, RelationKind
from kho.audit.models import Event
from kho.handover.actions import ApplyReorganizationAction, CreateReorganizationAction, ReorganizationSpec
from kho.handover.models import Custody
from kho.ingest.borndigital import IngestBornDigitalAction
from kho.packages.export import ExportPackageAction, ExportResult
from kho.packages.models import PackageTransfer
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.models import Blob
from kho.storage.store import _store_for, get_store
from tests import factories

DISTRICT, HOME_AFFAIRS, ARCHIVE, FONDS = "H49.64", "H49.01", "H49.20", "P49.64"
CLOSING = dt.date(2025, 7, 1)
MODELS: tuple[type[Any], ...] = (
    Agency, AgencyRelation, Fonds, Custody, Record, Document, DigitalObject, Blob, PackageTransfer, Event,
)  # fmt: skip


def build_source(work: Path, *, records: int = 2, docs: int = 3, size: int = 3000) -> dict[str, str]:
    """A district agency with a fonds of born-digital records, dissolved: functions and custody of the fonds
    pass to the provincial Department of Home Affairs, which hands the fonds to the historical archive."""
    district = Agency.objects.create(
        code=DISTRICT, name="Ủy ban nhân dân huyện Hoành Bồ", level="district", valid_from=dt.date(2001, 1, 1)
    )
    Agency.objects.create(code=HOME_AFFAIRS, name="Sở Nội vụ tỉnh Quảng Ninh", level="province")
    Agency.objects.create(code=ARCHIVE, name="Trung tâm Lưu trữ lịch sử tỉnh Quảng Ninh", level="province")
    fonds = Fonds.objects.create(
        code=FONDS, name="Phông Ủy ban nhân dân huyện Hoành Bồ", agency=district, start_year=2001, end_year=2025
    )
    for n in range(1, records + 1):
        record = Record.objects.create(
            fonds=fonds, file_code=f"{DISTRICT}.2024.{n:02d}.VP", title=f"Hồ sơ số {n} về công tác văn thư, lưu trữ",
            start_date=dt.date(2024, 1, n), end_date=dt.date(2024, 12, n), secrecy_level=n % 2,
        )  # fmt: skip
        files = factories.write_pdfs(work / f"in-{n}", docs, size=size, prefix=f"quyết-định-{n}")
        IngestBornDigitalAction(record.file_code, files).execute()
    Document.objects.filter(ordinal=1).update(number_symbol="01/QĐ-UBND", type_code="02", signer="Nguyễn Văn A")
    spec = ReorganizationSpec(
        kind=RelationKind.DISSOLVE, effective_date=CLOSING, decision_number="123/QĐ-UBND",
        predecessors=(DISTRICT,), successors=(HOME_AFFAIRS,), decision_date=dt.date(2025, 6, 16),
        issuing_body="UBND tỉnh Quảng Ninh",
    )  # fmt: skip
    ApplyReorganizationAction(CreateReorganizationAction(spec).execute()).execute()
    return {o.blob.digest: o.document.doc_code for o in DigitalObject.objects.select_related("blob", "document")}


@pytest.fixture(scope="module")
def pristine(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``(bag, ExportResult, {digest: doc_code})`` of a package exported from a rolled-back source archive."""
    root = tmp_path_factory.mktemp("source")
    bag = root / "package"
    with django_db_blocker.unblock(), override_settings(DATA_DIR=root, OBJECT_STORE_DIR=root / "objects"):
        _store_for.cache_clear()
        with transaction.atomic():
            digests = build_source(root)
            action = ExportPackageAction(FONDS, bag, receiver=ARCHIVE, schema_dir=settings.KHO_SCHEMA_DIR)
            result = action.execute()
            transaction.set_rollback(True)
        _store_for.cache_clear()
    yield bag, result, digests


def fresh_copy(bag: Path, target: Path) -> Path:
    """A writable copy of a bag (symlinks kept as links)."""
    shutil.copytree(bag, target, symlinks=True)
    return target


def row_counts() -> dict[str, int]:
    """Rows of every table an import writes to, plus the objects in the store."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["stored objects"] = sum(1 for _ in get_store().iter_digests())
    return counts


def payload_dir(bag: Path) -> Path:
    """``data/<OBJID>`` of a bag."""
    return next(p for p in (bag / "data").iterdir() if p.is_dir())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_tag_manifest(bag: Path) -> None:
    """Recompute ``tagmanifest-sha256.txt`` as a careful tamperer would."""
    lines = []
    for path in sorted(p for p in bag.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(bag).as_posix()
        if not rel.startswith("data/") and rel != "tagmanifest-sha256.txt":
            lines.append(f"{_sha256(path)}  {rel}\n")
    (bag / "tagmanifest-sha256.txt").write_text("".join(lines), encoding="utf-8")


def rebag(bag: Path) -> None:
    """Recompute the payload manifest, Payload-Oxum and the tag manifest (a tamperer hiding a change)."""
    files = sorted(p for p in (bag / "data").rglob("*") if p.is_file() and not p.is_symlink())
    lines = [f"{_sha256(p)}  {p.relative_to(bag).as_posix()}\n" for p in files]
    (bag / "manifest-sha256.txt").write_text("".join(lines), encoding="utf-8")
    oxum = f"{sum(p.stat().st_size for p in files)}.{len(files)}"
    info = [
        f"Payload-Oxum: {oxum}" if line.startswith("Payload-Oxum:") else line
        for line in (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    ]
    (bag / "bag-info.txt").write_text("\n".join(info) + "\n", encoding="utf-8")
    rewrite_tag_manifest(bag)


def test_pristine_package_is_built_once_and_rolled_back(pristine: Any, db: Any) -> None:
    bag, result, digests = pristine
    assert isinstance(result, ExportResult) and (bag / "bagit.txt").is_file()
    assert result.records == 2 and result.documents == 6 and result.files == 6 and len(digests) == 6
    assert Fonds.objects.count() == 0  # the source archive was rolled back
