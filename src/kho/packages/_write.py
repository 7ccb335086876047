"""Write a verified package into the receiving archive: blobs first, then every row in the caller's transaction.

:func:`store_files` streams each file of the package into the object store before any row exists (style
rule 7); the other functions must run inside one ``transaction.atomic()``, so a failure leaves no row,
only objects that ``kho storage sweep`` removes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
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


def store_files(bag: Path, package_dir: Path, sidecar: Mapping[str, Any]) -> Stored:
    """Stream every content file (checked against its SHA-256) and every other package file into the store.

    The store fsyncs each object and its folder, so the files are written by :data:`STORE_THREADS` threads
    (fsync and hashing release the GIL); each file is still read once, in 1 MiB blocks.

    Raises:
        StoreError: A content file no longer hashes to its digest (changed since verification).
    """
    jobs: dict[str, tuple[Path, str | None]] = {}
    for doc in (d for r in sidecar_records(sidecar) for d in documents_of(r)):
        for obj in objects_of(doc):
            jobs[obj["path"]] = (safe_join(package_dir, obj["path"]), obj["sha256"])
    content = set(jobs)
    prefix = f"data/{package_dir.name}/"
    for rel in _payload_files(package_dir):
        if rel not in content:
            jobs[prefix + rel] = (safe_join(package_dir, rel), None)
    for rel in list_tag_files(bag):
        jobs[rel] = (safe_join(bag, rel), None)
    with ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="kho-import") as pool:
        results = dict(zip(jobs, pool.map(lambda job: _put(*job), jobs.values()), strict=True))
    return Stored(
        {rel: put for rel, put in results.items() if rel in content},
        {rel: put for rel, put in results.items() if rel not in content},
    )


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


def import_records(fonds: Fonds, sidecar: Mapping[str, Any], blobs: Mapping[str, Blob]) -> tuple[int, int, int]:
    """Create every record, document and digital object of the package; return the three counts."""
    rows = sidecar_records(sidecar)
    records = Record.objects.bulk_create(
        [Record(fonds=fonds, **row_values(Record, {k: v for k, v in r.items() if k != "documents"})[0]) for r in rows],
        batch_size=_BATCH,
    )
    documents: list[Document] = []
    object_rows: list[tuple[int, dict[str, Any]]] = []
    for record, row in zip(records, rows, strict=True):
        for doc in documents_of(row):
            values = row_values(Document, {k: v for k, v in doc.items() if k != "objects"})[0]
            documents.append(Document(record=record, **values))
            object_rows.extend((len(documents) - 1, obj) for obj in objects_of(doc))
    documents = Document.objects.bulk_create(documents, batch_size=_BATCH)
    objects = [
        DigitalObject(
            document=documents[index],
            blob=blobs[obj["sha256"]],
            role=obj["role"],
            media_type=obj["media_type"],
            filename=obj["filename"],
        )
        for index, obj in object_rows
    ]
    DigitalObject.objects.bulk_create(objects, batch_size=_BATCH)
    schedule_index(doc.pk for doc in documents)  # bulk_create sends no signals; indexed after the commit
    return len(records), len(documents), len(objects)
