"""Write a verified package into the receiving archive: blobs first, then every row in the caller's transaction.

:class:`PendingStore` stages each file of the package into the object store from a second process while
the package is checked, and publishes them while the caller writes the rows that refer to no object (records,
documents); it waits for every object (and makes them durable) before the first Blob row, and before the
commit (style rule 7). The other functions must run inside one ``transaction.atomic()``, so a failure leaves
no row, only objects that ``kho storage sweep`` removes.

Objects are copied, never hard-linked to the received files: a link would share the inode with a folder
the sender (or whoever can write there) may still change after verification, silently altering the
archive's copy; a reflink would be safe but the store may encrypt (ciphertext cannot be a clone of the
plaintext) and the bytes must be read to be hashed anyway.
"""

from __future__ import annotations

import datetime as dt
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kho.agencies.models import Agency, AgencyRelation
from kho.core.bulk import insert_new
from kho.handover.models import Custody
from kho.packages._checks import documents_of, objects_of, sidecar_records
from kho.packages._sidecar import Sidecar
from kho.packages.formats.safepath import split_relative
from kho.packages.formats.spill import SpillMap
from kho.packages.layout import row_values
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.search.signals import schedule_index
from kho.storage.cas import PutResult, StoreError, parse_digest
from kho.storage.cas.bulkput import BulkPut
from kho.storage.models import Blob
from kho.storage.store import get_store

__all__ = [
    "BlobKeys",
    "PendingStore",
    "Stored",
    "ensure_agencies",
    "ensure_blobs",
    "ensure_fonds",
    "import_custody",
    "import_records",
    "import_relations",
]

_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Stored:
    """What :class:`PendingStore` put into the object store.

    Attributes:
        content: The size of each content object by digest (a file sent twice is stored once); its storage
            key is ``get_store().key_for(digest)``. A :class:`SpillMap`: past a few thousand objects it lives
            on disk.
        bytes: The size of every content file, summed per file of the package.
        package_files: Every other package file (METS, EAD, PREMIS, schemas, tag files) by path: a few
            per package, and all of them go into the transfer row's report anyway.
    """

    content: Mapping[str, int]
    bytes: int
    package_files: dict[str, PutResult]


def _bag_files(bag: Path) -> Iterator[str]:
    """Every file of the bag (symlinks and special files too: staging refuses them, and so does the check)."""
    for dirpath, _dirs, names in os.walk(bag):
        for name in names:
            yield os.path.join(dirpath, name)  # noqa: PTH118 - str paths keep this loop cheap


class PendingStore:
    """Every file of a package staged into the object store by a second process while the package is checked.

    Created before the checks: a :class:`~kho.storage.cas.bulkput.BulkPut` copies and hashes each file of
    the bag into a staging folder (no address yet), each read once. If the package is accepted the caller
    calls :meth:`publish` and may write rows meanwhile, but must call :meth:`result` before any row refers
    to a stored object and before it commits (style rule 7): it waits until every object has its address
    and is durable, then sorts them by the sidecar (read a record at a time) into content objects (each
    checked against its SHA-256) and other package files. Leaving the ``with`` block unpublished (a
    rejected package, an error) removes every staged file: nothing is stored; after :meth:`publish`, a
    failure leaves only finished objects for ``kho storage sweep``.
    """

    def __init__(self, bag: Path) -> None:
        self._bag = bag
        self._accepted: tuple[Path, Sidecar] | None = None
        self._content: SpillMap[int] = SpillMap()
        self._stored: Stored | None = None
        try:
            self._put = BulkPut(get_store(), ((path, None) for path in _bag_files(bag)))
        except BaseException:
            self._content.close()
            raise

    def publish(self, package_dir: Path, sidecar: Sidecar) -> None:
        """The package passed its checks: let its staged files take their addresses."""
        self._accepted = (package_dir, sidecar)
        self._put.publish()

    def result(self) -> Stored:
        """Wait for every object (durable by then); return what was stored.

        Raises:
            StoreError: A content file does not hash to its digest, or was not in the bag when it was staged
                (changed since it was checked).
            OSError: A file could not be read or stored.
        """
        if self._stored is None:
            assert self._accepted is not None  # noqa: S101 - publish() comes first
            package_dir, sidecar = self._accepted
            with SpillMap[str]() as expected:  # bag-relative path -> SHA-256 of every content file
                prefix = f"data/{package_dir.name}/"
                for record in sidecar_records(sidecar):
                    for doc in documents_of(record):
                        for obj in objects_of(doc):
                            expected[prefix + "/".join(split_relative(obj["path"]))] = obj["sha256"]
                self._stored = self._sort(expected)
        return self._stored

    def _sort(self, expected: Mapping[str, str]) -> Stored:
        package_files: dict[str, PutResult] = {}
        total = found = 0
        start = len(str(self._bag)) + 1
        for source, put in self._put.results():
            rel = source[start:]
            digest = expected.get(rel)
            if digest is None:
                package_files[rel] = put
                continue
            if parse_digest(digest) != parse_digest(put.digest):
                raise StoreError(f"{rel}: content hashes to {put.digest}, expected {digest}")
            self._content[put.digest] = put.size
            total += put.size
            found += 1
        if found != len(expected):
            raise StoreError(f"{len(expected) - found} content files of the sidecar were not in the bag when staged")
        return Stored(self._content, total, package_files)

    def __enter__(self) -> PendingStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._put.close()
        self._content.close()


def ensure_blobs(results: Iterable[PutResult]) -> dict[str, int]:
    """Blob rows for these stored objects (existing rows reused); their keys by digest, a batch at a time."""
    sizes = {r.digest: r.size for r in results}
    digests = sorted(sizes)
    keys: dict[str, int] = {}
    for start in range(0, len(digests), _BATCH):
        keys.update(_blob_rows(digests[start : start + _BATCH], sizes))
    return keys


def _blob_rows(digests: Sequence[str], sizes: Mapping[str, int]) -> dict[str, int]:
    """The keys of the Blob rows of ``digests`` (at most a batch), creating the missing ones."""
    keys = dict(Blob.objects.filter(digest__in=digests).values_list("digest", "pk"))
    store = get_store()
    new = [Blob(digest=d, size=sizes[d], storage_key=store.key_for(d)) for d in digests if d not in keys]
    keys.update((blob.digest, blob.pk) for blob in insert_new(new))
    return keys


class BlobKeys:
    """Blob keys of stored content objects, resolved a batch of digests at a time (see :func:`import_records`).

    Only the batch's keys are held: a package's objects are never all in memory at once.
    """

    def __init__(self, sizes: Mapping[str, int]) -> None:
        self._sizes = sizes

    def resolve(self, digests: Iterable[str]) -> dict[str, int]:
        """Blob keys of ``digests`` (all stored by :class:`PendingStore`); missing rows are created."""
        return _blob_rows(sorted(set(digests)), self._sizes)


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
    fonds: Fonds, sidecar: Sidecar, agencies: Mapping[str, Agency], received_on: dt.date, basis: str
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


def import_records(fonds: Fonds, sidecar: Sidecar, blobs: Callable[[], BlobKeys]) -> tuple[int, int, int]:
    """Create every record, document and digital object of the package; return the three counts.

    The sidecar is read a record at a time: records and documents are inserted a batch at a time and only
    their keys kept (8 bytes a document). ``blobs`` is called once every document is written: it may wait
    for the object store (see :class:`PendingStore`), so the rows are written meanwhile. The sidecar is
    then read a second time for the digital objects, a batch at a time with the Blob keys of that batch.
    """
    rows = _Rows(fonds)
    for row in sidecar_records(sidecar):
        rows.add_record(row)
    rows.flush()
    keys = blobs()
    files, waiting = 0, list[tuple[int, dict[str, Any]]]()
    documents = (doc for row in sidecar_records(sidecar) for doc in documents_of(row))
    for doc_id, doc in zip(rows.doc_ids, documents, strict=True):
        waiting.extend((doc_id, obj) for obj in objects_of(doc))
        while len(waiting) >= _BATCH:
            files += _insert_objects(waiting[:_BATCH], keys)
            del waiting[:_BATCH]
    files += _insert_objects(waiting, keys)
    schedule_index(rows.doc_ids)  # bulk_create sends no signals; indexed after the commit
    return rows.records, len(rows.doc_ids), files


def _insert_objects(batch: Sequence[tuple[int, Mapping[str, Any]]], keys: BlobKeys) -> int:
    """Digital object rows for ``(document key, sidecar object)`` pairs; return how many."""
    by_digest = keys.resolve(obj["sha256"] for _doc_id, obj in batch)
    insert_new(
        [
            DigitalObject(
                document_id=doc_id,
                blob_id=by_digest[obj["sha256"]],
                role=obj["role"],
                media_type=obj["media_type"],
                filename=obj["filename"],
            )
            for doc_id, obj in batch
        ]
    )
    return len(batch)


class _Rows:
    """Records and documents waiting to be inserted (at most a batch), the keys of those inserted."""

    def __init__(self, fonds: Fonds) -> None:
        self.fonds = fonds
        self.records = 0
        self.doc_ids: array[int] = array("q")  # in sidecar order; 8 bytes each
        self._records: list[Record] = []
        self._documents: list[Document] = []

    def add_record(self, row: Mapping[str, Any]) -> None:
        record = Record(fonds=self.fonds, **row_values(Record, {k: v for k, v in row.items() if k != "documents"})[0])
        self._records.append(record)
        self.records += 1
        for doc in documents_of(row):
            values = row_values(Document, {k: v for k, v in doc.items() if k != "objects"})[0]
            self._documents.append(Document(record=record, **values))
            if len(self._documents) == _BATCH:
                self.flush()
        if len(self._records) == _BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert the waiting records (a document needs its record's key), then the waiting documents."""
        insert_new(self._records)
        self._records = []
        self.doc_ids.extend(d.pk for d in insert_new(self._documents))
        self._documents = []
