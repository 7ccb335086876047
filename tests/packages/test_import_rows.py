"""``insert_new`` writes exactly the rows ``bulk_create`` writes (run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kho.audit.models import Event
from kho.core.bulk import insert_new
from kho.packages.layout import row_values
from kho.records.models import DigitalObject, Document, Record
from kho.storage.models import Blob
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 5, 17, 8, 30, 15, 123456, tzinfo=dt.UTC)
TITLE = "Hồ sơ về việc xây dựng trụ sở Ủy ban nhân dân"
# What an import sends: the JSON form of a document, through the same row_values as the importer.
DOCUMENTS: list[dict[str, Any]] = [
    {"ordinal": 1, "subject": TITLE, "issued_date": "2024-02-29", "recipients": ["Sở Nội vụ", "Lưu: VT"],
     "extracted": {"số": 17, "ký hiệu": "QĐ-UBND", "nested": {"a": [1, 2.5, None, True]}},
     "confidence": {"subject": 0.93}, "number_of_page": 12, "page_from": 3, "page_to": 14, "secrecy_level": 1,
     "risk_recovery": True, "process": True, "verified_at": "2024-03-01T09:15:00+07:00"},
    {"ordinal": 2, "subject": unicodedata.normalize("NFD", TITLE), "issued_date": None, "recipients": [],
     "extracted": {}, "number_of_page": None, "verified_at": None},
    {"ordinal": 3, "subject": "Tờ trình \u0000 \"ngoặc\" 'đơn' \\ ; --", "code_notation": "15/TTr-UBND"},
]  # fmt: skip


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """``auto_now`` timestamps equal in both ways of inserting."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _records(label: str, count: int = 2) -> list[Record]:
    fonds = factories.fonds(f"PR{label}")
    return [
        Record(fonds=fonds, file_code=f"PR{label}.2024.{n:03d}", title=TITLE, year=2024 if n else None)
        for n in range(count)
    ]


def _documents(records: list[Record], label: str) -> list[Document]:
    docs = []
    for n, row in enumerate(DOCUMENTS):
        values = row_values(Document, dict(row))[0]
        text = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in values.items()}
        record = records[n % len(records)]
        code = f"{record.file_code}.{n + 1:07d}.{label}"
        docs.append(Document(record=record, doc_id=code, doc_code=code, **text))
    return docs


def _dump(table: str, ids: list[int], skip: set[str]) -> list[dict[str, Any]]:
    """The rows as the database holds them (raw column values, not model fields)."""
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"SELECT * FROM {table} WHERE id IN ({marks}) ORDER BY id", ids)  # noqa: S608 - test
        names = [col[0] for col in cursor.description]
        return [{k: v for k, v in zip(names, row, strict=True) if k not in skip} for row in cursor.fetchall()]


def _insert_both_ways() -> tuple[list[Record], list[Record], list[Document], list[Document]]:
    slow_records, fast_records = _records("A"), _records("B")
    Record.objects.bulk_create(slow_records)
    insert_new(fast_records)
    slow_docs, fast_docs = _documents(slow_records, "a"), _documents(fast_records, "b")
    Document.objects.bulk_create(slow_docs)
    insert_new(fast_docs)
    return slow_records, fast_records, slow_docs, fast_docs


def test_document_and_record_rows_are_the_rows_bulk_create_writes(frozen_now: None) -> None:
    slow_records, fast_records, slow_docs, fast_docs = _insert_both_ways()
    record_skip = {"id", "uid", "fonds_id", "file_code"}
    slow = _dump(Record._meta.db_table, [r.pk for r in slow_records], record_skip)
    fast = _dump(Record._meta.db_table, [r.pk for r in fast_records], record_skip)
    assert slow == fast and len(fast) == 2
    doc_skip = {"id", "uid", "record_id", "doc_id", "doc_code"}
    slow = _dump(Document._meta.db_table, [d.pk for d in slow_docs], doc_skip)
    fast = _dump(Document._meta.db_table, [d.pk for d in fast_docs], doc_skip)
    assert slow == fast and len(fast) == len(DOCUMENTS)
    assert fast[1]["subject"] == unicodedata.normalize("NFD", TITLE)  # stored as given, like bulk_create


def test_the_returned_keys_are_those_of_the_stored_rows(frozen_now: None) -> None:
    _slow_records, fast_records, _slow_docs, fast_docs = _insert_both_ways()
    assert all(isinstance(d.pk, int) and not d._state.adding for d in fast_docs)
    stored = dict(Document.objects.filter(pk__in=[d.pk for d in fast_docs]).values_list("pk", "doc_id"))
    assert stored == {d.pk: d.doc_id for d in fast_docs}
    assert [d.record_id for d in fast_docs] == [fast_records[n % 2].pk for n in range(len(DOCUMENTS))]
    reloaded = Document.objects.get(pk=fast_docs[0].pk)
    assert reloaded.extracted == DOCUMENTS[0]["extracted"] and reloaded.issued_date == dt.date(2024, 2, 29)
    assert reloaded.created_at == NOW and reloaded.verified_at == dt.datetime.fromisoformat("2024-03-01T09:15:00+07:00")


def test_many_rows_are_split_into_statements_the_database_accepts(frozen_now: None) -> None:
    fonds = factories.fonds("PRMANY")
    records = insert_new([Record(fonds=fonds, file_code=f"PRMANY.{n:05d}", title=TITLE) for n in range(2100)])
    keys = [r.pk for r in records]
    assert len(set(keys)) == 2100 and keys == sorted(keys)
    assert list(Record.objects.filter(fonds=fonds).order_by("pk").values_list("file_code", flat=True)) == [
        r.file_code for r in records
    ]


def test_other_rows_go_through_bulk_create(frozen_now: None) -> None:
    given = uuid.uuid4()
    blob = Blob.objects.create(digest="sha256:" + "a" * 64, size=1, storage_key="sha256/aa/aa/" + "a" * 64)
    record = _records("K", 1)[0]
    insert_new([record])
    doc = _documents([record], "k")[0]
    doc.uid = given
    insert_new([doc])
    objects = insert_new(
        [DigitalObject(document=doc, blob=blob, role="original", media_type="application/pdf", filename="a.pdf")]
    )
    assert Document.objects.get(uid=given).pk == doc.pk and DigitalObject.objects.get().pk == objects[0].pk
    assert insert_new([]) == []


def test_an_unsaved_parent_is_refused_like_bulk_create(frozen_now: None) -> None:
    record = _records("U", 1)[0]  # never inserted
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_new(_documents([record], "u"))


def test_a_duplicate_key_fails_the_whole_statement(frozen_now: None) -> None:
    records = _records("D", 1)
    insert_new(records)
    docs = _documents(records, "d")
    docs[2].doc_id = docs[0].doc_id
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_new(docs)
    assert not Document.objects.filter(record=records[0]).exists()


def test_event_rows_are_the_rows_bulk_create_writes(frozen_now: None) -> None:
    def events(first: int) -> list[Event]:
        return [
            Event(seq=first + n, event_type="accession", outcome="success", agent="software:kho",
                  object_type="document", object_id=f"VB.{n}", detail=TITLE, data='{"a":1}', occurred_at=NOW,
                  prev_hash=f"p{n}", hash=f"h{first + n}")
            for n in range(3)
        ]  # fmt: skip

    slow, fast = Event.objects.bulk_create(events(1000)), insert_new(events(2000))
    table, skip = Event._meta.db_table, {"id", "uid", "seq", "hash"}
    assert _dump(table, [e.pk for e in slow], skip) == _dump(table, [e.pk for e in fast], skip)
    assert [e.seq for e in Event.objects.filter(pk__in=[e.pk for e in fast]).order_by("pk")] == [2000, 2001, 2002]
