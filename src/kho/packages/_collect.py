"""Build what an export writes from the database: E-ARK record specs and the lossless sidecar rows.

The sidecar is ``documentation/kho-transfer.json``; the inventory is derived from its rows.

Content files are given to the writer as paths into the object store, so they are streamed in 1 MiB
blocks; only metadata (one small object per record, document and file) is held in memory.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from kho.agencies.models import Agency, AgencyRelation
from kho.core import codetables
from kho.handover.models import Custody
from kho.packages.formats.earkspec import DocumentSpec, FileSpec, RecordSpec
from kho.packages.layout import file_role, model_row, package_file_name
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.store import blob_present, blob_source

__all__ = ["Collected", "agency_row", "collect_records", "custody_rows", "relation_rows"]


@dataclass(slots=True)
class Collected:
    """Records as writer specs, plus their sidecar rows, counts and the file paths per object.

    Attributes:
        records: One :class:`RecordSpec` per record (with documents and files).
        rows: The sidecar ``records`` list (every Kho field, with documents and objects).
        doc_paths: Package paths of each document's files, by ``doc_code`` (PREMIS event links).
        blob_paths: Package paths of each stored object, by digest (fixity event links).
        documents: Number of documents.
        files: Number of content files.
        bytes: Their total size.
        missing: Digests whose object is missing from the store (the export must stop).
    """

    records: list[RecordSpec] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    doc_paths: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    blob_paths: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    documents: int = 0
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)


def _languages(value: str) -> tuple[str, ...]:
    """Split a stored language value ("01", "01,06", "01; 02") into TT05 codes."""
    codes = tuple(code for code in value.replace(";", ",").replace(" ", ",").split(",") if code)
    return codes or ("01",)


def _file_spec(record: Record, doc: Document, obj: DigitalObject, taken: set[str]) -> FileSpec:
    """Describe one digital object as a content file streamed from the object store."""
    rep, role = file_role(obj.role)
    name = package_file_name(record.file_code, doc.doc_id, obj.role, obj.filename, obj.media_type)
    stem, dot, ext = name.rpartition(".")
    n = 1
    while f"{rep}/{name}" in taken:  # two objects of one role: keep both, numbered
        n += 1
        name = f"{stem}-{n}{dot}{ext}"
    taken.add(f"{rep}/{name}")
    return FileSpec(
        package_path=name,
        source=blob_source(obj.blob),
        media_type=obj.media_type,
        created=obj.created_at,
        role=role,
        representation=rep,
        sha256=obj.blob.digest,
        size=obj.blob.size,
    )


def _document(
    record: Record, doc: Document, digital_objects: list[DigitalObject], out: Collected, taken: set[str]
) -> DocumentSpec:
    """One document: its spec, sidecar row and files."""
    files: list[FileSpec] = []
    objects: list[dict[str, Any]] = []
    for obj in digital_objects:
        spec = _file_spec(record, doc, obj, taken)
        files.append(spec)
        path = spec.path_in_package  # one string shared by the event links and the sidecar row
        out.doc_paths[doc.doc_code].append(path)
        out.blob_paths[obj.blob.digest].append(path)
        out.files += 1
        out.bytes += obj.blob.size
        if not blob_present(obj.blob):
            out.missing.append(obj.blob.digest)
        objects.append(
            {
                "path": path,
                "role": obj.role,
                "media_type": obj.media_type,
                "filename": obj.filename,
                "sha256": obj.blob.digest,
                "size": obj.blob.size,
            }
        )
    out.documents += 1
    row = model_row(doc)
    row["objects"] = objects
    out.rows[-1]["documents"].append(row)
    return DocumentSpec(
        doc_id=doc.doc_id,
        doc_code=doc.doc_code,
        ordinal=doc.ordinal,
        subject=doc.subject,
        type_code=doc.type_code,
        type_name=doc.type_name or codetables.DOC_TYPE.get(doc.type_code, ""),
        code_number=doc.code_number,
        code_notation=doc.code_notation,
        issued_date=doc.issued_date,
        organ_name=doc.organ_name,
        maintenance=doc.maintenance,
        language=_languages(doc.language),
        number_of_page=doc.number_of_page,
        infor_sign=doc.infor_sign,
        keyword=doc.keyword,
        mode=doc.mode,
        confidence_level=doc.confidence_level,
        autograph=doc.autograph,
        format=doc.format,
        risk_recovery=doc.risk_recovery,
        risk_recovery_status=doc.risk_recovery_status,
        process=doc.process,
        description=doc.description,
        files=tuple(files),
    )


def _record(
    record: Record, docs: list[Document], objects: dict[int, list[DigitalObject]], out: Collected, taken: set[str]
) -> RecordSpec:
    """One record with its documents."""
    row = model_row(record)
    row["documents"] = []
    out.rows.append(row)
    documents = tuple(_document(record, doc, objects.pop(doc.pk, []), out, taken) for doc in docs)
    return RecordSpec(
        file_code=record.file_code,
        title=record.title,
        maintenance=record.maintenance,
        mode=record.mode,
        language=_languages(record.language),
        start_date=record.start_date,
        end_date=record.end_date,
        keyword=record.keyword,
        total_doc=record.total_doc,
        number_of_paper=record.number_of_paper,
        number_of_page=record.number_of_page,
        format=record.format,
        infor_sign=record.infor_sign,
        confidence_level=record.confidence_level,
        paper_file_code=record.paper_file_code,
        risk_recovery=record.risk_recovery,
        risk_recovery_status=record.risk_recovery_status,
        description=record.description,
        documents=documents,
    )


def collect_records(selected: QuerySet[Record]) -> tuple[list[Record], Collected]:
    """The selected records, as specs and sidecar rows (three flat queries, the selection as a subquery).

    Documents are streamed in record order and turned into specs a record at a time, so the (large)
    document model instances of only one record are alive at once; specs and rows come out in
    ``file_code`` order as before.
    """
    records = list(selected.order_by("file_code"))
    by_pk = {record.pk: record for record in records}
    objects: dict[int, list[DigitalObject]] = defaultdict(list)
    # Fields no spec or row reads are not loaded (each costs a datetime conversion per row on SQLite).
    qs = DigitalObject.objects.filter(document__record__in=selected).select_related("blob")
    qs = qs.defer("uid", "updated_at", "blob__created_at", "blob__last_fixity_at", "blob__last_fixity_ok")
    for obj in qs.order_by("document_id", "role", "id").iterator(2000):
        objects[obj.document_id].append(obj)
    out = Collected()
    taken: set[str] = set()
    done: set[int] = set()
    doc_qs = Document.objects.filter(record__in=selected).defer("created_at", "updated_at")  # not in the sidecar
    docs = doc_qs.order_by("record_id", "ordinal", "id").iterator(2000)
    for record_id, group in itertools.groupby(docs, key=lambda doc: doc.record_id):
        out.records.append(_record(by_pk[record_id], list(group), objects, out, taken))
        done.add(record_id)
    for record in records:
        if record.pk not in done:  # a record without documents
            out.records.append(_record(record, [], objects, out, taken))
    position = {record.file_code: n for n, record in enumerate(records)}
    out.records.sort(key=lambda spec: position[spec.file_code])
    out.rows.sort(key=lambda row: position[row["file_code"]])
    return records, out


def agency_row(agency: Agency) -> dict[str, Any]:
    """An agency as a sidecar row (every field; the parent by code)."""
    row = model_row(agency)
    row["parent"] = agency.parent.code if agency.parent_id and agency.parent else ""
    return row


def custody_rows(fonds: Fonds) -> list[dict[str, Any]]:
    """The custody chain of ``fonds``, oldest first: holder code, dates, legal basis, note."""
    chain = Custody.objects.filter(fonds=fonds).select_related("holder").order_by("from_date", "id")
    return [
        {
            "holder": link.holder.code,
            "from_date": link.from_date.isoformat() if link.from_date else None,
            "to_date": link.to_date.isoformat() if link.to_date else None,
            "legal_basis": link.legal_basis,
            "note": link.note,
        }
        for link in chain
    ]


def relation_rows(agency: Agency) -> list[dict[str, Any]]:
    """The lineage edges where ``agency`` is the predecessor (what became of it)."""
    edges = AgencyRelation.objects.filter(predecessor=agency).select_related("successor")
    return [
        {
            "predecessor": agency.code,
            "successor": edge.successor.code,
            "kind": edge.kind,
            "effective_date": edge.effective_date.isoformat(),
            "legal_basis": edge.legal_basis,
            "legal_basis_date": edge.legal_basis_date.isoformat() if edge.legal_basis_date else None,
        }
        for edge in edges
    ]


def iso(moment: datetime) -> str:
    """ISO 8601 with seconds and offset."""
    return moment.isoformat(timespec="seconds")
