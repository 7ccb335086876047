"""Read what a received package says about itself: METS file lists, EAD records and documents, JSON files.

Every file is reached through ``safe_join`` and every XML file is parsed with ``parse_untrusted`` (style
rule 17); unusable files are skipped here because the BagIt and E-ARK validators already report them.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote as unhref

from lxml import etree

from kho.packages.formats import PackageFormatError, safe_join
from kho.packages.formats.xmlsafe import parse_untrusted
from kho.packages.layout import MAX_JSON_BYTES

__all__ = ["EadFacts", "MetsFacts", "read_ead", "read_json", "read_mets"]

_EAD_PATH = "metadata/descriptive/EAD.xml"
METS_NS = "http://www.loc.gov/METS/"
EAD_NS = "urn:isbn:1-931666-22-9"
XLINK_NS = "http://www.w3.org/1999/xlink"


@dataclass(slots=True)
class MetsFacts:
    """Content files listed by the representation METS files: package path -> (sha256 hex, size)."""

    files: dict[str, tuple[str, int]] = field(default_factory=dict)
    readable: bool = True


@dataclass(slots=True)
class EadFacts:
    """Records and documents described in EAD, and the files each document links to (``dao``)."""

    records: dict[str, list[str]] = field(default_factory=dict)
    daos: dict[str, set[str]] = field(default_factory=dict)
    documents: int = 0
    readable: bool = True


def _parse(root: Path, rel: str) -> etree._ElementTree | None:
    """Parse one package XML file safely, or None when it is missing, unsafe or malformed."""
    try:
        return parse_untrusted(safe_join(root, rel))
    except PackageFormatError:
        return None


def read_mets(package: Path) -> MetsFacts:
    """Collect every ``mets:file`` of every ``representations/<name>/METS.xml``."""
    facts = MetsFacts()
    reps = package / "representations"
    names = sorted(p.name for p in reps.iterdir() if p.is_dir() and not p.is_symlink()) if reps.is_dir() else []
    for name in names:
        tree = _parse(package, f"representations/{name}/METS.xml")
        if tree is None:
            facts.readable = False
            continue
        for node in tree.iter(f"{{{METS_NS}}}file"):
            location = node.find(f"{{{METS_NS}}}FLocat")
            href = location.get(f"{{{XLINK_NS}}}href") if location is not None else None
            if not href:
                continue
            path = posixpath.normpath(f"representations/{name}/{unhref(href)}")
            size = node.get("SIZE", "")
            facts.files[path] = ((node.get("CHECKSUM") or "").lower(), int(size) if size.isdigit() else -1)
    return facts


def _unitid(component: etree._Element, kind: str) -> str:
    node = component.find(f"{{{EAD_NS}}}did/{{{EAD_NS}}}unitid[@type='{kind}']")
    return (node.text or "").strip() if node is not None else ""


def read_ead(package: Path) -> EadFacts:
    """Collect record codes (``c[@level='file']``), their document ids and each document's ``dao`` paths."""
    facts = EadFacts()
    tree = _parse(package, _EAD_PATH)
    if tree is None:
        facts.readable = False
        return facts
    base = posixpath.dirname(_EAD_PATH)
    for record in tree.iter(f"{{{EAD_NS}}}c"):
        if record.get("level") != "file":
            continue
        docs = facts.records.setdefault(_unitid(record, "fileCode"), [])
        for doc in record.iter(f"{{{EAD_NS}}}c"):
            if doc.get("level") != "item":
                continue
            doc_id = _unitid(doc, "docId")
            docs.append(doc_id)
            facts.documents += 1
            hrefs = (dao.get(f"{{{XLINK_NS}}}href") or "" for dao in doc.iterfind(f"{{{EAD_NS}}}did/{{{EAD_NS}}}dao"))
            facts.daos[doc_id] = {posixpath.normpath(posixpath.join(base, unhref(h))) for h in hrefs if h}
    return facts


def read_json(root: Path, rel: str) -> tuple[dict[str, Any] | None, str]:
    """Load a JSON object from the package; return it, or None and the reason it cannot be used."""
    try:
        path = safe_join(root, rel)
        if path.is_symlink() or not path.is_file():
            return None, "missing"
        if path.stat().st_size > MAX_JSON_BYTES:
            return None, "too large"
        with path.open("rb") as f:
            data = json.load(f)
    except PackageFormatError:
        return None, "unsafe path"
    except (OSError, ValueError) as exc:
        return None, type(exc).__name__
    if not isinstance(data, dict):
        return None, "not a JSON object"
    return data, ""
