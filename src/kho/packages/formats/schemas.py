"""Offline XSD loading for METS 1.12 (+ xlink), PREMIS 3.0 / 2.2, EAD 2002 and the METS+PREMIS wrapper.

Every function takes the schema directory as an argument: the Django layer decides where the XSDs
live and passes that path; nothing here knows a default location. Compiled schemas are cached per
(directory, schema) for the life of the process.

Imports inside the XSDs (``mets.xsd`` imports xlink from ``http://www.loc.gov/...``) are resolved by
an lxml :class:`~lxml.etree.Resolver` that reads the directory's ``catalog.xml`` (OASIS XML catalog,
``system``/``uri`` entries) plus a few well-known URLs, and refuses everything else. So validation
never touches the network and does not depend on ``XML_CATALOG_FILES`` having been set before
libxml2's first parse.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from lxml import etree

from kho.packages.formats.eark_errors import SchemaLoadError
from kho.packages.formats.xmlsafe import safe_parser

__all__ = ["SCHEMA_FILES", "SchemaName", "load_schema", "schema_errors", "schema_lock"]


class SchemaName(StrEnum):
    """The schemas Kho validates package XML against."""

    METS = "mets"
    PREMIS = "premis"
    PREMIS2 = "premis2"
    METS_PREMIS = "mets-premis"
    EAD = "ead"


#: File name of each schema inside the schema directory.
SCHEMA_FILES: dict[SchemaName, str] = {
    SchemaName.METS: "mets.xsd",
    SchemaName.PREMIS: "premis-v3-0.xsd",
    SchemaName.PREMIS2: "premis-v2-2.xsd",
    SchemaName.METS_PREMIS: "mets-premis-wrapper.xsd",
    SchemaName.EAD: "ead2002.xsd",
}

# Remote schemaLocations seen in the wild, mapped to local file names (used when the file exists).
_WELL_KNOWN: dict[str, str] = {
    "http://www.loc.gov/standards/xlink/xlink.xsd": "xlink.xsd",
    "https://www.loc.gov/standards/xlink/xlink.xsd": "xlink.xsd",
    "http://www.loc.gov/standards/mets/xlink.xsd": "xlink.xsd",
    "http://www.loc.gov/standards/mets/mets.xsd": "mets.xsd",
    "http://www.loc.gov/standards/premis/v3/premis.xsd": "premis-v3-0.xsd",
    "http://www.loc.gov/standards/premis/v3/premis-v3-0.xsd": "premis-v3-0.xsd",
    "http://www.loc.gov/ead/ead.xsd": "ead2002.xsd",
}
_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
_MAX_ERRORS = 50
_lock = threading.Lock()


def _read_catalog(schema_dir: Path) -> dict[str, Path]:
    """Return ``{remote URL: local file}`` from ``catalog.xml`` and the well-known list."""
    mapping = {url: schema_dir / name for url, name in _WELL_KNOWN.items() if (schema_dir / name).is_file()}
    catalog = schema_dir / "catalog.xml"
    if not catalog.is_file():
        return mapping
    try:
        with catalog.open("rb") as f:
            root = etree.parse(f, safe_parser()).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise SchemaLoadError("catalog.xml", str(exc)) from exc
    for entry in root:
        key = entry.get("systemId") if entry.tag == f"{_CATALOG_NS}system" else None
        if entry.tag == f"{_CATALOG_NS}uri":
            key = entry.get("name")
        target = entry.get("uri")
        if key and target and "://" not in target:
            mapping[key] = (schema_dir / target).resolve()
    return mapping


class _OfflineResolver(etree.Resolver):
    """Resolve schema imports from the catalog or the schema directory; refuse anything else."""

    def __init__(self, schema_dir: Path) -> None:
        super().__init__()
        self.schema_dir = schema_dir.resolve()
        self.mapping = _read_catalog(self.schema_dir)
        self.refused: list[str] = []

    def _local(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme not in ("", "file"):
            return None
        candidate = Path(unquote(parts.path)).resolve()
        inside = os.path.commonpath([self.schema_dir, candidate]) == str(self.schema_dir)
        return candidate if inside and candidate.is_file() else None

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> object:  # type: ignore[override]
        """Return the local file for ``system_url``, or an empty document (and remember the URL)."""
        url = system_url or ""
        target = self.mapping.get(url) or self._local(url)
        if target is not None:
            return self.resolve_file(target.open("rb"), context, base_url=str(target), close=True)
        self.refused.append(url or str(public_id))
        return self.resolve_string("", context, base_url=None)


@functools.lru_cache(maxsize=32)
def _compile(schema_dir: str, name: SchemaName) -> etree.XMLSchema:
    """Compile one schema (cached by directory and name)."""
    directory = Path(schema_dir)
    path = directory / SCHEMA_FILES[name]
    if not path.is_file():
        raise SchemaLoadError(str(name), f"missing file {path}")
    resolver = _OfflineResolver(directory)
    parser = safe_parser()
    parser.resolvers.add(resolver)
    try:
        with path.open("rb") as f:
            document = etree.parse(f, parser, base_url=str(path))
        return etree.XMLSchema(document)
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        detail = str(exc)
        if resolver.refused:
            detail = f"{detail}; unresolved offline: {', '.join(sorted(set(resolver.refused)))}"
        raise SchemaLoadError(str(name), detail) from exc


def load_schema(schema_dir: Path, name: SchemaName | str) -> etree.XMLSchema:
    """Return the compiled schema ``name`` from ``schema_dir``, compiling it once per process.

    Args:
        schema_dir: Directory holding the XSDs (and optionally ``catalog.xml``).
        name: A :class:`SchemaName` or its value.

    Raises:
        SchemaLoadError: The file is missing or the schema does not compile offline.
    """
    return _compile(os.path.realpath(schema_dir), SchemaName(name))


def schema_errors(schema: etree.XMLSchema, tree: etree._ElementTree) -> list[str]:
    """Validate ``tree`` and return its errors as ``"line N: message"`` (empty when valid).

    Validation runs under a lock: an ``XMLSchema`` object and its ``error_log`` are not safe to
    share between threads. At most 50 errors are returned.
    """
    with _lock:
        if schema.validate(tree):
            return []
        entries: Iterable[Any] = cast("Iterable[Any]", schema.error_log)  # lxml-stubs lack __iter__
        return [f"line {entry.line}: {entry.message}" for entry in list(entries)[:_MAX_ERRORS]]


def schema_lock() -> threading.Lock:
    """The lock to hold while a compiled schema validates a streamed document (see :func:`schema_errors`)."""
    return _lock
