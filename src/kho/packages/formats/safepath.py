"""The one gate for paths read from a package (style rule 17; compare bagit ``_path_is_dangerous``).

Every relative path that comes out of a manifest, fetch.txt, a METS file or a handover record is
turned into a filesystem path only through :func:`safe_join`. It refuses paths that are dangerous
on *any* platform (so a bag checked on Linux is also safe to unpack on Windows), then resolves
symlinks and checks with ``commonpath`` that the result is still inside the root.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from pathlib import Path

from kho.packages.formats.exceptions import UnsafePathError

__all__ = ["safe_join", "split_relative"]

# "C:", "C:\x", "c:foo" - a drive letter makes the path absolute or drive-relative on Windows.
_DRIVE = re.compile(r"^[A-Za-z]:")


def split_relative(relative: str) -> list[str]:
    r"""Check a package-relative path lexically and return its components.

    Backslashes count as separators for the checks (a ``..\\x`` entry is an escape on Windows), but
    the returned components split on ``/`` only, because on POSIX a backslash is a legal name byte.
    Empty and ``.`` components are dropped.

    Args:
        relative: Path as read from the package, already percent-decoded.

    Returns:
        The ``/``-separated components, without empty and ``.`` parts.

    Raises:
        UnsafePathError: Empty, NUL, absolute (``/``, ``\\``, UNC), drive letter, ``~`` or ``~user``
            home shortcut, or any ``..`` component.
    """
    if not relative or not relative.strip():
        raise UnsafePathError(relative, "empty")
    if "\x00" in relative:
        raise UnsafePathError(relative, "nul")
    if relative[0] in "/\\":
        raise UnsafePathError(relative, "absolute")
    if _DRIVE.match(relative):
        raise UnsafePathError(relative, "drive")
    if relative.startswith("~"):
        raise UnsafePathError(relative, "home")
    if any(part == ".." for part in re.split(r"[/\\]", relative)):
        raise UnsafePathError(relative, "parent")
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if not parts:
        raise UnsafePathError(relative, "empty")
    return parts


@functools.lru_cache(maxsize=256)
def _real_root(root: str) -> str:
    """Return ``realpath(root)``, cached: the root is chosen by Kho, not read from the package."""
    return os.path.realpath(root)


def safe_join(root: Path, relative: str, dirs: set[str] | None = None) -> Path:
    """Join a path read from a package onto its root, refusing anything that could leave the root.

    The lexical checks of :func:`split_relative` run first. Then every existing component below the
    root is ``lstat``-ed; a symlink is resolved with ``os.path.realpath`` and must keep the root as
    ``os.path.commonpath``, and the walk continues from its target. This is the same answer as
    ``realpath(root/relative)`` inside ``realpath(root)`` (bagit ``_path_is_dangerous``), but costs
    one ``lstat`` per component of ``relative`` instead of one per component of the whole path. A
    symlink inside the bag that points inside the bag is accepted here; validators report symlinks
    separately.

    Args:
        root: The package root directory.
        relative: Path as read from the package, already percent-decoded.
        dirs: A set the caller keeps for one validation or write run (never longer): real directories
            below the root found to be no symlink are added, and are not ``lstat``-ed again, so a bag
            of many files in few folders costs about one ``lstat`` per file.

    Returns:
        ``root`` joined with the path's components (not resolved, so messages stay readable).

    Raises:
        UnsafePathError: See :func:`split_relative`; reason ``escape`` if a symlink on the way
            resolves outside the root.
    """
    parts = split_relative(relative)
    real_root = _real_root(os.fspath(root))
    current = real_root
    for index, part in enumerate(parts):
        candidate = os.path.join(current, part)  # noqa: PTH118 - str paths keep this loop cheap
        if dirs is not None and candidate in dirs:
            current = candidate
            continue
        try:
            mode = os.lstat(candidate).st_mode
        except OSError:
            break  # nothing exists from here on, so no symlink can follow
        if dirs is not None and stat.S_ISDIR(mode):
            dirs.add(candidate)
        if stat.S_ISLNK(mode):
            resolved = os.path.realpath(os.path.join(candidate, *parts[index + 1 :]))  # noqa: PTH118
            if os.path.commonpath([real_root, resolved]) != real_root:
                raise UnsafePathError(relative, "escape")
            break
        current = candidate
    return Path(os.path.join(root, *parts))  # noqa: PTH118 - one parse instead of one per part
