"""``kho fixity``: every altered and every missing object is named; a failed event is recorded."""

import pytest

from kho.audit.models import Event
from kho.storage.models import Blob
from kho.storage.store import get_store
from tests import factories


@pytest.fixture
def ingested(tmp_path, kho):
    rec = factories.record()
    factories.write_pdfs(tmp_path / "in", 5)
    result = kho("ingest", tmp_path / "in", "--record", rec.file_code, "--json")
    assert result.code == 0, result.err
    return result.json()


def _flip_byte(digest):
    path = get_store().path_for(digest)
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.django_db
def test_clean_store_passes(ingested, kho):
    result = kho("fixity", "--all", "--json")
    assert result.code == 0
    body = result.json()
    assert body["checked"] == 5 and body["ok"] == 5 and body["problems"] == []
    assert Event.objects.filter(event_type="fixity check", outcome="success").count() == 5
    assert Blob.objects.filter(last_fixity_ok=True).count() == 5


@pytest.mark.django_db
def test_one_flipped_byte_is_named_exactly(ingested, kho):
    victim = ingested["files"][2]["digest"]
    _flip_byte(victim)
    result = kho("fixity", "--all")
    assert result.code == 1
    assert victim in result.err
    others = [f["digest"] for f in ingested["files"] if f["digest"] != victim]
    assert not any(d in result.err for d in others)
    failed = Event.objects.filter(event_type="fixity check", outcome="failure")
    assert [e.object_id for e in failed] == [victim]
    assert Blob.objects.get(digest=victim).last_fixity_ok is False


@pytest.mark.django_db
def test_every_problem_is_reported_not_only_the_first(ingested, kho):
    files = [f["digest"] for f in ingested["files"]]
    _flip_byte(files[0])
    get_store().delete(files[3])
    body = kho("fixity", "--all", "--json").json()
    kinds = {p["digest"]: p["kind"] for p in body["problems"]}
    assert kinds == {files[0]: "mismatch", files[3]: "missing"}
    assert body["checked"] == 5
    assert all(p["used_by"] for p in body["problems"])


@pytest.mark.django_db
def test_sample_checks_n_objects(ingested, kho):
    body = kho("fixity", "--sample", "2", "--json").json()
    assert body["checked"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--sample", "0"], ["--sample", "-3"], ["--sample", "x"], ["--all", "--sample", "2"]])
def test_bad_arguments_exit_2(kho, args):
    result = kho("fixity", *args)
    assert result.code == 2
    assert "Traceback" not in result.err
