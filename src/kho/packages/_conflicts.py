"""Conflicts between a verified package and what the receiving archive already holds (``TRANSFER-CONFLICT``).

Checked before any byte is stored, so a conflicting package is refused with nothing written: another
package already imported under the same id, a fonds of another agency with the same code, record or
document codes (or UUIDs) already in use, and stored objects that already are another document's source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import models

from kho.core.text import N_
from kho.packages._checks import documents_of, objects_of, sidecar_records
from kho.packages._sidecar import Sidecar
from kho.packages.models import Direction, PackageTransfer
from kho.packages.report import TransferReport
from kho.records.choices import ObjectRole
from kho.records.models import DigitalObject, Document, Fonds, Record

__all__ = ["check_conflicts"]

_CHUNK = 500


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _conflict(report: TransferReport, path: str, message: str, **params: str | int) -> None:
    report.error("TRANSFER-CONFLICT", path, message, **params)


def _taken(model: type[models.Model], field: str, values: Iterable[str]) -> set[str]:
    """Which of ``values`` already exist in ``model.field`` (looked up in chunks)."""
    wanted = sorted({v for v in values if v})
    found: set[str] = set()
    for chunk in _chunks(wanted):
        found.update(
            str(v) for v in model._default_manager.filter(**{f"{field}__in": chunk}).values_list(field, flat=True)
        )
    return found


def _check_fonds(report: TransferReport, sidecar: Mapping[str, Any]) -> None:
    raw = sidecar.get("fonds")
    fonds: dict[str, Any] = raw if isinstance(raw, dict) else {}
    existing = Fonds.objects.select_related("agency").filter(code=fonds.get("code")).first()
    if existing is not None and existing.agency.code != sidecar.get("sender"):
        _conflict(
            report,
            str(fonds.get("code")),
            N_("Fonds %(path)s already exists here and belongs to %(agency)s, not to the sender."),
            agency=existing.agency.code,
        )


class _Lookup:
    """Values of one unique column to look up, queried a chunk at a time as they come (flat memory)."""

    def __init__(self, model: type[models.Model], field: str, message: str) -> None:
        self.model, self.field, self.message = model, field, message
        self.waiting: set[str] = set()
        self.taken: set[str] = set()

    def add(self, value: Any) -> None:
        if value:
            self.waiting.add(str(value))
            if len(self.waiting) >= _CHUNK:
                self.flush()

    def flush(self) -> None:
        if self.waiting:
            self.taken |= _taken(self.model, self.field, self.waiting)
            self.waiting = set()


class _Sources(_Lookup):
    """Digests already stored here as a document's original or master file."""

    def flush(self) -> None:
        if self.waiting:
            self.taken |= _taken_sources(sorted(self.waiting))
            self.waiting = set()


def check_conflicts(report: TransferReport, sidecar: Sidecar, package_id: str | None) -> None:
    """Append a finding for every code, UUID or object the package would collide with (one pass)."""
    previous = PackageTransfer.objects.filter(direction=Direction.IMPORT, package_id=package_id).first()
    if previous is not None:
        _conflict(
            report,
            str(package_id),
            N_("Another package with id %(path)s (root hash %(hash)s) was imported on %(date)s."),
            hash=previous.root_hash,
            date=previous.created.date().isoformat(),
        )
    _check_fonds(report, sidecar)
    records = [
        _Lookup(Record, "file_code", N_("Record %(path)s already exists here.")),
        _Lookup(Record, "uid", N_("A record with UUID %(path)s already exists.")),
    ]
    documents = [
        _Lookup(Document, "doc_id", N_("Document %(path)s already exists here.")),
        _Lookup(Document, "doc_code", N_("Document code %(path)s is already used.")),
        _Lookup(Document, "uid", N_("A document with UUID %(path)s already exists.")),
    ]
    sources = _Sources(
        DigitalObject, "blob__digest", N_("Object %(path)s is already the source file of another document here.")
    )
    for record in sidecar_records(sidecar):
        for lookup in records:
            lookup.add(record.get(lookup.field))
        for doc in documents_of(record):
            for lookup in documents:
                lookup.add(doc.get(lookup.field))
            for obj in objects_of(doc):
                if obj.get("role") in (ObjectRole.ORIGINAL, ObjectRole.MASTER):
                    sources.add(obj.get("sha256"))
    for lookup in [*records, *documents, sources]:
        lookup.flush()
        for value in sorted(lookup.taken):
            _conflict(report, value, lookup.message)


def _taken_sources(digests: Sequence[str]) -> set[str]:
    """Digests already stored here as a document's original or master file."""
    found: set[str] = set()
    roles = [ObjectRole.ORIGINAL, ObjectRole.MASTER]
    for chunk in _chunks(digests):
        rows = DigitalObject.objects.filter(blob__digest__in=chunk, role__in=roles).values_list(
            "blob__digest", flat=True
        )
        found.update(rows)
    return found
