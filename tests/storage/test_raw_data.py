"""THE raw-data test: a copy of the data directory and database without the key reveals no classified text.

A classified document (its body carries a unique Vietnamese phrase, in a PDF content stream, in the PDF's
document info, and in its OCR text) and a non-classified control document (another phrase, the same
ways) are stored through the digitize storage step and born-digital ingest. Then every byte of the data
directory is searched, raw and with every zlib stream inflated (PDF content streams are compressed), and
so is the whole database: on SQLite its serialized image (free pages included, so deleted rows count),
on PostgreSQL every row of every table. The classified phrase must be found nowhere, in NFC, NFD,
UTF-16 (PDF text strings) or folded without tone marks; the control phrase must be found (the search works).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.db import connection

from kho.core.text import fold_vi
from kho.ingest.extract import ExtractedMetadata
from kho.ingest.pipeline import DocumentResult
from kho.ingest.stages.identify import SourceDocument, SourceFormat
from kho.ingest.store import store_result
from kho.records.models import Document
from kho.storage.models import Blob
from kho.storage.store import open_blob
from tests import factories

SECRET = "Phương án di dời kho đạn Sông Lô bảy mươi chín"
CONTROL = "Biên bản nghiệm thu cầu Rồng Vàng tám mươi ba"


def pdf_with(phrase: str, path: Path, kind: str = "scan") -> Path:
    """A one-page PDF whose compressed content stream and document title carry ``phrase``."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    body = b"BT /F1 12 Tf 72 720 Td (" + phrase.encode("utf-8") + b") Tj ET"
    pdf.pages[0].Contents = pdf.make_stream(body)
    pdf.docinfo["/Title"] = phrase
    pdf.docinfo["/Subject"] = kind  # different bytes per copy (the store deduplicates identical ones)
    pdf.save(path, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert phrase.encode() not in path.read_bytes()  # compressed: only an inflating search can see it
    return path


def forms(phrase: str) -> list[bytes]:
    """Every encoding under which the phrase could sit in a file or a row."""
    nfc, nfd = unicodedata.normalize("NFC", phrase), unicodedata.normalize("NFD", phrase)
    found = [nfc.encode(), nfd.encode(), nfc.encode("utf-16-be"), nfc.encode("utf-16-le"), fold_vi(nfc).encode()]
    return [*found, fold_vi(nfc).encode().upper()]


def inflated(data: bytes) -> list[bytes]:
    """``data`` and every zlib stream found in it, inflated."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            out.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return out


def data_dir_bytes(root: Path) -> list[bytes]:
    return [part for path in sorted(root.rglob("*")) if path.is_file() for part in inflated(path.read_bytes())]


def database_bytes() -> list[bytes]:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        image = connection.connection.serialize()  # the database file's bytes, free pages included
        return [image]
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the catalogue
            for row in cursor.fetchall():
                dump.append(
                    "\x1f".join("" if v is None else str(bytes(v) if isinstance(v, memoryview) else v) for v in row)
                )
    return ["\n".join(dump).encode()]


def contains(chunks: list[bytes], phrase: str) -> list[bytes]:
    wanted = forms(phrase)
    return [form for form in wanted if any(form in chunk or form.lower() in chunk.lower() for chunk in chunks)]


def store(record, phrase: str, tmp: Path, *, classification: str | None) -> str:
    folder = tmp / fold_vi(phrase).replace(" ", "-")[:20]
    folder.mkdir()
    master = pdf_with(phrase, folder / "scan.pdf")
    access = pdf_with(phrase, folder / "access.pdf", "access")
    metadata = ExtractedMetadata(number_symbol="79-KH/TU", doc_type="Kế hoạch", classification=classification)
    source = SourceDocument(SourceFormat.PDF, (master,), (), master.stat().st_size)
    result = DocumentResult("k", source, access, f"Nội dung: {phrase}.", metadata, [], [])
    return store_result(record, result, order=None, agent="test")


@pytest.mark.django_db(transaction=True)
def test_no_classified_phrase_anywhere_in_the_data_directory_or_database(data_dir, tmp_path, kho, indexed_now):
    plain_record = factories.record()
    secret_code = store(plain_record, SECRET, tmp_path, classification="MẬT")  # secret by its own mark
    control_code = store(plain_record, CONTROL, tmp_path, classification=None)
    secret_record = factories.record(secrecy_level=2)
    born = tmp_path / "born"
    born.mkdir()
    pdf_with(SECRET, born / "mat.pdf", "born digital")
    assert kho("ingest", born, "--record", secret_record.file_code, "--json").code == 0

    secret_docs = Document.objects.filter(doc_code=secret_code) | Document.objects.filter(record=secret_record)
    secret_blobs = Blob.objects.filter(digital_objects__document__in=secret_docs).distinct()
    assert secret_blobs.count() == 4 and all(b.encrypted for b in secret_blobs)  # master, access, text, born
    assert not any(b.encrypted for b in Blob.objects.filter(digital_objects__document__doc_code=control_code))

    files = data_dir_bytes(data_dir)
    assert contains(files, CONTROL), "the search must see the control phrase, or it proves nothing"
    assert contains(files, SECRET) == []
    for blob in secret_blobs:
        stored = (Path(data_dir) / "objects" / blob.storage_key).read_bytes()
        assert not stored.startswith(b"%PDF") and b"endstream" not in stored
        with pytest.raises(pikepdf.PdfError):
            pikepdf.open(Path(data_dir) / "objects" / blob.storage_key)

    db = database_bytes()
    assert contains(db, CONTROL), "the database search must see the control phrase (its full-text index)"
    assert contains(db, SECRET) == []

    # With the key the classified text is all there (the test would fail if it had been dropped).
    text = Blob.objects.filter(digital_objects__document__doc_code=secret_code, digital_objects__role="text").get()
    with open_blob(text) as stream:
        assert SECRET in stream.read().decode()
