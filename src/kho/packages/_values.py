"""Check every metadata value of a received sidecar against this archive's models before anything is written.

Each row becomes an unsaved model instance and runs ``clean_fields`` (choices, lengths, code formats,
no database query); relations are checked by code. Problems become ``TRANSFER-VALUE`` findings, and
duplicate codes inside the package ``TRANSFER-MISMATCH`` findings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from kho.agencies.models import Agency, RelationKind
from kho.core.text import N_
from kho.packages._checks import documents_of, objects_of, sidecar_records
from kho.packages._sidecar import Sidecar
from kho.packages.formats import PackageFormatError
from kho.packages.formats.safepath import split_relative
from kho.packages.layout import row_values
from kho.packages.report import TransferReport
from kho.records.choices import ObjectRole
from kho.records.models import Document, Fonds, Record

__all__ = ["check_values", "instance"]

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_NESTED: dict[type[models.Model], str] = {Record: "documents", Document: "objects", Agency: "parent"}
_FK_EXCLUDE: dict[type[models.Model], list[str]] = {
    Agency: ["parent"],
    Fonds: ["agency"],
    Record: ["fonds"],
    Document: ["record", "verified_by"],
}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _value_error(report: TransferReport, where: str, detail: str) -> None:
    report.error("TRANSFER-VALUE", where, N_("%(path)s: unacceptable value: %(detail)s."), detail=detail)


def instance(model: type[models.Model], row: Mapping[str, Any], report: TransferReport, where: str) -> Any:
    """Build an unsaved ``model`` from a sidecar row and check its fields; None when it is unusable."""
    nested = _NESTED.get(model)
    values, problems = row_values(model, {k: v for k, v in row.items() if k != nested})
    for problem in problems:
        _value_error(report, where, problem)
    obj = model(**values)
    try:
        obj.clean_fields(exclude=_FK_EXCLUDE.get(model, []))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            _value_error(report, where, f"{name}: {' '.join(str(m) for m in messages)}")
        return None
    return obj if not problems else None


def _duplicates(report: TransferReport, what: str, codes: Counter[str]) -> None:
    for code, count in codes.items():
        if count > 1:
            report.error(
                "TRANSFER-MISMATCH", code, N_("%(what)s %(path)s appears %(count)d times."), what=what, count=count
            )


def _check_object(report: TransferReport, obj: Mapping[str, Any], where: str) -> None:
    """One digital object row: role, media type, file name, path, digest and size."""
    path = obj.get("path")
    problems = []
    if obj.get("role") not in ObjectRole.values:
        problems.append(f"role={obj.get('role')!r}")
    for key, limit in (("media_type", 100), ("filename", 255)):
        value = obj.get(key)
        if not isinstance(value, str) or not value or len(value) > limit:
            problems.append(f"{key}={value!r}")
    if not isinstance(obj.get("sha256"), str) or not _DIGEST.fullmatch(obj["sha256"]):
        problems.append(f"sha256={obj.get('sha256')!r}")
    size = obj.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        problems.append(f"size={size!r}")
    try:
        split_relative(str(path))
    except PackageFormatError:
        problems.append(f"path={path!r}")
    for problem in problems:
        _value_error(report, where, problem)


def _check_chain(report: TransferReport, sidecar: Mapping[str, Any], agencies: set[str]) -> None:
    """Custody links and lineage edges must name agencies in the package and carry valid dates."""
    custody = _list(sidecar.get("custody"))
    for n, link in enumerate(custody, 1):
        where = f"custody #{n}"
        if not isinstance(link, dict) or link.get("holder") not in agencies:
            _value_error(report, where, "holder is not an agency of the package")
            continue
        for key in ("from_date", "to_date"):
            if link.get(key) is not None and not _is_date(link[key]):
                _value_error(report, where, f"{key}={link[key]!r}")
        if len(str(link.get("legal_basis", ""))) > 500:
            _value_error(report, where, "legal_basis longer than 500 characters")
    relations = _list(sidecar.get("relations"))
    for n, edge in enumerate(relations, 1):
        ok = isinstance(edge, dict) and {edge.get("predecessor"), edge.get("successor")} <= agencies
        if not ok or not _is_date(edge.get("effective_date")):
            _value_error(report, f"relation #{n}", "unknown agency or bad effective date")
        elif edge.get("kind") not in RelationKind.values:
            _value_error(report, f"relation #{n}", f"kind={edge.get('kind')!r}")


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def check_values(report: TransferReport, sidecar: Sidecar) -> bool:
    """Every agency, the fonds, every record, document and object, custody and lineage rows.

    The records are read in one pass. Returns whether a record or document is classified (its files must
    be encrypted at rest, so the import needs the master key before it stores anything).
    """
    agencies = _list(sidecar.get("agencies"))
    codes = {str(a.get("code")) for a in agencies if isinstance(a, dict)}
    for row in agencies:
        row = row if isinstance(row, dict) else {}
        instance(Agency, row, report, f"agency {row.get('code', '?')}")
    if sidecar.get("sender") not in codes:
        _value_error(report, "kho-transfer.json", "the sender is not among the package's agencies")
    receiver = sidecar.get("receiver")
    if receiver and receiver not in codes:
        _value_error(report, "kho-transfer.json", "the receiver is not among the package's agencies")
    fonds = _dict(sidecar.get("fonds"))
    if instance(Fonds, fonds, report, "fonds") is not None and (fonds.get("status") == "closed") != bool(
        fonds.get("closed_on")
    ):
        _value_error(report, "fonds", "a closed fonds needs its closing date (and an open one none)")
    _check_chain(report, sidecar, codes)
    seen: dict[str, Counter[str]] = {"record": Counter(), "document": Counter(), "document code": Counter()}
    classified = False
    for record in sidecar_records(sidecar):
        seen["record"][str(record.get("file_code"))] += 1
        instance(Record, record, report, f"record {record.get('file_code')}")
        classified = classified or _is_classified(record)
        for doc in documents_of(record):
            seen["document"][str(doc.get("doc_id"))] += 1
            seen["document code"][str(doc.get("doc_code"))] += 1
            where = f"document {doc.get('doc_id')}"
            instance(Document, doc, report, where)
            classified = classified or _is_classified(doc)
            for obj in objects_of(doc):
                _check_object(report, obj, where)
    for what, counter in seen.items():
        _duplicates(report, what, counter)
    return classified


def _is_classified(row: Mapping[str, Any]) -> bool:
    level = row.get("secrecy_level")
    return isinstance(level, int) and level > 0
