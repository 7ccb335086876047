"""Errors raised by the E-ARK (CSIP/METS/PREMIS/EAD) part of the pure package formats.

They subclass :class:`~kho.packages.formats.exceptions.PackageFormatError`, so the one handler per
interface (style rule 14) maps them like the BagIt errors. Kept in a module of their own because
``exceptions.py`` belongs to the BagIt work; the lead may merge them into it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from kho.core.text import N_
from kho.packages.formats.exceptions import PackageFormatError

if TYPE_CHECKING:
    from kho.packages.formats.report import Finding

__all__ = [
    "MalformedXmlError",
    "PackageValidationError",
    "PackageWriteError",
    "SchemaLoadError",
    "UnsafeXmlError",
]


class UnsafeXmlError(PackageFormatError):
    """An XML file in a package carries a DOCTYPE, an entity declaration or an external DTD.

    Package XML (METS, PREMIS, EAD) never needs a DTD; a DOCTYPE is how XXE and "billion laughs"
    attacks are delivered. Nothing was expanded or fetched. Reject the package and ask the sender
    for one whose XML files have no DOCTYPE.

    Attributes:
        path: The file, as given to the parser.
        reason: ``entity`` (an ENTITY declaration), ``external-dtd`` (a SYSTEM/PUBLIC identifier)
            or ``doctype`` (any other DOCTYPE).
    """

    http_status: ClassVar[int] = 422

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            N_("Unsafe XML in %(path)s (%(reason)s): DOCTYPE and entities are refused; reject the package."),
            path=path,
            reason=reason,
        )


class MalformedXmlError(PackageFormatError):
    """An XML file in a package is not well-formed (or not readable) and cannot be checked further.

    Attributes:
        path: The file, as given to the parser.
        detail: The parser's first error message (line and column included).
    """

    http_status: ClassVar[int] = 422

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            N_("%(path)s is not well-formed XML (%(detail)s); ask the sender for a corrected package."),
            path=path,
            detail=detail,
        )


class SchemaLoadError(PackageFormatError):
    """An XSD needed for validation is missing from the schema directory or does not compile offline.

    This is a deployment problem, not a package problem: install the schema files (METS 1.12,
    xlink, PREMIS 3.0, the wrapper) in the configured schema directory.
    """

    http_status: ClassVar[int] = 500

    def __init__(self, schema: str, detail: str) -> None:
        self.schema = schema
        self.detail = detail
        super().__init__(
            N_("Schema %(schema)s cannot be loaded (%(detail)s); check the configured schema directory."),
            schema=schema,
            detail=detail,
        )


class PackageWriteError(PackageFormatError):
    """An E-ARK package cannot be written as specified (bad spec, unsafe name, digest mismatch, I/O).

    The message names the offending value; the partly written tree was removed. Correct the
    specification (or the source file) and export again.
    """

    http_status: ClassVar[int] = 400


class PackageValidationError(PackageFormatError):
    """An E-ARK package failed validation; ``details`` holds every finding (style rule 13).

    Attributes:
        details: All findings of the report (errors and warnings), in discovery order.
        path: The package root directory.
    """

    http_status: ClassVar[int] = 422

    def __init__(self, details: Sequence[Finding], *, path: str = "") -> None:
        self.path = path
        self.details: tuple[Finding, ...] = tuple(details)
        errors = sum(1 for f in self.details if f.severity == "error")
        super().__init__(
            N_(
                "The information package at %(path)s failed validation with %(errors)d error(s); fix the "
                "listed problems or ask the sender for a new package."
            ),
            path=path,
            errors=errors,
        )

    def as_dict(self) -> Mapping[str, object]:
        """Return a JSON-friendly view (message template, params, findings) for APIs and logs."""
        return {"message": self.message, "params": self.params, "details": [f.as_dict() for f in self.details]}
