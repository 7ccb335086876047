"""Export with a schema file whose name is not NFC: written first and bagged in place, as before issue #5.

Bagging renames such a file to NFC, so the writer's digests cannot be used for the manifest without
listing the folder; every other export is bagged from the writer's digests while the content is copied.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

from kho.packages import export
from kho.packages.export import ExportPackageAction
from kho.packages.formats import validate_bag
from tests.packages.test_transfer_fixtures import ARCHIVE, FONDS, build_source

pytestmark = pytest.mark.django_db
NFD_NAME = unicodedata.normalize("NFD", "lược-đồ.xsd")


def _schemas(tmp_path: Path, *, extra: str | None) -> Path:
    folder = tmp_path / "schemas"
    shutil.copytree(settings.KHO_SCHEMA_DIR, folder)
    if extra is not None:
        (folder / extra).write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("extra", [None, NFD_NAME], ids=["nfc-names", "nfd-schema-name"])
def test_both_ways_of_bagging_give_a_valid_bag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str | None):
    build_source(tmp_path)
    started: list[str] = []
    real_start, real_write = export.start_package, export.write_package
    monkeypatch.setattr(export, "start_package", lambda *a: started.append("start") or real_start(*a))
    monkeypatch.setattr(export, "write_package", lambda *a: started.append("write") or real_write(*a))
    out = tmp_path / "bag"
    result = ExportPackageAction(FONDS, out, receiver=ARCHIVE, schema_dir=_schemas(tmp_path, extra=extra)).execute()
    assert started == (["start"] if extra is None else ["write"])
    assert validate_bag(out).is_valid
    manifest = (out / "manifest-sha256.txt").read_text(encoding="utf-8")
    if extra is not None:
        assert f"schemas/{unicodedata.normalize('NFC', extra)}\n" in manifest  # renamed to NFC by bagging
    assert result.files == 6 and not any(out.glob("KHO-*"))  # nothing left outside data/
