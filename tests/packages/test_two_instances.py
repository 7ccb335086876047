"""Two archives in two data directories (and databases): a dissolved district's fonds travels from A to B.

A: a district agency with a fonds, records and born-digital documents (``kho ingest``); the dissolution is
recorded and applied with the handover app (``ApplyReorganizationAction`` via ``kho handover apply``):
the fonds is closed and custody passes to the provincial Department of Home Affairs. The readiness report
and the handover record PDF come from ``kho handover``; then ``kho export package`` addresses the fonds
to the provincial historical archive. B (the archive) imports it in a child process; counts, every
object's SHA-256, the closed fonds and the custody chain are checked on both sides; a second import
changes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.conftest import kho_subprocess
from tests.isolated import isolated_archive

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SETUP_A = """
import datetime as dt
from kho.agencies.models import Agency
from kho.records.models import Fonds, Record
district = Agency.objects.create(code="H49.64", name="Ủy ban nhân dân huyện Hoành Bồ", level="district",
                                 valid_from=dt.date(1994, 1, 1))
Agency.objects.create(code="H49.01", name="Sở Nội vụ tỉnh Quảng Ninh", level="province")
Agency.objects.create(code="H49.20", name="Trung tâm Lưu trữ lịch sử tỉnh Quảng Ninh", level="province")
fonds = Fonds.objects.create(code="PH49.64", name="Phông Ủy ban nhân dân huyện Hoành Bồ", agency=district)
for n in (1, 2, 3):
    Record.objects.create(fonds=fonds, file_code=f"H49.64.2024.{n:02d}.VP", title=f"Hồ sơ văn phòng số {n}",
                          start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31))
"""
EVENT_A = """
import datetime as dt
from kho.agencies.models import RelationKind
from kho.handover.actions import CreateReorganizationAction, ReorganizationSpec
spec = ReorganizationSpec(kind=RelationKind.DISSOLVE, effective_date=dt.date(2025, 7, 1),
    decision_number="123/QĐ-UBND", decision_date=dt.date(2025, 6, 16), issuing_body="UBND tỉnh Quảng Ninh",
    predecessors=("H49.64",), successors=("H49.01",))
print(json.dumps({"event": CreateReorganizationAction(spec).execute().pk}))
"""
SETUP_B = """
from kho.agencies.models import Agency
Agency.objects.create(code="H49.20", name="Trung tâm Lưu trữ lịch sử tỉnh Quảng Ninh", level="province")
"""
STATE = """
import hashlib
from kho.agencies.models import Agency
from kho.handover.models import Custody
from kho.packages.models import PackageTransfer
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.store import get_store
store = get_store()
fonds = Fonds.objects.get(code="PH49.64")
objects = DigitalObject.objects.select_related("blob", "document")
print(json.dumps({
    "records": Record.objects.filter(fonds=fonds).count(),
    "documents": Document.objects.filter(record__fonds=fonds).count(),
    "objects": {o.document.doc_code: o.blob.digest for o in objects.filter(document__record__fonds=fonds)},
    "rehashed": {o.blob.digest: "sha256:" + hashlib.sha256(store.path_for(o.blob.digest).read_bytes()).hexdigest()
                 for o in objects},
    "fonds": [fonds.status, str(fonds.closed_on)],
    "district": Agency.objects.get(code="H49.64").status,
    "custody": [[c.holder.code, str(c.from_date), str(c.to_date), c.legal_basis]
                for c in Custody.objects.filter(fonds=fonds).order_by("from_date", "id")],
    "transfers": list(PackageTransfer.objects.values_list("direction", "package_id", "root_hash")),
}))
"""


def _py(env: dict[str, str], code: str) -> Any:
    """Run Django code in the archive of ``env``; return the JSON it printed (if any)."""
    script = f"import json, django\ndjango.setup()\n{code}"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "kho.config.settings"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def _kho(env: dict[str, str], *args: Any) -> subprocess.CompletedProcess[str]:
    done = kho_subprocess([str(a) for a in args], env)
    assert done.returncode == 0, f"kho {' '.join(map(str, args))}: {done.stdout}\n{done.stderr}"
    return done


def _source(env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """Archive A: ingest, plan the dissolution, readiness, apply, handover record, export."""
    _kho(env, "init")
    _py(env, SETUP_A)
    for n in (1, 2, 3):
        files = factories.write_pdfs(tmp_path / f"scans-{n}", 4, size=6000, prefix=f"công-văn-{n}")
        _kho(env, "ingest", *files, "--record", f"H49.64.2024.{n:02d}.VP")
    event = _py(env, EVENT_A)["event"]
    _kho(env, "handover", "readiness", "H49.64", "--format", "pdf", "--output", tmp_path / "san-sang.pdf")
    assert (tmp_path / "san-sang.pdf").read_bytes().startswith(b"%PDF")
    _kho(env, "handover", "apply", event)
    docs = _kho(env, "handover", "documents", "--fonds", "PH49.64", "--receiver", "H49.20", "--output",
                tmp_path / "giao-nhan", "--json")  # fmt: skip
    assert any(p.endswith(".pdf") and "bien-ban-giao-nhan" in p for p in json.loads(docs.stdout)["files"])
    export = _kho(env, "export", "package", "--fonds", "PH49.64", "--receiver", "H49.20", tmp_path / "goi", "--json")
    return json.loads(export.stdout)


def test_fonds_travels_from_one_archive_to_another(tmp_path):
    with isolated_archive(tmp_path / "a") as env_a, isolated_archive(tmp_path / "b") as env_b:
        exported = _source(env_a, tmp_path)
        source = _py(env_a, STATE)
        assert source["fonds"] == ["closed", "2025-07-01"] and source["district"] == "ended"
        assert [c[0] for c in source["custody"]] == ["H49.64", "H49.01"]
        assert (exported["records"], exported["documents"], exported["files"]) == (3, 12, 12)
        bag = tmp_path / "goi"
        assert any(f.endswith(".pdf") for f in exported["handover_files"])

        _kho(env_b, "init")
        _py(env_b, SETUP_B)
        _kho(env_b, "validate", "package", bag)
        received = json.loads(_kho(env_b, "import", "package", bag, "--json", "--received-by", "Lê Văn C").stdout)
        assert received["status"] == "imported" and received["root_hash"] == exported["root_hash"]
        target = _py(env_b, STATE)
        assert (target["records"], target["documents"]) == (3, 12)
        assert target["objects"] == source["objects"]
        assert all(digest == rehashed for digest, rehashed in target["rehashed"].items())
        assert target["fonds"] == ["closed", "2025-07-01"] and target["district"] == "ended"
        chain = target["custody"]
        assert [c[0] for c in chain] == ["H49.64", "H49.01", "H49.20"] and chain[-1][2] == "None"
        assert chain[1][3] == source["custody"][1][3] and exported["package_id"] in chain[2][3]
        assert target["transfers"] == [["import", exported["package_id"], exported["root_hash"]]]
        assert Path(received["receipt"][0]).is_file()

        again = _kho(env_b, "import", "package", bag)
        assert "already imported" in again.stdout
        assert _py(env_b, STATE) == target
