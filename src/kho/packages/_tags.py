"""Tag files added after the payload manifest exists (the handover record needs the root hash first).

:func:`add_tag_files` copies files into the bag outside ``data/`` and rewrites every tag manifest, so
they are covered by ``tagmanifest-*.txt`` but not by the root hash. :func:`tag_manifest_paths` reads the
paths a tag manifest lists, for the importer's "every tag file is listed" rule.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from kho.packages.formats import (
    PackageFormatError,
    decode_path,
    format_manifest_line,
    hash_file,
    parse_manifest_line,
    safe_join,
)

__all__ = ["add_tag_files", "list_tag_files", "tag_manifest_paths"]

_TAGMANIFEST = re.compile(r"tagmanifest-(?P<alg>[a-z0-9]+)\.txt")


def list_tag_files(bag: Path) -> list[str]:
    """Every regular file outside ``data/``, bag-relative, ``/``-separated, sorted (symlinks skipped)."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(bag):
        rel_dir = Path(dirpath).relative_to(bag).as_posix()
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d != "data"]
            rel_dir = ""
        for name in filenames:
            path = Path(dirpath, name)
            if path.is_file() and not path.is_symlink():
                found.append(f"{rel_dir}/{name}" if rel_dir else name)
    return sorted(found)


def add_tag_files(bag: Path, files: Sequence[tuple[str, Path]]) -> None:
    """Copy ``(bag-relative path, source)`` pairs into the bag and rewrite the tag manifests.

    Raises:
        UnsafePathError: A target path would leave the bag or is inside ``data/``.
        OSError: A copy failed.
    """
    for rel, source in files:
        if rel.split("/", 1)[0] == "data":
            raise ValueError(f"tag file {rel!r} must not be inside data/")
        target = safe_join(bag, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    algorithms = [m["alg"] for p in bag.iterdir() if (m := _TAGMANIFEST.fullmatch(p.name))] or ["sha256"]
    covered = [rel for rel in list_tag_files(bag) if not _TAGMANIFEST.fullmatch(rel)]
    digests = {rel: hash_file(safe_join(bag, rel), algorithms) for rel in covered}
    for alg in algorithms:
        with (bag / f"tagmanifest-{alg}.txt").open("w", encoding="utf-8", newline="\n") as out:
            out.writelines(format_manifest_line(digests[rel][alg], rel) for rel in covered)


def tag_manifest_paths(bag: Path, name: str = "tagmanifest-sha256.txt") -> set[str] | None:
    """The decoded paths ``name`` lists, or None when it is missing or unreadable (the bag report says why)."""
    try:
        with safe_join(bag, name).open(encoding="utf-8", newline="") as f:
            lines = [line.rstrip("\r\n") for line in f]
    except (OSError, UnicodeDecodeError, PackageFormatError):
        return None
    paths: set[str] = set()
    for line in lines:
        entry = parse_manifest_line(line) if line.strip() else None
        if entry is not None:
            paths.add(decode_path(entry.raw_path).removeprefix("./"))
    return paths
