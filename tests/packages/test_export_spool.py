"""The export spools its record specs and sidecar rows (issue #5): same bytes as in memory, no file left behind."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kho.packages import _collect, export
from kho.packages.exceptions import ExportFailedError
from kho.packages.export import ExportPackageAction
from kho.packages.formats.ead import build_ead
from kho.packages.formats.eark import PackageSpec
from kho.packages.layout import file_role, model_row, package_file_name
from kho.records.models import DigitalObject, Record
from kho.storage.store import get_store
from tests.packages.test_transfer_fixtures import ARCHIVE, FONDS, build_source, payload_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temp folder for this test only, so leftover spool folders can be counted."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _spools(folder: Path) -> list[Path]:
    return sorted(folder.glob("kho-spool-*"))


def _reference_rows() -> list[dict[str, Any]]:
    """The sidecar ``records`` list read straight from the database (every record in file_code order)."""
    rows = []
    for record in Record.objects.filter(fonds__code=FONDS).order_by("file_code"):
        row = model_row(record)
        row["documents"] = []
        for doc in record.documents.order_by("ordinal", "id"):
            doc_row = model_row(doc)
            doc_row["objects"] = [
                {
                    "path": f"representations/{file_role(obj.role)[0]}/data/"
                    + package_file_name(record.file_code, doc.doc_id, obj.role, obj.filename, obj.media_type),
                    "role": obj.role,
                    "media_type": obj.media_type,
                    "filename": obj.filename,
                    "sha256": obj.blob.digest,
                    "size": obj.blob.size,
                }
                for obj in DigitalObject.objects.filter(document=doc).select_related("blob").order_by("role", "id")
            ]
            row["documents"].append(doc_row)
        rows.append(row)
    return rows


def _dumps(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()


def test_spooled_export_writes_the_bytes_of_an_in_memory_one(tmp_path, spool_dir, monkeypatch):
    build_source(tmp_path, records=3, docs=2)
    specs: list[PackageSpec] = []
    real = export.start_package

    def keep_spec(root: Path, spec: PackageSpec) -> Any:
        assert not isinstance(spec.records, tuple)  # the writers get the spool, not a list
        assert len(_spools(spool_dir)) == 1
        specs.append(dataclasses.replace(spec, records=tuple(reversed(list(spec.records)))))
        return real(root, spec)

    monkeypatch.setattr(export, "start_package", keep_spec)
    action = ExportPackageAction(FONDS, tmp_path / "bag", receiver=ARCHIVE, schema_dir=settings.KHO_SCHEMA_DIR)
    result = action.execute()
    package = payload_dir(tmp_path / "bag")
    # EAD: the same bytes as from the specs held in memory (reversed, so the writer has to sort them).
    assert (package / "metadata/descriptive/EAD.xml").read_bytes() == build_ead(specs[0])
    # Sidecar: the bytes of one json.dumps, its records exactly the rows read from the database.
    sidecar_bytes = (package / "documentation/kho-transfer.json").read_bytes()
    sidecar = json.loads(sidecar_bytes)
    assert sidecar["records"] == _reference_rows() and len(sidecar["records"]) == 3
    assert sidecar_bytes == _dumps({**sidecar, "records": _reference_rows()})
    inventory_bytes = (tmp_path / "bag/handover/inventory.json").read_bytes()
    inventory = json.loads(inventory_bytes)
    expected = [
        {"file_code": r["file_code"], "title": r["title"], "documents": 2, "files": 2} for r in _reference_rows()
    ]
    assert inventory["records"] == expected and inventory_bytes == _dumps(inventory)
    assert result.records == 3 and result.documents == 6 and result.files == 6
    assert _spools(spool_dir) == []


def test_no_spool_left_after_a_missing_object(tmp_path, spool_dir):
    build_source(tmp_path)
    blob = DigitalObject.objects.first().blob  # stored encrypted: the spec's source is a lazy stream
    get_store().path_for_key(blob.storage_key).unlink()
    with pytest.raises(ExportFailedError):
        ExportPackageAction(FONDS, tmp_path / "out").execute()
    assert _spools(spool_dir) == [] and not (tmp_path / "out").exists()


def test_no_spool_left_after_a_failure_while_writing(tmp_path, spool_dir, monkeypatch):
    build_source(tmp_path)

    def fail(root: Path, spec: PackageSpec) -> Any:
        assert len(list(spec.records)) == 2 and len(_spools(spool_dir)) == 1
        raise RuntimeError("disk gone")

    monkeypatch.setattr(export, "start_package", fail)
    with pytest.raises(RuntimeError, match="disk gone"):
        ExportPackageAction(FONDS, tmp_path / "out").execute()
    assert _spools(spool_dir) == []


def test_no_spool_left_after_a_failure_while_collecting(tmp_path, spool_dir, monkeypatch):
    build_source(tmp_path)
    real = _collect._record
    calls: list[str] = []

    def fail_second(record: Record, *args: Any) -> Any:
        calls.append(record.file_code)
        if len(calls) == 2:
            raise RuntimeError("database gone")
        return real(record, *args)

    monkeypatch.setattr(_collect, "_record", fail_second)
    with pytest.raises(RuntimeError, match="database gone"):
        ExportPackageAction(FONDS, tmp_path / "out").execute()
    assert _spools(spool_dir) == [] and len(calls) == 2


def test_spool_yields_in_position_order_on_every_pass(tmp_path):
    rows = _collect.JsonLines(tmp_path / "rows.jsonl")
    for position, text in ((2, '{"c":"\\n"}'), (0, '{"a":"Hồ sơ\u2028"}'), (1, "{}")):
        rows.add(position, text)
    rows.finish()
    assert len(rows) == 3
    assert list(rows) == list(rows) == ['{"a":"Hồ sơ\u2028"}', "{}", '{"c":"\\n"}']
