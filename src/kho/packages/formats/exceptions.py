"""Errors raised by the pure package formats (BagIt now, E-ARK later).

Every class carries an English message template with named placeholders, wrapped in ``N_()`` so the
interface layer can translate it (style rule 24), and the HTTP status it maps to (style rule 12). The
message says what the operator should do next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from kho.core.text import N_

if TYPE_CHECKING:
    from kho.packages.formats.report import Finding

__all__ = [
    "BagValidationError",
    "BagWriteError",
    "DuplicatePathError",
    "FileNormalizationConflictError",
    "PackageFormatError",
    "UnsafePathError",
]


class PackageFormatError(Exception):
    """Base class: a package (bag, SIP, AIP, DIP) is malformed or cannot be built.

    Attributes:
        message: English template with ``%(name)s`` placeholders, marked with ``N_()``.
        params: Values for the placeholders.
        http_status: Status the web/API layer answers with.
    """

    http_status: ClassVar[int] = 422

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params: dict[str, object] = dict(params)
        super().__init__(self.render())

    def render(self) -> str:
        """Return the untranslated message with its placeholders filled in."""
        try:
            return self.message % self.params
        except (KeyError, TypeError, ValueError):
            return self.message


class UnsafePathError(PackageFormatError):
    """A path read from (or written to) a package would leave the package root.

    Raised by :func:`kho.packages.formats.safepath.safe_join` for absolute paths, ``~``, ``..``,
    drive letters, UNC paths, NUL bytes and symlinks resolving outside the root. The package must
    be rejected; ask the sender for a package without such paths.

    Attributes:
        path: The offending relative path, as read.
        reason: A short code: ``empty``, ``nul``, ``absolute``, ``drive``, ``home``, ``parent``,
            ``escape`` (realpath outside the root) or ``symlink``.
    """

    http_status: ClassVar[int] = 422

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            N_("Unsafe path %(path)r in package (%(reason)s); reject the package and ask for a clean one."),
            path=path,
            reason=reason,
        )


class FileNormalizationConflictError(PackageFormatError):
    """Two file names differ in bytes but are equal after Unicode NFC normalisation (style rule 16).

    Vietnamese names typed on different systems (NFC vs NFD) would silently overwrite each other;
    rename one of the two files before packaging.
    """

    http_status: ClassVar[int] = 409

    def __init__(self, path: str, other: str) -> None:
        self.path = path
        self.other = other
        super().__init__(
            N_("File name %(path)r equals %(other)r after NFC normalisation; rename one of them."),
            path=path,
            other=other,
        )


class DuplicatePathError(PackageFormatError):
    """The same payload or tag path was added twice; each file may be added only once."""

    http_status: ClassVar[int] = 409

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(N_("Path %(path)r was already added to the package."), path=path)


class BagWriteError(PackageFormatError):
    """A bag cannot be written as asked (target not empty, reserved tag name, bad metadata, reuse).

    The message names the offending value; correct the call, nothing was finalised.
    """

    http_status: ClassVar[int] = 400


class BagValidationError(PackageFormatError):
    """A bag failed validation; ``details`` holds every finding, not just the first (style rule 13).

    Attributes:
        details: All findings of the report (errors and warnings), in discovery order.
        path: The bag directory.
    """

    http_status: ClassVar[int] = 422

    def __init__(self, details: Sequence[Finding], *, path: str = "") -> None:
        self.path = path
        self.details: tuple[Finding, ...] = tuple(details)
        errors = sum(1 for f in self.details if f.severity == "error")
        super().__init__(
            N_(
                "The bag at %(path)s failed validation with %(errors)d error(s); fix the listed "
                "problems or ask the sender for a new package."
            ),
            path=path,
            errors=errors,
        )

    def as_dict(self) -> Mapping[str, object]:
        """Return a JSON-friendly view (message template, params, findings) for APIs and logs."""
        return {
            "message": self.message,
            "params": self.params,
            "details": [f.as_dict() for f in self.details],
        }
