"""``kho ingest``: idempotent born-digital ingest with events; bad input named; crash-safe."""

import json
import signal
import subprocess
import sys
import time

import pytest

from kho.audit.log import verify_chain
from kho.audit.models import Event
from kho.records.models import DigitalObject, Document
from kho.storage.models import Blob
from kho.storage.store import get_store
from tests import factories
from tests.conftest import kho_subprocess
from tests.isolated import isolated_archive


@pytest.mark.django_db
def test_ingest_stores_documents_objects_and_events(tmp_path, kho):
    rec = factories.record()
    files = factories.write_pdfs(tmp_path / "in", 3)
    result = kho("ingest", *files, "--record", rec.file_code, "--json")
    assert result.code == 0, result.err
    body = result.json()
    assert body["ingested"] == 3 and body["duplicates"] == 0
    docs = list(Document.objects.filter(record=rec).order_by("ordinal"))
    assert [d.doc_code for d in docs] == [f"{rec.file_code}.{i:07d}" for i in (1, 2, 3)]
    assert [d.doc_id for d in docs] == [f"{rec.file_code}.{i}" for i in (1, 2, 3)]
    for doc, path in zip(docs, files, strict=True):
        obj = doc.digital_objects.get()
        assert obj.role == "original" and obj.media_type == "application/pdf" and obj.filename == path.name
        assert get_store().path_for(obj.blob.digest).read_bytes() == path.read_bytes()
    assert Event.objects.filter(event_type="ingestion").count() == 3
    rec.refresh_from_db()
    assert rec.total_doc == 3
    assert verify_chain().ok


@pytest.mark.django_db
def test_same_bytes_twice_are_one_object_reported_as_duplicate(tmp_path, kho):
    rec = factories.record()
    files = factories.write_pdfs(tmp_path / "in", 2)
    copy = tmp_path / "in" / "bản sao.pdf"
    copy.write_bytes(files[0].read_bytes())
    body = kho("ingest", tmp_path / "in", "--record", rec.file_code, "--json").json()
    assert body["ingested"] == 2 and body["duplicates"] == 1
    again = kho("ingest", tmp_path / "in", "--record", rec.file_code, "--json").json()
    assert again["ingested"] == 0 and again["duplicates"] == 3
    assert Blob.objects.count() == 2 and DigitalObject.objects.count() == 2 and Document.objects.count() == 2


@pytest.mark.django_db
def test_folder_is_ingested_in_natural_order(tmp_path, kho):
    rec = factories.record()
    for i in (10, 2, 1):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"trang{i}.pdf").write_bytes(factories.pdf_bytes(f"p{i}"))
    kho("ingest", tmp_path / "in", "--record", rec.file_code)
    names = [d.digital_objects.get().filename for d in Document.objects.order_by("ordinal")]
    assert names == ["trang1.pdf", "trang2.pdf", "trang10.pdf"]


@pytest.mark.django_db
def test_bad_files_are_rejected_and_the_rest_goes_on(tmp_path, kho):
    rec = factories.record()
    folder = tmp_path / "in"
    factories.write_pdfs(folder, 1)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.txt").write_text("không phải PDF")
    result = kho("ingest", folder, "--record", rec.file_code, "--json")
    assert result.code == 1
    body = result.json()
    assert body["ingested"] == 1 and body["rejected"] == 2
    reasons = {f["path"].rsplit("/", 1)[-1]: f["reason"] for f in body["files"] if f["status"] == "rejected"}
    assert set(reasons) == {"empty.pdf", "notes.txt"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["/nonexistent/file.pdf", "--record", "X"], 3, "X"),
        (["{pdf}", "--record", "KHÔNG-CÓ"], 3, "KHÔNG-CÓ"),
        (["{missing}", "--record", "{record}"], 3, "missing.pdf"),
        (["--record", "{record}"], 2, "PATH"),
    ],
)
def test_bad_input_gets_one_clear_message(tmp_path, kho, args, code, needle):
    rec = factories.record()
    pdf = factories.write_pdfs(tmp_path, 1)[0]
    values = {"pdf": pdf, "missing": tmp_path / "missing.pdf", "record": rec.file_code}
    result = kho("ingest", *[a.format(**values) for a in args])
    assert result.code == code
    assert needle in result.err
    assert "Traceback" not in result.err
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_closed_fonds_accepts_nothing(tmp_path, kho):
    import datetime

    rec = factories.record(in_fonds=factories.fonds(status="closed", closed_on=datetime.date(2025, 7, 1)))
    result = kho("ingest", *factories.write_pdfs(tmp_path, 1), "--record", rec.file_code)
    assert result.code == 4 and "2025-07-01" in result.err
    assert Document.objects.count() == 0


def _counts(env):
    script = (
        "import django,json;django.setup();"
        "from kho.records.models import Document,DigitalObject;from kho.storage.models import Blob;"
        "from kho.audit.models import Event;"
        "print(json.dumps({'documents':Document.objects.count(),'objects':DigitalObject.objects.count(),"
        "'blobs':Blob.objects.count(),'ingest_events':Event.objects.filter(event_type='ingestion').count(),"
        "'ordinals':sorted(Document.objects.values_list('ordinal',flat=True))}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**__import__("os").environ, **env, "DJANGO_SETTINGS_MODULE": "kho.config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _prepare(env, tmp_path):
    assert kho_subprocess(["init"], env).returncode == 0
    setup = (
        "import django;django.setup();from kho.agencies.models import Agency;"
        "from kho.records.models import Fonds,Record;"
        "a=Agency.objects.create(code='H49.64',name='UBND huyện');"
        "f=Fonds.objects.create(code='P01',name='Phông',agency=a);"
        "Record.objects.create(fonds=f,file_code='H49.64.2024.01.VP',title='Hồ sơ')"
    )
    subprocess.run(
        [sys.executable, "-c", setup],
        env={**__import__("os").environ, **env, "DJANGO_SETTINGS_MODULE": "kho.config.settings"},
        check=True,
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_sigkill_mid_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path):
    files = factories.write_pdfs(tmp_path / "scans", 150, size=20_000)
    with isolated_archive(tmp_path / "a") as killed_env, isolated_archive(tmp_path / "b") as clean_env:
        _prepare(killed_env, tmp_path)
        _prepare(clean_env, tmp_path)
        args = ["ingest", str(tmp_path / "scans"), "--record", "H49.64.2024.01.VP"]
        child = subprocess.Popen(
            [sys.executable, "-m", "kho", *args],
            env={**__import__("os").environ, **killed_env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        objects = tmp_path / "a" / "objects" / "sha256"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(1 for _ in objects.rglob("*") if _.is_file()) < 20:
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait()
        partial = _counts(killed_env)
        assert 0 < partial["documents"] < len(files), "the kill must land mid-run"
        rerun = kho_subprocess([*args, "--json"], killed_env)
        assert rerun.returncode == 0, rerun.stderr
        assert json.loads(rerun.stdout)["duplicates"] == partial["documents"]
        assert kho_subprocess(args, clean_env).returncode == 0
        after, clean = _counts(killed_env), _counts(clean_env)
        assert after == clean
        assert after["ordinals"] == list(range(1, len(files) + 1))
        fixity = kho_subprocess(["fixity", "--all", "--json"], killed_env)
        assert fixity.returncode == 0, fixity.stdout
        assert json.loads(fixity.stdout)["checked"] == len(files)
        assert kho_subprocess(["audit", "verify"], killed_env).returncode == 0
