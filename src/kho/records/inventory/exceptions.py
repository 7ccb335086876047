"""Errors of inventory import and export (style.md rule 12): each maps to a ``kho`` exit code.

Import problems are gathered for the whole file and raised once, with one "dòng N, cột X: lý do" line
per problem in ``details`` (rule 13).
"""

from __future__ import annotations

from typing import Any

from kho.core.exceptions import BadInputError, ConflictError, NotFoundError
from kho.core.text import N_

__all__ = [
    "FondsNotFoundError",
    "ImportConflictError",
    "ImportProblemsError",
    "SpreadsheetError",
    "SpreadsheetNotFoundError",
]


class SpreadsheetError(BadInputError):
    """The file cannot be read as a table (not XLSX/CSV, corrupt, empty, no header, missing columns): fix it.

    Exit code 2.
    """

    code = "bad_spreadsheet"
    template = N_("The file cannot be read as a spreadsheet.")


class SpreadsheetNotFoundError(NotFoundError):
    """The file named on the command line does not exist: check the path. Exit code 3."""

    code = "file_not_found"
    template = N_("The file does not exist.")


class _ProblemsMixin:
    """``details`` holds one "dòng N, cột X: lý do" line per problem; ``problems`` the same as dicts."""

    problems: list[dict[str, Any]]


class ImportProblemsError(_ProblemsMixin, BadInputError):
    """Rows of the file are invalid; ``details`` lists every problem. Nothing was written. Exit code 2."""

    code = "import_problems"
    template = N_("The file has problems; nothing was imported.")

    def __init__(self, template: str | None = None, /, *, problems: list[dict[str, Any]], **params: Any) -> None:
        super().__init__(template, **params)
        self.problems = problems


class ImportConflictError(_ProblemsMixin, ConflictError):
    """Every problem is a conflict with what is stored (a code already stored, a closed fonds).

    Typically the file was already imported. ``details`` lists them; nothing was written. Exit code 4.
    """

    code = "import_conflict"
    template = N_("The file conflicts with stored data; nothing was imported.")

    def __init__(self, template: str | None = None, /, *, problems: list[dict[str, Any]], **params: Any) -> None:
        super().__init__(template, **params)
        self.problems = problems


class FondsNotFoundError(NotFoundError):
    """No fonds has the code given to ``kho export``: check the code. Exit code 3."""

    code = "fonds_not_found"
    template = N_("No fonds has this code.")
