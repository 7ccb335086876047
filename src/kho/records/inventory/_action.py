"""The shape shared by the import actions: ``problems()`` → ``check()`` → ``execute()`` (style.md rules 2, 13).

``execute()`` re-checks inside one ``transaction.atomic()``, so on SQLite (IMMEDIATE transactions) the check
and the write see the same database; a unique-key race on PostgreSQL becomes a ``ConflictError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.exceptions import ConflictError
from kho.records.inventory.exceptions import ImportConflictError, ImportProblemsError, SpreadsheetError
from kho.records.inventory.reader import Table
from kho.records.inventory.rowparse import Problem, RowParser

__all__ = ["ImportAction", "ImportResult", "Progress", "chunks"]

Progress = Callable[[int], None]
LOOKUP_CHUNK = 5000


@dataclass(slots=True)
class ImportResult:
    """What an import wrote (or, for a dry run, would write)."""

    kind: str
    source: str
    sha256: str
    rows: int
    created: int
    fonds_created: list[str] = field(default_factory=list)
    dry_run: bool = False
    ignored_headers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "source": self.source,
            "sha256": self.sha256,
            "rows": self.rows,
            "created": self.created,
            "fonds_created": self.fonds_created,
            "dry_run": self.dry_run,
            "ignored_columns": self.ignored_headers,
        }


def chunks(items: Iterable[str], size: int = LOOKUP_CHUNK) -> Iterator[list[str]]:
    values = sorted(set(items) - {""})
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _raise_problems(problems: list[Problem]) -> None:
    details = [str(problem) for problem in problems]
    as_dicts = [problem.as_dict() for problem in problems]
    if all(problem.conflict for problem in problems):
        raise ImportConflictError(
            _("Có %(count)s xung đột với dữ liệu đã lưu (có thể tệp đã được nhập rồi); chưa ghi gì vào kho."),
            details=details,
            problems=as_dicts,
            count=len(problems),
        )
    raise ImportProblemsError(
        _("Tệp có %(count)s lỗi; chưa ghi gì vào kho. Sửa các dòng dưới đây rồi nhập lại."),
        details=details,
        problems=as_dicts,
        count=len(problems),
    )


class ImportAction:
    """Shared shape: ``problems()`` → ``check()`` → ``execute()``.

    Subclasses set ``kind`` and ``event_type`` and implement ``_prepare`` (bulk lookups), ``_check_row`` (one
    row; problems go to the parser) and ``_write`` (bulk inserts; runs only when there is no problem).
    """

    kind: ClassVar[str]
    event_type: ClassVar[EventType]

    def __init__(self, table: Table, agent: str = log.SYSTEM_AGENT) -> None:
        self.table = table
        self.agent = agent
        self._problems: list[Problem] | None = None
        self._pending: list[dict[str, Any]] = []

    def problems(self, progress: Progress | None = None) -> list[Problem]:
        """Every problem of every row, in row order (computed once)."""
        if self._problems is None:
            sink: list[Problem] = []
            self._pending = []
            self._prepare()
            for row in self.table.rows:
                self._check_row(RowParser(self.table, row, sink))
                if progress:
                    progress(1)
            self._problems = sink
        return self._problems

    def is_valid(self) -> bool:
        """True when the file can be imported as it is."""
        return not self.problems()

    def check(self, progress: Progress | None = None) -> ImportResult:
        """Validate the whole file; return what ``execute()`` would write.

        Raises:
            SpreadsheetError: the file has no data rows.
            ImportProblemsError: at least one row is invalid (every problem is in ``details``).
            ImportConflictError: every problem is a clash with stored data.
        """
        if not self.table.rows:
            raise SpreadsheetError(
                _("Tệp %(name)s không có dòng dữ liệu nào dưới dòng tiêu đề %(row)s."),
                name=self.table.source,
                row=self.table.header_row,
            )
        problems = self.problems(progress)
        if problems:
            _raise_problems(problems)
        return self._result(len(self._pending), dry_run=True, fonds=self._fonds_to_create())

    def execute(self, progress: Progress | None = None) -> ImportResult:
        """Check again under the write transaction, then write every row and one event, or nothing."""
        try:
            with transaction.atomic():
                self._problems = None
                self.check(progress)
                result = self._write()
                log.append(
                    self.event_type,
                    agent=self.agent,
                    object_type=f"{self.kind}-import",
                    object_id=self.table.source,
                    detail=f"imported {result.created} {self.kind}",
                    data={
                        "source": result.source,
                        "sha256": result.sha256,
                        "rows": result.rows,
                        "created": result.created,
                        "fonds_created": result.fonds_created,
                    },
                )
        except IntegrityError as error:
            raise ConflictError(
                _(
                    "Một thao tác khác vừa ghi cùng mã trong lúc nhập; chưa ghi gì vào kho. "
                    "Chạy lại lệnh để xem dòng nào trùng."
                )
            ) from error
        return result

    def _result(self, created: int, *, dry_run: bool, fonds: list[str] | None = None) -> ImportResult:
        return ImportResult(
            self.kind,
            self.table.source,
            self.table.sha256,
            len(self.table.rows),
            created,
            fonds or [],
            dry_run,
            list(self.table.ignored_headers),
        )

    def _fonds_to_create(self) -> list[str]:
        return []

    def _prepare(self) -> None:
        raise NotImplementedError

    def _check_row(self, p: RowParser) -> None:
        raise NotImplementedError

    def _write(self) -> ImportResult:
        raise NotImplementedError
