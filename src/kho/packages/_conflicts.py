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


def check_conflicts(report: TransferReport, sidecar: Mapping[str, Any], package_id: str | None) -> None:
    """Append a finding for every code, UUID or object the package would collide with."""
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
    records = sidecar_records(sidecar)
    docs = [d for r in records for d in documents_of(r)]
    checks: list[tuple[type[models.Model], str, list[str], str]] = [
        (Record, "file_code", [str(r.get("file_code")) for r in records], N_("Record %(path)s already exists here.")),
        (Record, "uid", [str(r.get("uid", "")) for r in records], N_("A record with UUID %(path)s already exists.")),
        (Document, "doc_id", [str(d.get("doc_id")) for d in docs], N_("Document %(path)s already exists here.")),
        (Document, "doc_code", [str(d.get("doc_code")) for d in docs], N_("Document code %(path)s is already used.")),
        (Document, "uid", [str(d.get("uid", "")) for d in docs], N_("A document with UUID %(path)s already exists.")),
    ]
    for model, field, values, message in checks:
        for value in sorted(_taken(model, field, values)):
            _conflict(report, value, message)
    sources = [
        str(o.get("sha256"))
        for d in docs
        for o in objects_of(d)
        if o.get("role") in (ObjectRole.ORIGINAL, ObjectRole.MASTER)
    ]
    used = _taken_sources(sources)
    for digest in sorted(used):
        _conflict(report, digest, N_("Object %(path)s is already the source file of another document here."))


def _taken_sources(digests: Sequence[str]) -> set[str]:
    """Digests already stored here as a document's original or master file."""
    found: set[str] = set()
    roles = [ObjectRole.ORIGINAL, ObjectRole.MASTER]
    for chunk in _chunks(sorted(set(digests))):
        rows = DigitalObject.objects.filter(blob__digest__in=chunk, role__in=roles).values_list(
            "blob__digest", flat=True
        )
        found.update(rows)
    return found
