"""Encryption at rest through the Django glue: store, read, seal in place, fixity, sweep, keys, checks."""

from __future__ import annotations

import base64
import io

import pytest
from django.core import checks

from kho.audit.models import Event
from kho.records.models import DigitalObject, Document
from kho.storage.actions import SweepStorageAction
from kho.storage.encryption import RotateKeysAction, SealClassifiedAction, key_status
from kho.storage.exceptions import (
    KeyFileError,
    MasterKeyMissingError,
    ObjectTamperedError,
    WrongMasterKeyError,
)
from kho.storage.keys import read_key_file
from kho.storage.models import Blob
from kho.storage.store import blob_path, get_store, open_blob, put_blob
from tests import factories

TEXT = "Nội dung mật: kế hoạch số 7".encode() * 100
pytestmark = pytest.mark.django_db


def files_in(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_classified_bytes_are_stored_as_ciphertext_and_read_back():
    blob, put = put_blob(io.BytesIO(TEXT), classified=True)
    assert blob.encrypted and blob.storage_key.startswith("enc/") and put.digest == blob.digest
    stored = get_store().path_for_key(blob.storage_key).read_bytes()
    assert TEXT[:20] not in stored and not get_store().exists(blob.digest)
    with open_blob(blob) as stream:
        assert stream.read() == TEXT
    with open_blob(blob.digest) as stream:  # by digest too
        assert stream.read(5) == TEXT[:5]
    with blob_path(blob) as path:
        assert path.read_bytes() == TEXT and not str(path).startswith(str(get_store().root))
    assert not path.exists()


def test_without_a_master_key_nothing_is_written(settings, data_dir):
    settings.KHO_MASTER_KEY = None
    with pytest.raises(MasterKeyMissingError) as caught:
        put_blob(io.BytesIO(TEXT), classified=True)
    assert "KHO_MASTER_KEY_FILE" in str(caught.value) and caught.value.exit_code == 5
    assert files_in(data_dir / "objects") == [] and not Blob.objects.exists()


def test_reading_needs_the_right_key(settings):
    blob, _ = put_blob(io.BytesIO(TEXT), classified=True)
    settings.KHO_MASTER_KEY = None
    with pytest.raises(MasterKeyMissingError):
        open_blob(blob)
    settings.KHO_MASTER_KEY = bytes(32)
    with pytest.raises(WrongMasterKeyError):
        open_blob(blob)


def test_altered_ciphertext_and_wrapped_key_are_refused():
    blob, _ = put_blob(io.BytesIO(TEXT), classified=True)
    path = get_store().path_for_key(blob.storage_key)
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[-5] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ObjectTamperedError), open_blob(blob) as stream:
        stream.read()
    wrapped = bytearray(base64.b64decode(blob.wrapped_key))
    wrapped[3] ^= 1
    blob.wrapped_key = base64.b64encode(bytes(wrapped)).decode()
    with pytest.raises(ObjectTamperedError):
        open_blob(blob)


def test_plaintext_becomes_encrypted_in_place_when_stored_as_classified(django_capture_on_commit_callbacks):
    plain, _ = put_blob(io.BytesIO(TEXT))
    assert get_store().exists(plain.digest)
    with django_capture_on_commit_callbacks(execute=True):
        sealed, put = put_blob(io.BytesIO(TEXT), classified=True)
    assert sealed.pk == plain.pk and sealed.encrypted and not put.created
    assert not get_store().exists(plain.digest)  # the plaintext file is gone after the commit
    assert Event.objects.filter(event_type="encryption", object_id=plain.digest).count() == 1
    with open_blob(Blob.objects.get(pk=plain.pk)) as stream:
        assert stream.read() == TEXT
    again, _ = put_blob(io.BytesIO(TEXT), classified=True)  # already sealed: no second ciphertext file
    assert again.storage_key == sealed.storage_key
    assert len(list(get_store().iter_encrypted())) == 1


def _document_with_blob(record, data=TEXT):
    blob, _ = put_blob(io.BytesIO(data))
    doc = Document.objects.create(
        record=record, ordinal=1, doc_id=f"{record.file_code}.1", doc_code=f"{record.file_code}.1"
    )
    DigitalObject.objects.create(document=doc, blob=blob, role="master", media_type="application/pdf", filename="a.pdf")
    return doc, blob


def test_reclassifying_a_record_seals_its_objects(django_capture_on_commit_callbacks):
    record = factories.record()
    _doc, blob = _document_with_blob(record)
    assert not Blob.objects.get(pk=blob.pk).encrypted
    with django_capture_on_commit_callbacks(execute=True):
        record.secrecy_level = 1
        record.save()
    assert Blob.objects.get(pk=blob.pk).encrypted and not get_store().exists(blob.digest)


def test_reclassifying_without_a_key_is_refused(settings):
    record = factories.record()
    doc, blob = _document_with_blob(record)
    settings.KHO_MASTER_KEY = None
    doc.secrecy_level = 2
    with pytest.raises(MasterKeyMissingError):
        doc.save()


def test_seal_catches_up_with_bulk_writes_and_status_reports(kho):
    record = factories.record()
    _doc, blob = _document_with_blob(record)
    type(record).objects.filter(pk=record.pk).update(secrecy_level=1)  # no signal
    assert key_status()["classified_in_plain"] == 1
    assert kho("keys", "status", "--json").code == 1
    result = kho("keys", "seal", "--json")
    assert result.code == 0 and result.json()["sealed"] == 1
    status = kho("keys", "status", "--json")
    assert status.code == 0 and status.json()["encrypted"] == {status.json()["configured_key_id"]: 1}
    assert SealClassifiedAction().execute().sealed == []  # idempotent


def test_fixity_checks_ciphertext_without_the_key(settings, kho):
    blob, _ = put_blob(io.BytesIO(TEXT), classified=True)
    settings.KHO_MASTER_KEY = None
    clean = kho("fixity", "--all", "--json")
    assert clean.code == 0 and clean.json()["problems"] == []
    path = get_store().path_for_key(blob.storage_key)
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[40] ^= 1
    path.write_bytes(bytes(data))
    body = kho("fixity", "--all", "--json").json()
    assert [p["digest"] for p in body["problems"]] == [blob.digest]


def test_fixity_with_decrypt_authenticates_the_plaintext(kho):
    put_blob(io.BytesIO(TEXT), classified=True)
    put_blob(io.BytesIO(b"plain"))
    result = kho("fixity", "--all", "--decrypt", "--json")
    assert result.code == 0 and result.json()["ok"] == 2


def test_sweep_removes_leftover_plaintext_and_orphan_ciphertext():
    plain, _ = put_blob(io.BytesIO(TEXT))
    kept_plain = get_store().path_for(plain.digest).read_bytes()
    put_blob(io.BytesIO(TEXT), classified=True)  # no on_commit run here: the plaintext file lingers
    orphan = get_store().put_encrypted(io.BytesIO(b"orphan"), bytes(32))
    report = SweepStorageAction(grace_seconds=0).execute()
    assert plain.digest in report.orphans and not get_store().exists(plain.digest)
    assert not get_store().path_for_key(orphan.key).exists()
    sealed = Blob.objects.get(digest=plain.digest)
    assert get_store().path_for_key(sealed.storage_key).is_file()
    with open_blob(sealed) as stream:
        assert stream.read() == kept_plain


def test_rotation_rewraps_every_key_in_resumable_batches(tmp_path, settings, kho):
    blobs = [put_blob(io.BytesIO(TEXT + bytes([i])), classified=True)[0] for i in range(5)]
    new_file = tmp_path / "new.key"
    made = kho("keys", "generate", "--out", new_file, "--json")
    assert made.code == 0 and oct(new_file.stat().st_mode & 0o777) == "0o600"
    new_key = read_key_file(new_file)

    calls = []

    def crash_after_two(step):
        calls.append(step)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        RotateKeysAction(new_key, batch=2).execute(progress=crash_after_two)
    assert Blob.objects.filter(key_id=new_key.key_id).count() == 4  # two whole batches committed

    result = kho("keys", "rotate", "--new-key-file", new_file, "--batch", "2", "--json")
    assert result.code == 0 and result.json()["rewrapped"] == 1 and result.json()["already"] == 4
    assert Event.objects.filter(event_type="encryption", object_type="master key").count() == 3
    with pytest.raises(WrongMasterKeyError):
        open_blob(Blob.objects.get(pk=blobs[0].pk))
    settings.KHO_MASTER_KEY, settings.KHO_MASTER_KEY_FILE = None, new_file
    for i, blob in enumerate(blobs):
        with open_blob(Blob.objects.get(pk=blob.pk)) as stream:
            assert stream.read() == TEXT + bytes([i])


def test_key_generation_refuses_to_overwrite_or_to_write_into_the_data_dir(tmp_path, data_dir, kho):
    target = tmp_path / "k.key"
    assert kho("keys", "generate", "--out", target).code == 0
    before = target.read_bytes()
    assert kho("keys", "generate", "--out", target).code == 2
    assert target.read_bytes() == before
    assert kho("keys", "generate", "--out", data_dir / "k.key").code == 2
    assert not (data_dir / "k.key").exists()


def test_key_file_must_be_private_and_well_formed(tmp_path, settings):
    path = tmp_path / "open.key"
    path.write_text(base64.b64encode(bytes(32)).decode())
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="0600"):
        read_key_file(path)
    path.chmod(0o600)
    assert read_key_file(path).key_id
    path.write_text("không phải base64")
    with pytest.raises(KeyFileError, match="base64"):
        read_key_file(path)


def encryption_problems():
    """Ids of the encryption-at-rest checks that fail (other kho-secure checks are not ours)."""
    found = checks.run_checks(tags=["kho-secure"], include_deployment_checks=True)
    return [m.id for m in found if str(m.id).startswith("kho.E20")]


def test_secure_check_fails_without_key_or_with_open_key_file(settings, tmp_path):
    put_blob(io.BytesIO(TEXT), classified=True)
    assert encryption_problems() == []
    settings.KHO_MASTER_KEY = None
    assert encryption_problems() == ["kho.E202"]
    key = tmp_path / "wide.key"
    key.write_text(base64.b64encode(bytes(32)).decode())
    key.chmod(0o644)
    settings.KHO_MASTER_KEY_FILE = key
    assert encryption_problems() == ["kho.E201"]
