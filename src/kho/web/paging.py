"""Lists that stay fast at a million rows: whitelisted indexed sorts, LIMIT n+1 pages, bounded counts.

No page view runs ``COUNT(*)`` over a whole table: a page fetches one row more than it shows to know
whether there is a next page, and counts stop at :data:`COUNT_CAP` ("more than 1 000").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

T = TypeVar("T", bound=Model)

PAGE_SIZE = 50
MAX_PAGE = 2000  # beyond this, narrow the list with filters or use search
COUNT_CAP = 1000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its rows and whether pages exist before and after it."""

    items: list[T]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 1

    @property
    def start(self) -> int:
        """1-based position of the first row shown (0 on an empty page)."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end(self) -> int:
        """1-based position of the last row shown."""
        return (self.number - 1) * self.size + len(self.items)

    @property
    def next_number(self) -> int:
        """The next page's number."""
        return self.number + 1

    @property
    def previous_number(self) -> int:
        """The previous page's number."""
        return max(1, self.number - 1)


def page_number(value: str | None) -> int:
    """The page asked for in the query string, within 1..MAX_PAGE (1 for anything else)."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(qs: QuerySet[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Rows ``(number-1)*size`` to ``number*size`` of an ordered queryset, plus one to detect a next page."""
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    return Page(items=rows[:size], number=number, size=size, has_next=len(rows) > size)


@dataclass(frozen=True, slots=True)
class BoundedCount:
    """A count that stopped at a cap: ``value`` and whether there were more."""

    value: int
    capped: bool


def bounded_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> BoundedCount:
    """Count at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap+1)``)."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return BoundedCount(min(n, cap), n > cap)


def sort_by(
    qs: QuerySet[T], wanted: str | None, options: Mapping[str, Sequence[str]], default: str
) -> tuple[QuerySet[T], str]:
    """Order ``qs`` by a whitelisted sort key (an indexed column plus the primary key as tie-break)."""
    key = wanted if wanted is not None and wanted in options else default
    return qs.order_by(*options[key], "pk"), key
