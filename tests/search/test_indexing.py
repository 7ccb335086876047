"""What enters the index, when (after the commit, through the task), and rebuilding it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django_tasks.signals import task_finished

from kho.records.models import Document
from kho.search.backends import get_backend
from kho.search.documents import TEXT_CAP_BYTES
from kho.search.models import DocumentIndex
from kho.storage.store import get_store
from tests import factories
from tests.search.conftest import add_text, ids, make_document, raw_index_text


@pytest.fixture
def finished_tasks():
    """Names and arguments of the tasks that ran."""
    seen = []

    def on_finished(sender, task_result, **kwargs):
        seen.append((task_result.task.name, task_result.args, task_result.status.name))

    task_finished.connect(on_finished, dispatch_uid="test-search-finished")
    yield seen
    task_finished.disconnect(dispatch_uid="test-search-finished")


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["document", "record"])
def test_classified_content_never_enters_the_index_tables(doc, index, search, where):
    record = factories.record(title="Hồ sơ Kế hoạch phòng thủ", secrecy_level=1 if where == "record" else 0)
    secret = doc(
        record=record,
        number_symbol="07-KH/TU",
        type_code="10",
        subject="Kế hoạch phòng thủ khu vực",
        organ_name="Tỉnh ủy Gia Lai",
        signer="Nguyễn Văn Bình",
        secrecy_level=2 if where == "document" else 0,
        text="Nội dung tuyệt mật về phòng thủ",
    )
    index(secret)
    raw = raw_index_text(secret.pk).casefold()
    for phrase in ("phòng thủ", "phong thu", "gia lai", "bình", "binh", "tuyệt mật", "tuyet mat"):
        assert phrase not in raw
    assert "07-kh/tu" in raw and "kế hoạch" in raw  # number and type name only
    assert search("phong thu").total == 0
    assert search("gia lai").total == 0
    assert ids(search("07-KH/TU")) == [secret.pk]
    assert ids(search("ke hoach")) == [secret.pk]  # the type name "Kế hoạch"
    assert "phòng thủ" not in search("07-KH/TU").hits[0].snippet


@pytest.mark.django_db
def test_text_object_is_indexed_and_capped(doc, index, search):
    long_text = "lưu trữ " * 40_000  # about 400 KB of UTF-8
    document = doc(text=long_text)
    index(document)
    body = DocumentIndex.objects.get(pk=document.pk).body
    assert 0 < len(body.encode("utf-8")) <= TEXT_CAP_BYTES
    assert "\ufffd" not in body
    assert ids(search("luu tru")) == [document.pk]


@pytest.mark.django_db
def test_latest_text_object_wins_and_a_missing_blob_leaves_metadata(doc, index, search):
    document = doc(subject="Báo cáo năm", text="bản cũ")
    newer = add_text(document, "bản mới về lưu trữ")
    index(document)
    assert ids(search("ban moi")) == [document.pk]
    assert search("ban cu").total == 0
    get_store().path_for(newer.blob.digest).unlink()
    index(document)
    assert ids(search("bao cao")) == [document.pk]
    assert search("ban moi").total == 0


@pytest.mark.django_db
def test_reindexing_is_idempotent_and_gone_documents_are_removed(doc, index, search):
    document = doc(subject="Lưu trữ")
    index(document)
    index(document)
    assert search("luu tru").total == 1
    backend = get_backend()
    pk = document.pk
    document.delete()
    assert backend.index([pk]) == 0
    assert not DocumentIndex.objects.filter(pk=pk).exists()
    assert raw_index_text(pk) == ""
    assert backend.remove([pk, 10**9]) == 0


@pytest.mark.django_db
def test_indexing_waits_for_the_commit(
    doc, search, immediate_tasks, finished_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = doc(subject="Nghị quyết Đảng bộ", text="Về công tác lưu trữ")
        assert search("luu tru").total == 0  # saved, not yet committed: not indexed
    assert len(callbacks) >= 2  # the document, then its text object
    assert ids(search("luu tru")) == [document.pk]
    assert ("index_documents_task", [[document.pk]], "SUCCESSFUL") in finished_tasks


@pytest.mark.django_db
def test_nothing_is_indexed_when_the_transaction_rolls_back(
    doc, search, immediate_tasks, finished_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                doc(subject="Lưu trữ")
                raise RuntimeError
        except RuntimeError:
            pass
    assert finished_tasks == []
    assert search("luu tru").total == 0


@pytest.mark.django_db
def test_a_failure_to_enqueue_never_breaks_the_write(doc, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["ocr"]}}
    with django_capture_on_commit_callbacks(execute=True):
        document = doc(subject="Lưu trữ")  # the "index" queue is missing: enqueue fails, logged only
    assert Document.objects.filter(pk=document.pk).exists()
    assert not DocumentIndex.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_changes_to_text_subject_and_record_are_reindexed(
    doc, index, search, immediate_tasks, django_capture_on_commit_callbacks
):
    document = doc(subject="Báo cáo")
    index(document)
    with django_capture_on_commit_callbacks(execute=True):
        add_text(document, "Đà Nẵng")
    assert ids(search("da nang")) == [document.pk]
    with django_capture_on_commit_callbacks(execute=True):
        document.subject = "Tờ trình"
        document.save()
    assert ids(search("to trinh")) == [document.pk]
    with django_capture_on_commit_callbacks(execute=True):
        document.record.secrecy_level = 1
        document.record.save()
    assert search("da nang").total == 0
    assert "nẵng" not in raw_index_text(document.pk).casefold()


@pytest.mark.django_db(transaction=True)
def test_real_commit_indexes_through_the_task(search, immediate_tasks, finished_tasks, clean_index):
    with transaction.atomic():
        document = make_document(subject="Quyết định về lưu trữ")
        assert search("luu tru").total == 0
    assert ids(search("luu tru")) == [document.pk]
    pk = document.pk
    Document.objects.filter(pk=pk).delete()  # a queryset delete still sends post_delete
    assert search("luu tru").total == 0
    assert not DocumentIndex.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_rebuild_after_the_tables_are_emptied(doc, index, search, kho):
    documents = [doc(subject=f"Lưu trữ {n}", text="Đảng bộ") for n in range(3)]
    secret = doc(subject="Bí mật", number_symbol="1-KH/TU", secrecy_level=1)
    index(*documents)
    get_backend().clear()
    assert search("luu tru").total == 0
    assert DocumentIndex.objects.count() == 0
    result = kho("search", "reindex", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"ok": True, "indexed": 4, "backend": type(get_backend()).__name__}
    assert search("luu tru").total == 3
    assert ids(search("1-KH/TU")) == [secret.pk]
    assert search("bi mat").total == 0
    progress = []
    assert get_backend().rebuild(progress=progress.append) == 4
    assert sum(progress) == 4
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts")
            assert cursor.fetchone()[0] == 4


@pytest.mark.django_db
def test_a_document_made_classified_leaves_no_word_of_its_text_in_the_index(doc, index):
    """FTS5 keeps a deleted row's words in its segments until they merge: reclassifying must purge them."""
    word = "xqzjvwk"
    document = doc(text=f"Kế hoạch {word} phòng thủ", subject="Về việc phòng thủ")
    index(document)

    def stored_anywhere() -> bool:
        if connection.vendor == "sqlite":  # the database image, free pages included
            return word.encode() in connection.connection.serialize()
        with connection.cursor() as cursor:  # PostgreSQL: the live rows (dead tuples go with VACUUM)
            cursor.execute(
                "SELECT count(*) FROM search_documentindex WHERE body || subject || tsv::text LIKE %s", [f"%{word}%"]
            )
            return bool(cursor.fetchone()[0])

    assert stored_anywhere()  # the check can fail
    Document.objects.filter(pk=document.pk).update(secrecy_level=1)
    index(document)
    assert DocumentIndex.objects.get(document=document).body == ""
    assert not stored_anywhere()
