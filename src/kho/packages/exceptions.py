"""Errors of package transfer (style.md rule 12): each maps to a ``kho`` exit code and an HTTP status.

A rejected package raises :class:`PackageRejectedError` once, with every finding in ``details`` (rule 13);
``findings`` keeps them as :class:`~kho.packages.formats.Finding` data for ``--json`` and the receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kho.core.exceptions import (
    BadInputError,
    ConflictError,
    EnvironmentProblemError,
    NotFoundError,
    ProblemsFoundError,
)
from kho.core.text import N_
from kho.packages.formats import Finding

__all__ = [
    "ExportFailedError",
    "OutputNotEmptyError",
    "PackageConflictError",
    "PackageNotFoundError",
    "PackageRejectedError",
    "SchemaDirMissingError",
    "SelectionNotFoundError",
    "ValidationFailedError",
]


def _lines(findings: Sequence[Finding]) -> list[str]:
    """One ``[code] path: message`` line per error finding (warnings are left to the report)."""
    return [f"[{f.code}] {f.render()}" for f in findings if f.severity == "error"]


class PackageRejectedError(ProblemsFoundError):
    """The package failed validation; ``details`` lists every problem and nothing was imported. Exit 1.

    Ask the sender for a new package (or fix the listed problems) and import again.
    """

    code = "package_rejected"
    template = N_("Gói %(package)s không hợp lệ (%(errors)d lỗi); không nhập gì vào kho.")

    def __init__(self, findings: Sequence[Finding], **params: Any) -> None:
        self.findings = list(findings)
        errors = sum(1 for f in self.findings if f.severity == "error")
        super().__init__(None, details=_lines(self.findings), errors=errors, **params)


class ValidationFailedError(ProblemsFoundError):
    """``kho validate`` found errors; ``details`` lists every one. Exit 1. Ask the sender for a new package."""

    code = "validation_failed"
    template = N_("%(path)s không hợp lệ: %(errors)d lỗi.")

    def __init__(self, findings: Sequence[Finding], **params: Any) -> None:
        self.findings = list(findings)
        errors = sum(1 for f in self.findings if f.severity == "error")
        super().__init__(None, details=_lines(self.findings), errors=errors, **params)


class PackageConflictError(ConflictError):
    """Every problem is a conflict with what this archive already holds (codes, another package). Exit 4.

    Usually the records were received before under another package; nothing was imported.
    """

    code = "package_conflict"
    template = N_("Gói %(package)s xung đột với dữ liệu đã có (%(errors)d vấn đề); không nhập gì vào kho.")

    def __init__(self, findings: Sequence[Finding], **params: Any) -> None:
        self.findings = list(findings)
        super().__init__(None, details=_lines(self.findings), errors=len(_lines(self.findings)), **params)


class PackageNotFoundError(NotFoundError):
    """The path given is not a folder: check it (a zipped package must be unpacked first). Exit 3."""

    code = "package_not_found"
    template = N_("Không có thư mục gói “%(path)s”.")


class SelectionNotFoundError(NotFoundError):
    """A fonds, record or receiver agency named for export does not exist (or is not visible). Exit 3."""

    code = "export_selection_not_found"
    template = N_("Không tìm thấy: %(missing)s.")


class OutputNotEmptyError(BadInputError):
    """The output folder of an export exists and is not empty: choose a new folder. Exit 2."""

    code = "output_not_empty"
    template = N_("Thư mục “%(path)s” đã có và không rỗng; hãy chọn thư mục mới.")


class ExportFailedError(BadInputError):
    """The package cannot be built from the stored data (bad code value, missing object); see details. Exit 2.

    Nothing usable was left at the output path; correct the listed data and export again.
    """

    code = "export_failed"
    template = N_("Không tạo được gói: %(reason)s")


class SchemaDirMissingError(EnvironmentProblemError):
    """``KHO_SCHEMA_DIR`` is unset or lacks the XSDs (METS, PREMIS, EAD, xlink): install them. Exit 5."""

    code = "schema_dir_missing"
    template = N_("Chưa cấu hình KHO_SCHEMA_DIR (thư mục XSD của METS, PREMIS, EAD) hoặc thiếu tệp: %(reason)s")
