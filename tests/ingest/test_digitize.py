"""``kho digitize``: scans to PDF/A-2b with OCR, metadata with review flags, events; bad files skipped;
TUYỆT MẬT refused; a killed batch resumes; manifests; per-document timeouts."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from kho.audit.models import Event
from kho.core.text import fold_vi
from kho.records.models import DigitalObject, Document
from kho.samples import make_bad_files, random_spec, render_pages
from kho.storage.store import blob_path, get_store
from tests import factories
from tests.conftest import kho_subprocess
from tests.ingest.conftest import RECORDINGS, needs_tesseract
from tests.ingest.extract.test_extract_properties import KEYS
from tests.isolated import isolated_archive

pytestmark = [needs_tesseract, pytest.mark.django_db]


def _record(code: str = "H49.64.33.2024.01", **fields):
    agency = factories.agency(code=code.rsplit(".", 2)[0])
    return factories.record(file_code=code, in_fonds=factories.fonds(owner=agency), **fields)


def _save_pages(spec, folder: Path, dpi: int = 200) -> Path:
    import random

    folder.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(render_pages(spec, dpi=dpi, rng=random.Random(3)), start=1):
        page.save(folder / f"trang-{n}.png", dpi=(dpi, dpi))
    return folder


@pytest.mark.slow
def test_fifty_pages_become_pdfa_with_text_metadata_and_events(corpus_50_pages, recorded_ocr, kho):
    root, docs = corpus_50_pages
    record = _record()
    result = kho("digitize", *[d.path for d in docs], "--record", record.file_code, "--jobs", "2", "--json")
    body = result.json()
    assert result.code == 0, result.err
    assert body["digitized"] == len(docs) and body["pages"] == sum(len(d.files) for d in docs) >= 50
    assert body["pages_per_minute"] > 0
    assert {d.dpi for d in docs} == {200, 300}
    exact = 0
    for doc in docs:
        item = next(i for i in body["items"] if i["source"] == str(doc.path))
        document = Document.objects.get(doc_code=item["doc_code"])
        access = document.digital_objects.get(role="access")
        classified = max(document.secrecy_level, document.record.secrecy_level) > 0
        assert access.blob.encrypted == classified  # classified copies are sealed at rest
        with blob_path(access.blob) as pdf_path:
            with pikepdf.open(pdf_path) as pdf:
                assert pdf.open_metadata().pdfa_status == "2B"
                assert len(pdf.pages) == len(doc.files)
            text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
        assert fold_vi(doc.spec.number_symbol.split("/")[0]) in fold_vi(text)
        assert document.digital_objects.filter(role="master").count() == len(doc.files)
        assert document.digital_objects.filter(role="text").count() == 1
        exact += document.number_symbol == doc.spec.number_symbol
        assert document.verification_status in {"unverified", "needs_review"}
        assert set(document.confidence) >= {"number_symbol", "issued_date"}
        kinds = set(Event.objects.filter(object_id=document.doc_code).values_list("event_type", flat=True))
        assert kinds >= {"capture", "validation", "ocr", "metadata extraction", "ingestion"}
    assert exact >= 0.9 * len(docs)
    assert Document.objects.filter(verification_status="needs_review").exists()


def test_bad_files_are_reported_and_skipped_while_the_batch_completes(tmp_path, recorded_ocr, kho):
    record = _record()
    bad = make_bad_files(tmp_path / "bad")
    good = _save_pages(random_spec(__import__("random").Random(1), system="state"), tmp_path / "good")
    result = kho("digitize", good, *bad.values(), "--record", record.file_code, "--json")
    assert result.code == 1
    body = result.json()
    by_source = {Path(i["source"]).name: i for i in body["items"]}
    for kind in ("zero_byte", "truncated", "garbage", "encrypted_pdf", "bomb"):
        path = bad[kind]
        assert by_source[path.name]["status"] == "failed", kind
        assert by_source[path.name]["reason"], kind
    assert body["digitized"] >= 1
    assert Document.objects.filter(digital_objects__role="access").distinct().count() == body["digitized"]


def test_tuyet_mat_record_is_refused_before_anything_happens(tmp_path, kho):
    record = _record(secrecy_level=3)
    folder = _save_pages(random_spec(__import__("random").Random(2)), tmp_path / "doc")
    result = kho("digitize", folder, "--record", record.file_code)
    assert result.code == 6
    assert "TUYỆT MẬT" in result.err
    assert Document.objects.count() == 0 and DigitalObject.objects.count() == 0


def test_tuyet_mat_page_is_refused_and_nothing_is_stored(tmp_path, recorded_ocr, kho):
    import random

    record = _record()
    spec = replace(random_spec(random.Random(4), system="state"), classification="TUYỆT MẬT")
    secret = _save_pages(spec, tmp_path / "secret", dpi=300)
    mat = _save_pages(
        replace(random_spec(random.Random(5), system="state"), classification="MẬT"), tmp_path / "mat", dpi=300
    )
    body = kho("digitize", secret, mat, "--record", record.file_code, "--json").json()
    status = {Path(i["source"]).name: i["status"] for i in body["items"]}
    assert status == {"secret": "refused", "mat": "digitized"}
    assert Document.objects.count() == 1
    assert Document.objects.get().secrecy_level == 1
    assert not any(get_store().iter_digests()) or DigitalObject.objects.count() == len(list(get_store().iter_digests()))


def test_manifest_maps_files_to_records_and_order(tmp_path, recorded_ocr, kho):
    import random

    first, second = _record("H49.64.33.2024.01"), _record("H49.64.34.2024.02")
    a = _save_pages(random_spec(random.Random(6)), tmp_path / "a")
    b = _save_pages(random_spec(random.Random(7)), tmp_path / "b")
    manifest = tmp_path / "danh-sach.csv"
    manifest.write_text("tệp,mã hồ sơ,thứ tự\na,H49.64.34.2024.02,5\nb,H49.64.33.2024.01,\n", encoding="utf-8")
    result = kho("digitize", "--manifest", manifest, "--json")
    assert result.code == 0, result.err
    assert Document.objects.get(record=second).ordinal == 5
    assert Document.objects.get(record=first).ordinal == 1
    del a, b


def test_bad_manifest_lists_every_bad_row(tmp_path, kho):
    manifest = tmp_path / "m.csv"
    manifest.write_text("tệp,mã hồ sơ,thứ tự\nkhong-co,H1,1\n,H2,\nx.png,,x\n", encoding="utf-8")
    (tmp_path / "x.png").write_bytes(b"x")
    result = kho("digitize", "--manifest", manifest)
    assert result.code == 2
    for row in ("dòng 2", "dòng 3", "dòng 4"):
        assert row in result.err
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--record", "KHONG-CO", "{doc}"], 3),
        (["{doc}"], 2),
        (["--record", "{rec}"], 2),
        (["--record", "{rec}", "/khong/co"], 3),
        (["--record", "{rec}", "--jobs", "0", "{doc}"], 2),
    ],
)
def test_bad_arguments(tmp_path, kho, args, code):
    record = _record()
    doc = tmp_path / "d"
    doc.mkdir()
    result = kho("digitize", *[a.format(doc=doc, rec=record.file_code) for a in args])
    assert result.code == code, result.err
    assert "Traceback" not in result.err


def test_inspect_prints_exactly_the_keys(tmp_path, recorded_ocr, kho):
    import random

    folder = _save_pages(random_spec(random.Random(8), system="party"), tmp_path / "doc", dpi=300)
    result = kho("inspect", folder, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out.strip().splitlines()[0])
    assert list(data) == KEYS
    assert Document.objects.count() == 0 and not list(get_store().iter_digests())


def test_inspect_text_runs_the_extractor_alone(tmp_path, kho):
    text = tmp_path / "vb.txt"
    text.write_text(
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH\nSố: 15/QĐ-UBND\nQuảng Ninh, ngày 10 tháng 4 năm 2025\n"
        "QUYẾT ĐỊNH\nVề việc lưu trữ\n",
        encoding="utf-8",
    )
    data = kho("inspect", "--text", text, "--json").json()
    assert data["number_symbol"] == "15/QĐ-UBND" and data["issued_date"] == "2025-04-10"
    assert kho("inspect", "--text", tmp_path / "none.txt").code == 3


def _slow_engine():
    from tests.ingest.slow_engine import SlowEngine

    return SlowEngine()


def test_per_document_timeout_kills_and_the_batch_goes_on(tmp_path, kho, monkeypatch, settings):
    import random

    from kho.ingest import digitize, pipeline

    monkeypatch.setattr(digitize, "get_engine", _slow_engine)
    monkeypatch.setattr(pipeline, "TIMEOUT_MARGIN_SECONDS", 0)
    settings.KHO_OCR_PAGE_TIMEOUT = 5
    record = _record()
    folder = _save_pages(random_spec(random.Random(9)), tmp_path / "slow")
    start = time.monotonic()
    body = kho("digitize", folder, "--record", record.file_code, "--json").json()
    assert time.monotonic() - start < 30
    assert body["failed"] == 1 and "thời gian" in body["items"][0]["reason"]


def _count(env) -> dict:
    script = (
        "import django,json;django.setup();from kho.records.models import Document,DigitalObject;"
        "print(json.dumps({'documents':Document.objects.count(),'objects':DigitalObject.objects.count()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, **env, "DJANGO_SETTINGS_MODULE": "kho.config.settings"},
    )
    return json.loads(done.stdout)


def _prepare(env):
    assert kho_subprocess(["init"], env).returncode == 0
    setup = (
        "import django;django.setup();from kho.agencies.models import Agency;"
        "from kho.records.models import Fonds,Record;a=Agency.objects.create(code='H49.64',name='UBND');"
        "f=Fonds.objects.create(code='P1',name='Phông',agency=a);"
        "Record.objects.create(fonds=f,file_code='H49.64.2024.01',title='Hồ sơ')"
    )
    subprocess.run(
        [sys.executable, "-c", setup],
        check=True,
        env={**__import__("os").environ, **env, "DJANGO_SETTINGS_MODULE": "kho.config.settings"},
    )


@pytest.mark.slow
def test_killed_batch_resumes_where_it_stopped(tmp_path, recorded_ocr):
    import random

    folders = [_save_pages(random_spec(random.Random(100 + i)), tmp_path / "in" / f"vb{i}") for i in range(12)]
    engine = {"KHO_OCR_ENGINE": "recorded", "KHO_OCR_RECORDINGS": str(RECORDINGS)}
    args = ["digitize", *map(str, folders), "--record", "H49.64.2024.01", "--jobs", "1"]
    with isolated_archive(tmp_path / "a") as killed, isolated_archive(tmp_path / "b") as clean:
        _prepare(killed | engine)
        _prepare(clean | engine)
        assert kho_subprocess(args, clean | engine).returncode == 0  # also records OCR for the killed run
        child = subprocess.Popen(
            [sys.executable, "-m", "kho", *args],
            env={**__import__("os").environ, **killed, **engine},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Each stored document adds three objects (master, PDF/A, text): kill once three are written, polling the
        # store's directory because it costs nothing (a database count would start a Python process).
        objects, deadline = tmp_path / "a" / "objects" / "sha256", time.monotonic() + 120
        while time.monotonic() < deadline and sum(1 for p in objects.rglob("*") if p.is_file()) < 9:
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait()
        partial = _count(killed | engine)["documents"]
        assert 1 <= partial < len(folders)  # blobs are written before their rows, so one may be in flight
        rerun = kho_subprocess([*args, "--json"], killed | engine)
        assert rerun.returncode == 0, rerun.stderr
        assert json.loads(rerun.stdout)["skipped"] == partial
        assert _count(killed | engine) == _count(clean | engine)
        assert kho_subprocess(["fixity", "--all"], killed | engine).returncode == 0
