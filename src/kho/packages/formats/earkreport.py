"""E-ARK validation results as data: BagIt's :class:`~kho.packages.formats.report.Finding`, in a report.

The findings are gathered in a :class:`PackageReport` (style rule 13).

Finding codes are E-ARK requirement IDs where a check maps to one (``CSIP1``, ``CSIP71``,
``CSIPSTR4``, ...) and ``KHO-...`` codes for Kho's own checks (XML safety, XSD validity, unsafe
paths, symlinks, unreferenced files). ``Finding.path`` is the package-relative path of the file the
finding is about (a METS file for attribute rules, the referenced file for fixity problems).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from kho.packages.formats.eark_errors import PackageValidationError
from kho.packages.formats.report import Finding, FindingList

__all__ = ["PackageReport"]


@dataclass(slots=True)
class PackageReport(FindingList):
    """Everything :func:`~kho.packages.formats.eark.validate_package` found.

    Attributes:
        path: The package root as given.
        findings: Every finding, in discovery order.
        package_id: Root ``mets/@OBJID`` when readable.
        package_type: Root ``metsHdr/@csip:OAISPACKAGETYPE`` when present.
        representations: Representation folder names found under ``representations/``.
        files_checked: Files whose size and checksum were verified.
        bytes_checked: Their total size.
        observed: Package paths whose observers (see ``validate_package``) saw the whole file.
    """

    error_class: ClassVar[Callable[..., Exception]] = PackageValidationError

    path: str
    findings: list[Finding] = field(default_factory=list)
    package_id: str | None = None
    package_type: str | None = None
    representations: tuple[str, ...] = ()
    files_checked: int = 0
    bytes_checked: int = 0
    observed: set[str] = field(default_factory=set)
