"""Archives for ``bench.search`` that are loaded fast and kept between runs.

Reuse: each (database, size) lives in an archive of its own — on PostgreSQL the database ``<name>_search_<n>``
next to the one given with ``--pg``, on SQLite ``.cache/bench-search/sqlite-<n>/`` — and the table
``bench_search_marker`` is written last, after the load, the indexes and ``ANALYZE``. A later run that finds
the marker with the same size, seed and generator version measures the archive again (applying new
migrations to it first, as on a production archive); anything else (an interrupted load, another generator
version) flushes it and generates it again. ``--regenerate`` forces that.

Loading on PostgreSQL: documents and index rows go in with ``COPY`` (one stream each per batch, the database
computing the generated ``tsvector`` columns), the GIN indexes are dropped first and built once at the end.
The data are the same as the SQLite path's (same generator, same order of random draws).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from queue import Queue
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MARKER = "bench_search_marker"
VERSION = 1  # bump when the generator or the loaded rows change
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "bench-search"
GIN = {  # as the migrations create them (search.0002: words and filter tags in one index)
    "search_documentindex_tsv_tags": (
        "CREATE INDEX search_documentindex_tsv_tags ON search_documentindex"
        " USING gin (tsv, kho_search_tags(year, type_code, fonds_id))"
    ),
    "search_documentindex_tsv_exact": (
        "CREATE INDEX search_documentindex_tsv_exact ON search_documentindex USING gin (tsv_exact)"
    ),
}
INDEX_COLUMNS = (
    "document_id, number_symbol, symbol_terms, type_name, subject, organ_name, signer, record_title, body, "
    "type_code, year, fonds_id, indexed_at"
)


def archive_location(database_url: str, n: int) -> tuple[str, Path]:
    """The database URL and data directory of the archive of ``n`` documents (created when absent)."""
    if not database_url:
        return "", CACHE / f"sqlite-{n}"
    import psycopg

    parts = urlsplit(database_url)
    name = f"{parts.path.lstrip('/') or 'kho_bench'}_search_{n}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), CACHE / f"pg-{n}"


def open_archive(database_url: str, n: int, seed: int, *, regenerate: bool) -> bool:
    """Set Django up on the archive of ``n`` documents; True when it is complete and can be measured as is.

    Otherwise the archive is emptied (SQLite: its directory removed; PostgreSQL: flushed) and migrated.
    """
    url, data_dir = archive_location(database_url, n)
    if regenerate and not url:
        shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["KHO_DATA_DIR"] = str(data_dir)
    os.environ["KHO_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kho.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not regenerate and _marker(connection) == _stamp(n, seed):
        if _pending_migrations():  # upgraded like a production archive, then analysed again
            call_command("init", verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return True
    if url:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {MARKER}")
        call_command("init", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    else:
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
    call_command("init", verbosity=0)
    return False


def mark_complete(n: int, seed: int) -> None:
    """Write the marker: the archive of ``n`` documents is loaded, indexed and analysed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER} (stamp varchar(64) NOT NULL, written varchar(40) NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s)", [_stamp(n, seed), datetime.now(UTC).isoformat()])  # noqa: S608


def _stamp(n: int, seed: int) -> str:
    return hashlib.sha256(f"{n}|{seed}|{VERSION}".encode()).hexdigest()


def _marker(connection: Any) -> str | None:
    if MARKER not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp FROM {MARKER}")  # noqa: S608 - constant
        row = cursor.fetchone()
    return row[0] if row else None


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- PostgreSQL bulk load ---------------------------------------------------------------------------------------

STREAMS = 3  # parallel COPY connections: the database's to_tsvector work is most of the load time


def load_postgres(
    n: int, gen: Any, records: list[Any], chunks: Iterator[range], docs_per_record: int
) -> dict[str, float]:
    """Load ``n`` documents and their index rows with ``COPY`` over parallel connections; build GIN at the end.

    This thread draws every random value in the SQLite path's order and turns each batch into rows; the
    ``COPY`` of a batch runs on one of :data:`STREAMS` connections while the next batch is generated.
    """
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    for name in GIN:
        raw.execute(f"DROP INDEX IF EXISTS {name}")
    raw.commit()
    import psycopg

    rows, conns = _DocumentRows(connection, docs_per_record), Queue()  # type: Queue[Any]
    for _ in range(STREAMS):
        conn = psycopg.connect(**connection.get_connection_params())
        conn.execute("SET synchronous_commit = off")
        conns.put(conn)
    timings, started = {"documents": 0.0}, time.perf_counter()
    with ThreadPoolExecutor(STREAMS) as pool:
        pending: list[Future[None]] = []
        for chunk in chunks:
            docs = [(i, records[i // docs_per_record], gen.document()) for i in chunk]
            batch = ([rows.row(i, record, values) for i, record, values in docs], _index_rows(docs, gen))
            pending.append(pool.submit(_copy_batch, conns, rows.columns, *batch))
            while len(pending) > STREAMS * 2:
                pending.pop(0).result()
            print(f"  {chunk.stop:>9} documents", file=sys.stderr, end="\r", flush=True)
        for future in pending:
            future.result()
    while not conns.empty():
        conns.get().close()
    print(file=sys.stderr)
    timings["index"] = time.perf_counter() - started  # documents and index rows load together
    started = time.perf_counter()
    _finish(raw)
    timings["gin"] = time.perf_counter() - started
    return timings


class _DocumentRows:
    """``records_document`` rows for ``COPY``: a template row from the model, then the generated fields."""

    def __init__(self, connection: Any, docs_per_record: int) -> None:
        from kho.records.models import Document

        self.connection, self.docs_per_record = connection, docs_per_record
        self.fields = [f for f in Document._meta.concrete_fields if not f.primary_key]
        template = Document(record_id=0, ordinal=0, doc_id="", doc_code="")
        self.template = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in self.fields]
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        self.columns = ", ".join(["id", *(connection.ops.quote_name(f.column) for f in self.fields)])

    def row(self, i: int, record: Any, values: dict[str, Any]) -> list[Any]:
        row, code = list(self.template), f"B.{i:08d}"
        extra = {"uid": uuid.uuid4(), "record_id": record.pk, "ordinal": i % self.docs_per_record + 1}
        for name, value in {**extra, "doc_id": code, "doc_code": code, **values}.items():
            row[self.position[name]] = self.fields[self.position[name]].get_db_prep_save(value, self.connection)
        return [i + 1, *row]


def _index_rows(docs: list[tuple[int, Any, dict[str, Any]]], gen: Any) -> list[list[Any]]:
    from kho.search.documents import entry_for

    now, rows = datetime.now(UTC), []
    for i, record, values in docs:
        e = entry_for(SimpleNamespace(pk=i + 1, record=record, type_name="", **values), gen.text())  # type: ignore[arg-type]
        rows.append(
            [
                *(e.document_id, e.number_symbol, e.symbol_terms, e.type_name, e.subject, e.organ_name),
                *(e.signer, e.record_title, e.body, e.type_code, e.year, e.fonds_id, now),
            ]
        )
    return rows


def _copy_batch(conns: Queue[Any], columns: str, documents: list[Any], index: list[Any]) -> None:
    conn = conns.get()
    try:
        _copy_rows(conn, columns, documents, index)
    finally:
        conns.put(conn)


def _copy_rows(conn: Any, columns: str, documents: list[Any], index: list[Any]) -> None:
    with conn.cursor() as cursor, cursor.copy(f"COPY records_document ({columns}) FROM STDIN") as copy:
        for row in documents:
            copy.write_row(row)
    with conn.cursor() as cursor, cursor.copy(f"COPY search_documentindex ({INDEX_COLUMNS}) FROM STDIN") as copy:
        for row in index:
            copy.write_row(row)
    conn.commit()


def _finish(raw: Any) -> None:
    raw.execute(
        "SELECT setval(pg_get_serial_sequence('records_document', 'id'), (SELECT max(id) FROM records_document))"
    )
    raw.execute("SET maintenance_work_mem = '512MB'")
    for statement in GIN.values():
        raw.execute(statement)
    raw.commit()
