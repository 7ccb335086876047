"""E-ARK validation results as data: BagIt's :class:`~kho.packages.formats.report.Finding`, in a report.

The findings are gathered in a :class:`PackageReport` (style rule 13).

Finding codes are E-ARK requirement IDs where a check maps to one (``CSIP1``, ``CSIP71``,
``CSIPSTR4``, ...) and ``KHO-...`` codes for Kho's own checks (XML safety, XSD validity, unsafe
paths, symlinks, unreferenced files). ``Finding.path`` is the package-relative path of the file the
finding is about (a METS file for attribute rules, the referenced file for fixity problems).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kho.packages.formats.eark_errors import PackageValidationError
from kho.packages.formats.report import Finding, Severity

__all__ = ["PackageReport"]


@dataclass(slots=True)
class PackageReport:
    """Everything :func:`~kho.packages.formats.eark.validate_package` found.

    Attributes:
        path: The package root as given.
        findings: Every finding, in discovery order.
        package_id: Root ``mets/@OBJID`` when readable.
        package_type: Root ``metsHdr/@csip:OAISPACKAGETYPE`` when present.
        representations: Representation folder names found under ``representations/``.
        files_checked: Files whose size and checksum were verified.
        bytes_checked: Their total size.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    package_id: str | None = None
    package_type: str | None = None
    representations: tuple[str, ...] = ()
    files_checked: int = 0
    bytes_checked: int = 0

    def add(self, severity: Severity, code: str, path: str | None, message: str, **params: str | int) -> None:
        """Append a finding; ``path`` is also offered to the template as ``%(path)s``."""
        if path is not None:
            params.setdefault("path", path)
        self.findings.append(Finding(severity, code, path, message, params))

    def error(self, code: str, path: str | None, message: str, **params: str | int) -> None:
        """Append an error finding."""
        self.add(Severity.ERROR, code, path, message, **params)

    def warning(self, code: str, path: str | None, message: str, **params: str | int) -> None:
        """Append a warning finding."""
        self.add(Severity.WARNING, code, path, message, **params)

    @property
    def errors(self) -> list[Finding]:
        """All error findings."""
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """All warning findings."""
        return [f for f in self.findings if f.severity == Severity.WARNING]

    @property
    def is_valid(self) -> bool:
        """True when there is no error finding (warnings do not make a package invalid)."""
        return not any(f.severity == Severity.ERROR for f in self.findings)

    def codes(self, severity: Severity | None = None) -> set[str]:
        """Return the set of finding codes, optionally only those of one severity."""
        return {f.code for f in self.findings if severity is None or f.severity == severity}

    def raise_if_invalid(self) -> None:
        """Raise :class:`PackageValidationError` with every finding as ``details`` if any error was found.

        Raises:
            PackageValidationError: The package has at least one error finding.
        """
        if not self.is_valid:
            raise PackageValidationError(details=self.findings, path=self.path)
