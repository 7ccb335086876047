"""Search fixtures: documents with text, an immediate task backend, and a clean FTS table.

Documents are created through the ORM (so the signals fire) and indexed explicitly with
``get_backend().index`` unless a test is about the after-commit path.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection

from kho.records.models import DigitalObject, Document, Record
from kho.search.backends import SearchPage, SearchQuery, get_backend
from kho.storage.store import put_blob
from tests import factories

_seq = itertools.count(1)

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "ocr", "index"],
    }
}


def add_text(document: Document, text: str) -> DigitalObject:
    """Store ``text`` as the document's OCR text object (UTF-8 blob)."""
    blob, _result = put_blob(io.BytesIO(text.encode("utf-8")))
    return DigitalObject.objects.create(
        document=document, blob=blob, role="text", media_type="text/plain", filename=f"{document.pk}.txt"
    )


def make_document(record: Record | None = None, text: str | None = None, **fields: Any) -> Document:
    """A document in ``record`` (a new one by default) with optional OCR ``text``."""
    record = record or factories.record()
    n = next(_seq)
    fields.setdefault("issued_date", date(2020, 1, 1))
    document = Document.objects.create(
        record=record,
        ordinal=fields.pop("ordinal", n),
        doc_id=f"DOC.{n:06d}",
        doc_code=f"{record.file_code}.{n:07d}",
        **fields,
    )
    if text is not None:
        add_text(document, text)
    return document


@pytest.fixture
def doc() -> Callable[..., Document]:
    """``doc(text=..., **fields)``: create a document (not yet indexed)."""
    return make_document


@pytest.fixture
def index() -> Callable[..., None]:
    """``index(*documents)``: index these documents now."""

    def run(*documents: Document) -> None:
        get_backend().index([d.pk for d in documents])

    return run


@pytest.fixture
def search() -> Callable[..., SearchPage]:
    """``search(text, base=None, **query_fields)``: search all documents (or ``base``)."""

    def run(text: str = "", base: Any = None, **fields: Any) -> SearchPage:
        return get_backend().search(SearchQuery(text=text, **fields), Document.objects.all() if base is None else base)

    return run


def ids(page: SearchPage) -> list[int]:
    """The document ids of a page's hits, in order."""
    return [hit.document_id for hit in page.hits]


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run enqueued tasks at once (the after-commit callback then indexes synchronously)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def clean_index() -> Iterator[None]:
    """For ``transaction=True`` tests: flushing the database does not empty SQLite's FTS table."""
    yield
    get_backend().clear()  # type: ignore[attr-defined]


def raw_index_text(document_id: int) -> str:
    """Everything the index tables hold for a document, as one string (for leak checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT symbol, title, meta, body, exact FROM search_fts WHERE rowid = %s", [document_id])
        else:
            cursor.execute(
                "SELECT tsv::text, tsv_exact::text FROM search_documentindex WHERE document_id = %s", [document_id]
            )
        fts = [str(value) for row in cursor.fetchall() for value in row]
        cursor.execute(
            "SELECT number_symbol, symbol_terms, type_name, subject, organ_name, signer, record_title, body "
            "FROM search_documentindex WHERE document_id = %s",
            [document_id],
        )
        plain = [str(value) for row in cursor.fetchall() for value in row]
    return " | ".join(fts + plain)
