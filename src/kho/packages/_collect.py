"""Build what an export writes from the database: E-ARK record specs and the lossless sidecar rows.

The sidecar is ``documentation/kho-transfer.json``; the inventory is derived from its rows.

Content files are given to the writer as paths into the object store, so they are streamed in 1 MiB
blocks. The specs and rows are not kept either (issue #5: peak memory stays flat as the package grows):
each finished record is spooled to a private temporary file and read back one record at a time on every
pass of the writers, so only counters, the per-file event maps and the spool offsets stay in memory.
"""

from __future__ import annotations

import io
import itertools
import json
import pickle  # noqa: S403 - reads back only the spool files this process wrote (see _Spool)
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Generic, Self, TypeVar

from django.db.models import QuerySet

from kho.agencies.models import Agency, AgencyRelation
from kho.core import codetables
from kho.handover.models import Custody
from kho.packages.formats.earkspec import DocumentSpec, FileSpec, RecordSpec
from kho.packages.formats.spill import SpillMap
from kho.packages.layout import file_role, model_row, package_file_name
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.store import blob_present, blob_source

__all__ = ["Collected", "JsonLines", "agency_row", "collect_records", "custody_rows", "dumps", "relation_rows"]

T = TypeVar("T")


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON (the sidecar's and inventory's encoding); never holds a raw newline."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Spool(Generic[T]):
    """Items written one after another to a temporary file, re-read lazily (one at a time) on every pass.

    ``__iter__`` re-opens the file and yields the items in the order given by :meth:`finish`; ``len()``
    is their number. The file is only ever read by the process that wrote it, in a folder made by
    :func:`tempfile.mkdtemp` (mode 0700), so unpickling it trusts nothing from outside.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: IO[bytes] | None = path.open("xb")
        self._offsets: list[tuple[int, int]] = []  # (position in the output order, byte offset)
        self._order: list[int] = []

    def _dump(self, item: T, out: IO[bytes]) -> None:
        raise NotImplementedError

    def _load(self, src: IO[bytes]) -> T:
        raise NotImplementedError

    def add(self, position: int, item: T) -> None:
        """Append ``item``, to be yielded at ``position`` of the output order."""
        assert self._out is not None  # noqa: S101 - add() comes before finish()
        self._offsets.append((position, self._out.tell()))
        self._dump(item, self._out)

    def finish(self) -> None:
        """Close the file for writing and fix the output order (by position)."""
        if self._out is not None:
            self._out.close()
            self._out = None
        self._order = [offset for _position, offset in sorted(self._offsets)]
        self._offsets = []

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[T]:
        with self.path.open("rb") as src:
            for offset in self._order:
                src.seek(offset)
                yield self._load(src)


#: Slot names of the spec classes, in order: they are pickled as a plain tuple of values (see _rebuild).
_SLOTS: dict[type, tuple[str, ...]] = {cls: tuple(cls.__slots__) for cls in (RecordSpec, DocumentSpec, FileSpec)}


def _rebuild(cls: type[T], values: tuple[Any, ...]) -> T:
    """A spec from its pickled slot values (checked and NFC-normalised when it was first built).

    Three times faster to load than the dataclass's own ``__setstate__``, which looks up its fields per object.
    """
    obj = object.__new__(cls)
    for name, value in zip(_SLOTS[cls], values, strict=True):
        object.__setattr__(obj, name, value)
    return obj


class _SpecPickler(pickle.Pickler):
    """Pickles specs as slot tuples, and an open stream (an encrypted object's lazy reader) by reference."""

    def __init__(self, out: IO[bytes], streams: list[object]) -> None:
        super().__init__(out, pickle.HIGHEST_PROTOCOL)
        self._streams = streams

    def reducer_override(self, obj: Any) -> Any:
        names = _SLOTS.get(type(obj))
        if names is None:
            return NotImplemented
        return _rebuild, (type(obj), tuple(getattr(obj, name) for name in names))

    def persistent_id(self, obj: Any) -> int | None:
        if isinstance(obj, io.IOBase):  # streams cannot be pickled: keep the object, write its index
            self._streams.append(obj)
            return len(self._streams) - 1
        return None


class _SpecUnpickler(pickle.Unpickler):
    """Reads what :class:`_SpecPickler` wrote (our own spool file only, see :class:`_Spool`)."""

    def __init__(self, src: IO[bytes], streams: list[object]) -> None:
        super().__init__(src)  # noqa: S301 - our own spool, see the docstring
        self._streams = streams

    def persistent_load(self, pid: Any) -> object:
        return self._streams[pid]


class _SpecSpool(_Spool[RecordSpec]):
    """Record specs, pickled (:class:`_SpecPickler`)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._streams: list[object] = []

    def _dump(self, item: RecordSpec, out: IO[bytes]) -> None:
        _SpecPickler(out, self._streams).dump(item)

    def _load(self, src: IO[bytes]) -> RecordSpec:
        spec: RecordSpec = _SpecUnpickler(src, self._streams).load()
        return spec


class JsonLines(_Spool[str]):
    """Sidecar rows as their final JSON text (:func:`dumps`), one line each: written out as is, never re-encoded."""

    def _dump(self, item: str, out: IO[bytes]) -> None:
        out.write(item.encode() + b"\n")

    def _load(self, src: IO[bytes]) -> str:
        return src.readline()[:-1].decode()


@dataclass(slots=True)
class Collected:
    """Records as writer specs, plus their sidecar rows, counts and the file paths per object.

    Use it as a context manager: leaving it removes the spool files, whether the export succeeded or not.

    Attributes:
        records: One :class:`RecordSpec` per record (with documents and files), re-read from the spool.
        rows: The sidecar ``records`` list (every Kho field, with documents and objects) as JSON text.
        file_codes: The records' file codes, in order.
        doc_paths: Package paths of each document's files, by ``doc_code`` (PREMIS event links; the
            export clears both maps once the events are collected). Both maps spill to disk past a few
            thousand entries, so memory does not grow with the package (issue #5).
        blob_paths: Package paths of each stored object, by digest (fixity event links).
        documents: Number of documents.
        files: Number of content files.
        bytes: Their total size.
        missing: Digests whose object is missing from the store (the export must stop).
    """

    folder: Path
    records: _SpecSpool = field(init=False)
    rows: JsonLines = field(init=False)
    file_codes: list[str] = field(default_factory=list)
    doc_paths: SpillMap[tuple[str, ...]] = field(default_factory=SpillMap)
    blob_paths: SpillMap[tuple[str, ...]] = field(default_factory=SpillMap)
    documents: int = 0
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.records = _SpecSpool(self.folder / "records.pickle")
        self.rows = JsonLines(self.folder / "rows.jsonl")

    def close(self) -> None:
        """Remove the spool files (and their folder)."""
        for spool in (self.records, self.rows):
            spool.finish()
        self.doc_paths.close()
        self.blob_paths.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


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
    record: Record, doc: Document, objs: list[DigitalObject], out: Collected, taken: set[str]
) -> tuple[DocumentSpec, dict[str, Any]]:
    """One document: its spec (with its files) and its sidecar row."""
    files: list[FileSpec] = []
    objects: list[dict[str, Any]] = []
    for obj in objs:
        file_spec = _file_spec(record, doc, obj, taken)
        files.append(file_spec)
        path = file_spec.path_in_package  # one string shared by the event links and the sidecar row
        out.blob_paths[obj.blob.digest] = (*out.blob_paths.get(obj.blob.digest, ()), path)
        out.files += 1
        out.bytes += obj.blob.size
        source = file_spec.source  # a plaintext object's store path: stat it, do not build it again
        if not (source.is_file() if isinstance(source, Path) else blob_present(obj.blob)):
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
    if objects:
        out.doc_paths[doc.doc_code] = tuple(o["path"] for o in objects)  # doc_code is unique: set once
    out.documents += 1
    row = model_row(doc)
    row["objects"] = objects
    spec = DocumentSpec(
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
    return spec, row


def _record(
    record: Record, docs: list[Document], objects: _ObjectStream, out: Collected, taken: set[str]
) -> tuple[RecordSpec, str]:
    """One record with its documents: its spec and its sidecar row as JSON text."""
    row = model_row(record)
    pairs = [_document(record, doc, objects.take(doc.pk), out, taken) for doc in docs]
    row["documents"] = [doc_row for _spec, doc_row in pairs]
    spec = RecordSpec(
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
        documents=tuple(doc_spec for doc_spec, _row in pairs),
    )
    return spec, dumps(row)


class _ObjectStream:
    """The selected documents' digital objects, streamed in document order and taken a document at a time.

    A merge join with the document stream (both ordered by record, ordinal, document): only the objects of
    the document being built are in memory, not one model instance per file of the fonds (issue #5).
    """

    def __init__(self, selected: QuerySet[Record]) -> None:
        # Fields no spec or row reads are not loaded (each costs a datetime conversion per row on SQLite).
        qs = DigitalObject.objects.filter(document__record__in=selected).select_related("blob")
        qs = qs.defer("uid", "updated_at", "blob__created_at", "blob__last_fixity_at", "blob__last_fixity_ok")
        order = ("document__record_id", "document__ordinal", "document_id", "role", "id")
        self._rows = qs.order_by(*order).iterator(2000)
        self._next: DigitalObject | None = next(self._rows, None)

    def take(self, document_id: int) -> list[DigitalObject]:
        """The objects of ``document_id`` (the next document in the shared order), in (role, id) order."""
        found = []
        while self._next is not None and self._next.document_id == document_id:
            found.append(self._next)
            self._next = next(self._rows, None)
        return found

    def check_done(self) -> None:
        """Fail loudly if an object was left over (the two streams were not in the same order)."""
        if self._next is not None:
            raise RuntimeError(f"digital object {self._next.pk} was not matched with its document")


def collect_records(selected: QuerySet[Record]) -> Collected:
    """The selected records, spooled as specs and sidecar rows (three flat queries, the selection as a subquery).

    Documents and their digital objects are streamed side by side in record order and turned into specs a
    record at a time, so the (large) model instances of only one record are alive at once; each finished
    record goes to the spool, which yields specs and rows in ``file_code`` order as before. Use the result
    as a context manager (the spool files are removed when it closes; here already when collecting fails).
    """
    records = list(selected.order_by("file_code"))
    position = {record.pk: n for n, record in enumerate(records)}
    out = Collected(Path(tempfile.mkdtemp(prefix="kho-spool-")))
    try:
        _spool_records(selected, records, position, _ObjectStream(selected), out)
    except BaseException:
        out.close()
        raise
    out.file_codes = [record.file_code for record in records]
    return out


def _spool_records(
    selected: QuerySet[Record],
    records: list[Record],
    position: dict[int, int],
    objects: _ObjectStream,
    out: Collected,
) -> None:
    """Turn every record (with its documents, then those without any) into a spec and a row, and spool both.

    Duplicate file names are numbered within their folder, a folder per file code: only folders that two
    file codes share keep their names for the whole run, the others only while their record is built (issue #5).
    """
    folders = Counter(_folder(record.file_code) for record in records)
    kept: set[str] = set()  # the names in shared folders
    done: set[int] = set()
    by_pk = {record.pk: record for record in records}
    doc_qs = Document.objects.filter(record__in=selected).defer("created_at", "updated_at")  # not in the sidecar
    docs = doc_qs.order_by("record_id", "ordinal", "id").iterator(2000)
    groups = ((by_pk[record_id], list(group)) for record_id, group in itertools.groupby(docs, lambda d: d.record_id))
    without: Iterator[tuple[Record, list[Document]]]
    without = ((record, []) for record in records if record.pk not in done)  # read after the groups are done
    for record, group in itertools.chain(groups, without):
        taken = kept if folders[_folder(record.file_code)] > 1 else set()
        spec, row = _record(record, group, objects, out, taken)
        out.records.add(position[record.pk], spec)
        out.rows.add(position[record.pk], row)
        done.add(record.pk)
    objects.check_done()
    out.records.finish()
    out.rows.finish()


def _folder(file_code: str) -> str:
    """The first part of the names :func:`package_file_name` gives a record's files (equal names, equal folder)."""
    return package_file_name(file_code, "_", "", "", "").split("/", 1)[0]


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
