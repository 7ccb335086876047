"""Test oracle: the former lxml-tree writer of a representation METS, to compare the streamed output with.

The root METS is still built as a tree by ``kho.packages.formats.mets``; this oracle reuses those tree
helpers and keeps only the representation writer as it was before it was streamed.
"""

from __future__ import annotations

from collections.abc import Sequence

from kho.packages.formats._earkxml import CSIP_NS, M, StoredFile, q, serialise, sub
from kho.packages.formats.earkspec import PackageSpec
from kho.packages.formats.mets import _file, _header, _root

__all__ = ["build_representation_mets"]


def build_representation_mets(spec: PackageSpec, name: str, files: Sequence[StoredFile]) -> bytes:
    """Return ``representations/<name>/METS.xml`` listing the representation's data files, built as a tree."""
    prefix = f"representations/{name}/"
    root = _root(spec, name)
    _header(root, spec)
    file_sec = sub(root, M("fileSec"), ID="filesec")
    use = f"Representations/{name}/data"
    group = sub(file_sec, M("fileGrp"), ID="grp-data", USE=use)
    group.set(q(CSIP_NS, "CONTENTINFORMATIONTYPE"), spec.content_information_type)
    for stored in sorted(files, key=lambda f: f.path):
        _file(group, stored, stored.path.removeprefix(prefix), name)
    smap = sub(root, M("structMap"), ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP")
    top = sub(smap, M("div"), ID="div-representation", LABEL=name)
    sub(top, M("div"), ID="div-metadata", LABEL="Metadata")
    sub(sub(top, M("div"), ID="div-data", LABEL="Data"), M("fptr"), FILEID="grp-data")
    return serialise(root)
