"""Validation results as data: one :class:`Finding` per problem, gathered in a :class:`BagReport`.

Style rule 13: validators collect every problem and raise once (``BagReport.raise_if_invalid``).
Messages are English templates with ``%(name)s`` placeholders marked with ``N_()``; the interface
layer translates ``finding.message`` and then fills in ``finding.params``.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from kho.packages.formats import spill
from kho.packages.formats.exceptions import BagValidationError

__all__ = ["BagReport", "Finding", "Severity"]


class Severity(StrEnum):
    """How bad a finding is: an ``error`` makes the bag invalid, a ``warning`` does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a package.

    Attributes:
        severity: ``"error"`` or ``"warning"`` (a :class:`Severity`, which compares equal to the str).
        code: Stable machine code such as ``payload.checksum_mismatch``; tests and UIs match on it.
        path: Path inside the bag the finding is about (manifest-relative, decoded), or None.
        message: English template wrapped in ``N_()`` with named placeholders.
        params: Values for the placeholders (always includes ``path`` when path is set).
    """

    severity: Severity
    code: str
    path: str | None
    message: str
    params: dict[str, str | int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Accept the plain strings "error"/"warning" too; store the enum.
        object.__setattr__(self, "severity", Severity(self.severity))

    def render(self) -> str:
        """Return the untranslated message with its placeholders filled in."""
        try:
            return self.message % self.params
        except (KeyError, TypeError, ValueError):
            return self.message

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict of this finding."""
        return {
            "severity": str(self.severity),
            "code": self.code,
            "path": self.path,
            "message": self.message,
            "params": dict(self.params),
        }


class FindingList:
    """What every validation report can do with its ``findings`` (BagIt and E-ARK reports share it).

    Subclasses are dataclasses with ``path`` and ``findings`` fields and set ``error_class``.
    """

    __slots__ = ()
    path: str
    findings: list[Finding]
    error_class: ClassVar[Callable[..., Exception]] = BagValidationError

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
        """Raise ``error_class`` with every finding as ``details`` if any error was found."""
        if not self.is_valid:
            raise self.error_class(details=self.findings, path=self.path)


@dataclass(slots=True)
class BagReport(FindingList):
    """Everything a validation run found, plus a few facts about the bag.

    Attributes:
        path: The bag directory as given.
        findings: Every finding in discovery order.
        version: ``BagIt-Version`` as declared, or None when bagit.txt is unusable.
        encoding: Python codec name used for tag files.
        algorithms: Payload manifest algorithms found (sorted).
        payload_files: Regular files found under ``data/``.
        payload_bytes: Their total size in bytes.
        fetch_pending: fetch.txt entries not yet present (a "holey" bag).
        info: bag-info.txt metadata as (label, value) pairs, in file order.
        digests: The digests computed while checking fixity, by bag-relative path and algorithm (only
            files whose every listed digest matched), so later checks need not read the files again. A
            :class:`~kho.packages.formats.spill.SpillMap` (one entry per file: it moves to disk past a few
            thousand); :meth:`close` drops it.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    version: str | None = None
    encoding: str = "utf-8"
    algorithms: tuple[str, ...] = ()
    payload_files: int = 0
    payload_bytes: int = 0
    fetch_pending: int = 0
    info: list[tuple[str, str]] = field(default_factory=list)
    digests: MutableMapping[str, dict[str, str]] = field(default_factory=spill.SpillMap, repr=False)

    def close(self) -> None:
        """Drop :attr:`digests` (and its disk part) once no later check needs them."""
        if isinstance(self.digests, spill.SpillMap):
            self.digests.close()
