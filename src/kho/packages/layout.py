"""The transfer package layout, shared by export and import: names, roles and model <-> JSON rows.

A transfer package is a BagIt 1.0 bag (SHA-256 manifest and tag manifest)::

    <bag>/bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    <bag>/data/<OBJID>/                      the E-ARK CSIP package (payload, covered by the root hash)
        METS.xml, metadata/descriptive/EAD.xml, metadata/preservation/PREMIS.xml
        representations/rep1/data/<fileCode>/<docId>.<ext>         originals and master scans
        representations/rep2/data/<fileCode>/<docId>.<role>.<ext>  access copies, OCR text, derivatives
        documentation/kho-transfer.json      lossless Kho metadata: agencies, fonds, custody, records
    <bag>/handover/                          tag files: in the tag manifest, NOT under the root hash
        inventory.json                       machine-readable inventory (counts, root hash)
        bien-ban-giao-nhan.pdf, muc-luc-*.xlsx ...   the handover record and inventories

The handover record prints the root hash, so it cannot be inside what the hash covers: it is a tag
file. ``root_hash`` covers the sorted payload manifest only.
"""

from __future__ import annotations

import functools
import re
import uuid
from datetime import date, datetime
from typing import Any

from django.db import models

from kho.packages.formats.earkspec import FileRole

__all__ = [
    "HANDOVER_DIR",
    "INVENTORY_FORMAT",
    "INVENTORY_PATH",
    "SIDECAR_FORMAT",
    "SIDECAR_PATH",
    "file_role",
    "model_row",
    "package_file_name",
    "row_values",
]

SIDECAR_PATH = "kho-transfer.json"  # below documentation/
SIDECAR_FORMAT = "kho-transfer/1"
HANDOVER_DIR = "handover"
INVENTORY_PATH = f"{HANDOVER_DIR}/inventory.json"
INVENTORY_FORMAT = "kho-inventory/1"
#: Largest JSON file the importer accepts (about 200,000 documents): the inventory is read whole, the sidecar
#: a record at a time (see _sidecar).
MAX_JSON_BYTES = 512 * 1024**2

# Kho role -> (representation, E-ARK file role, name suffix).
_ROLES: dict[str, tuple[str, FileRole, str]] = {
    "original": ("rep1", FileRole.PRESERVATION, ""),
    "master": ("rep1", FileRole.PRESERVATION, ""),
    "access": ("rep2", FileRole.ACCESS, ".access"),
    "text": ("rep2", FileRole.TEXT, ".text"),
    "derivative": ("rep2", FileRole.OTHER, ".derivative"),
}
_EXT = re.compile(r"\.[a-z0-9]{1,8}")
_MEDIA_EXT = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\/:*?\"<>|%]")
# Never copied between archives: keys, audit timestamps and links to users of the sending archive.
_SKIP = frozenset({"id", "created_at", "updated_at", "verified_by"})


def file_role(role: str) -> tuple[str, FileRole]:
    """Return the representation folder and E-ARK role of a Kho ``ObjectRole`` value."""
    rep, fr, _suffix = _ROLES.get(role, ("rep2", FileRole.OTHER, ".other"))
    return rep, fr


def package_file_name(file_code: str, doc_id: str, role: str, filename: str, media_type: str) -> str:
    """Return ``<fileCode>/<docId>[.<role>].<ext>`` (TT05 Art. 8.1.d naming; unsafe characters become ``_``)."""
    suffix = plain_suffix(filename) or _MEDIA_EXT.get(media_type, ".bin")
    role_part = _ROLES.get(role, ("", FileRole.OTHER, f".{role}"))[2]
    return f"{_safe(file_code)}/{_safe(doc_id)}{role_part}{suffix}"


def plain_suffix(filename: str) -> str:
    """Return the lower-case extension of ``filename`` if it is a plain one (``.pdf``), else ""."""
    dot = filename.rfind(".")
    ext = filename[dot:].lower() if dot > 0 else ""
    return ext if _EXT.fullmatch(ext) else ""


def _safe(part: str) -> str:
    """Replace characters that are unsafe in package names on any platform."""
    cleaned = _UNSAFE.sub("_", part).strip(" .")
    return cleaned or "_"


def _json_value(value: Any) -> Any:
    """Turn a model field value into JSON (dates ISO 8601, UUIDs as text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


@functools.cache
def _row_fields(model: type[models.Model], skip: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """``(name, attname)`` of the fields :func:`model_row` writes, once per model (an export asks per document)."""
    fields = model._meta.concrete_fields
    return tuple((f.name, f.attname) for f in fields if f.name not in _SKIP | skip and not f.is_relation)


def model_row(obj: models.Model, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Return every concrete non-relation field of ``obj`` as JSON-ready values (keys, FKs, audit times left out)."""
    return {name: _json_value(getattr(obj, attname)) for name, attname in _row_fields(type(obj), skip)}


@functools.cache
def _fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The fields a JSON row may carry for ``model``, by name (computed once per model)."""
    return {f.name: f for f in model._meta.concrete_fields if not f.is_relation and f.name not in _SKIP}


def row_values(model: type[models.Model], row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Convert a JSON row back to field values for ``model``; unknown or relation keys are reported.

    Returns:
        The values by field name (dates parsed, UUIDs parsed) and the problems found (unknown fields,
        unparsable dates). Choices and lengths are checked later by ``clean_fields``.
    """
    fields = _fields(model)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, raw in row.items():
        field = fields.get(key)
        if field is None:
            problems.append(f"unknown field {key!r}")
            continue
        try:
            values[key] = _from_json(field, raw)
        except (TypeError, ValueError):
            problems.append(f"{key}={raw!r}")
    return values, problems


def _from_json(field: models.Field[Any, Any], raw: Any) -> Any:
    """Parse one JSON value for ``field`` (raises ValueError/TypeError on a bad value)."""
    if raw is None:
        return None
    if isinstance(field, models.DateTimeField):
        return datetime.fromisoformat(raw)
    if isinstance(field, models.DateField):
        return date.fromisoformat(raw)
    if isinstance(field, models.UUIDField):
        return uuid.UUID(str(raw))
    return raw
