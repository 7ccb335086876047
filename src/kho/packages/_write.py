"""Write a verified package into the receiving archive: blobs first, then every row in the caller's transaction.

:class:`PendingStore` streams each file of the package into the object store on a thread pool while the
caller writes the rows that refer to no object (records, documents); it waits for every object before the
first Blob row, and before the commit (style rule 7). The other functions must run inside one
``transaction.atomic()``, so a failure leaves no row, only objects that ``kho storage sweep`` removes.

Objects are copied, never hard-linked to the received files: a link would share the inode with a folder
the sender (or whoever can write there) may still change after verification, silently altering the
archive's copy; a reflink would be safe but the store may encrypt (ciphertext cannot be a clone of the
plaintext) and the bytes must be read to be hashed anyway.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kho.agencies.models import Agency, AgencyRelation
from kho.handover.models import Custody
from kho.packages._checks import documents_of, objects_of, sidecar_records
from kho.packages._tags import list_tag_files
from kho.packages.formats import safe_join
from kho.packages.layout import row_values
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.search.signals import schedule_index
from kho.storage.cas import PutResult
from kho.storage.models import Blob
from kho.storage.store import get_store

__all__ = [
    "PendingStore",
    "Stored",
    "ensure_agencies",
    "ensure_blobs",
    "ensure_fonds",
    "import_custody",
    "import_records",
    "import_relations",
    "store_files",
]

_BATCH = 1000
#: Threads writing objects into the store during an import (the store fsyncs every object).
STORE_THREADS = 8


@dataclass(frozen=True, slots=True)
class Stored:
    """What :func:`store_files` put into the object store: content objects and package files, by path."""

    content: dict[str, PutResult]
    package_files: dict[str, PutResult]


def _payload_files(package_dir: Path) -> list[str]:
    """Every regular file of the package folder (relative to it), sorted."""
    found = []
    for dirpath, _dirs, names in os.walk(package_dir):
        for name in names:
            found.append(Path(dirpath, name).relative_to(package_dir).as_posix())
    return sorted(found)


def _put(path: Path, expected: str | None) -> PutResult:
    """Stream one file into the object store (checked against ``expected`` when given)."""
    with path.open("rb") as stream:
        return get_store().put_stream(stream, expected_digest=expected)


class PendingStore:
    """Every file of a verified package being streamed into the object store on a thread pool.

    Content files are checked against their SHA-256 (``put_stream(expected_digest=...)``), every other
    package file is stored as it is. The store fsyncs each object and its folder, so the files are
    written by :data:`STORE_THREADS` threads (fsync and hashing release the GIL); each file is read once,
    in 1 MiB blocks. The caller may write rows meanwhile but must call :meth:`result` before any row
    refers to a stored object and before it commits (style rule 7); leaving the ``with`` block waits for
    every write, so a failure leaves only finished objects for ``kho storage sweep``.
    """

    def __init__(self, bag: Path, package_dir: Path, sidecar: Mapping[str, Any]) -> None:
        jobs: dict[str, tuple[Path, str | None]] = {}
        dirs: set[str] = set()
        for doc in (d for r in sidecar_records(sidecar) for d in documents_of(r)):
            for obj in objects_of(doc):
                jobs[obj["path"]] = (safe_join(package_dir, obj["path"], dirs), obj["sha256"])
        self._content = set(jobs)
        prefix = f"data/{package_dir.name}/"
        for rel in _payload_files(package_dir):
            if rel not in self._content:
                jobs[prefix + rel] = (safe_join(package_dir, rel, dirs), None)
        for rel in list_tag_files(bag):
            jobs[rel] = (safe_join(bag, rel, dirs), None)
        self._pool = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="kho-import")
        self._futures = {rel: self._pool.submit(_put, *job) for rel, job in jobs.items()}
        self._stored: Stored | None = None

    def result(self) -> Stored:
        """Wait for every object; return what was stored.

        Raises:
            StoreError: A content file no longer hashes to its digest (changed since verification).
        """
        if self._stored is None:
            results = {rel: future.result() for rel, future in self._futures.items()}
            self._stored = Stored(
                {rel: put for rel, put in results.items() if rel in self._content},
                {rel: put for rel, put in results.items() if rel not in self._content},
            )
        return self._stored

    def __enter__(self) -> PendingStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True)


def store_files(bag: Path, package_dir: Path, sidecar: Mapping[str, Any]) -> Stored:
    """Stream every content file (checked against its SHA-256) and every other package file into the store.

    Raises:
        StoreError: A content file no longer hashes to its digest (changed since verification).
    """
    with PendingStore(bag, package_dir, sidecar) as pending:
        return pending.result()


def ensure_blobs(results: Iterable[PutResult]) -> dict[str, Blob]:
    """Blob rows for every stored object (existing rows reused), by digest."""
    by_digest = {r.digest: r for r in results}
    digests = sorted(by_digest)
    blobs: dict[str, Blob] = {}
    for start in range(0, len(digests), _BATCH):
        chunk = digests[start : start + _BATCH]
        blobs.update({b.digest: b for b in Blob.objects.filter(digest__in=chunk)})
    new = [Blob(digest=d, size=by_digest[d].size, storage_key=by_digest[d].key) for d in digests if d not in blobs]
    for blob in Blob.objects.bulk_create(new, batch_size=_BATCH):
        blobs[blob.digest] = blob
    return blobs


def ensure_agencies(sidecar: Mapping[str, Any]) -> dict[str, Agency]:
    """The package's agencies by code: existing ones as they are, unknown ones created as sent."""
    rows = {row["code"]: row for row in sidecar.get("agencies", [])}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=list(rows))}
    for code, row in rows.items():
        if code not in agencies:
            values, _problems = row_values(Agency, {k: v for k, v in row.items() if k not in ("parent", "uid")})
            agencies[code] = Agency.objects.create(**values)
    for code, row in rows.items():
        parent = row.get("parent")
        agency = agencies[code]
        if parent and agency.parent_id is None and (found := agencies.get(parent) or _agency(parent)):
            agency.parent = found
            agency.save(update_fields=["parent"])
    return agencies


def _agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def import_relations(sidecar: Mapping[str, Any], agencies: Mapping[str, Agency]) -> int:
    """Lineage edges of the sender (dissolved into…, merged into…); existing edges are kept."""
    created = 0
    for edge in sidecar.get("relations", []):
        _relation, new = AgencyRelation.objects.get_or_create(
            predecessor=agencies[edge["predecessor"]],
            successor=agencies[edge["successor"]],
            kind=edge["kind"],
            defaults={
                "effective_date": dt.date.fromisoformat(edge["effective_date"]),
                "legal_basis": edge.get("legal_basis", "")[:100],
                "legal_basis_date": _date(edge.get("legal_basis_date")),
            },
        )
        created += int(new)
    return created


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def ensure_fonds(sidecar: Mapping[str, Any], agencies: Mapping[str, Agency]) -> tuple[Fonds, bool]:
    """The fonds as sent (closed when the sender closed it); an existing fonds of the sender is reused."""
    row = sidecar["fonds"]
    existing = Fonds.objects.filter(code=row["code"]).first()
    if existing is not None:
        return existing, False
    values, _problems = row_values(Fonds, row)
    return Fonds.objects.create(agency=agencies[sidecar["sender"]], **values), True


def import_custody(
    fonds: Fonds, sidecar: Mapping[str, Any], agencies: Mapping[str, Agency], received_on: dt.date, basis: str
) -> list[Custody]:
    """Copy the sender's custody chain, then make sure the receiver holds the fonds from ``received_on``.

    When the chain's open link names someone else (the sender had not moved custody yet), that link is
    closed on ``received_on`` and a new one opened for the receiver under ``basis``.
    """
    links = [
        Custody(
            fonds=fonds,
            holder=agencies[link["holder"]],
            from_date=_date(link.get("from_date")),
            to_date=_date(link.get("to_date")),
            legal_basis=link.get("legal_basis", "")[:500],
            note=link.get("note", ""),
        )
        for link in sidecar.get("custody", [])
    ]
    receiver = agencies.get(sidecar.get("receiver") or "")
    open_links = [link for link in links if link.to_date is None]
    if receiver is not None and (not open_links or open_links[-1].holder_id != receiver.pk):
        for link in open_links:
            link.to_date = max(received_on, link.from_date or received_on)
        links.append(Custody(fonds=fonds, holder=receiver, from_date=received_on, legal_basis=basis[:500]))
    return Custody.objects.bulk_create(links)


def import_records(
    fonds: Fonds, sidecar: Mapping[str, Any], blobs: Callable[[], Mapping[str, Blob]]
) -> tuple[int, int, int]:
    """Create every record, document and digital object of the package; return the three counts.

    ``blobs`` is called after the records and documents are inserted and before the digital objects: it
    may wait for the object store (see :class:`PendingStore`), so the rows are written meanwhile.
    """
    rows = sidecar_records(sidecar)
    records = Record.objects.bulk_create(
        [Record(fonds=fonds, **row_values(Record, {k: v for k, v in r.items() if k != "documents"})[0]) for r in rows],
        batch_size=_BATCH,
    )
    # Documents are inserted a batch at a time and only their keys kept: memory holds no model instance
    # per document of the package (a document row has some 75 fields).
    doc_ids: list[int] = []
    object_rows: list[tuple[int, dict[str, Any]]] = []
    batch: list[Document] = []
    for record, row in zip(records, rows, strict=True):
        for doc in documents_of(row):
            values = row_values(Document, {k: v for k, v in doc.items() if k != "objects"})[0]
            batch.append(Document(record=record, **values))
            object_rows.extend((len(doc_ids) + len(batch) - 1, obj) for obj in objects_of(doc))
            if len(batch) == _BATCH:
                doc_ids.extend(d.pk for d in Document.objects.bulk_create(batch))
                batch = []
    doc_ids.extend(d.pk for d in Document.objects.bulk_create(batch))
    by_digest = blobs()
    for start in range(0, len(object_rows), _BATCH):
        DigitalObject.objects.bulk_create(
            [
                DigitalObject(
                    document_id=doc_ids[index],
                    blob=by_digest[obj["sha256"]],
                    role=obj["role"],
                    media_type=obj["media_type"],
                    filename=obj["filename"],
                )
                for index, obj in object_rows[start : start + _BATCH]
            ]
        )
    schedule_index(doc_ids)  # bulk_create sends no signals; indexed after the commit
    return len(records), len(doc_ids), len(object_rows)
