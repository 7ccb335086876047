"""Dashboard figures per agency (rolled up over its subtree), from the user's policy-filtered querysets.

Every figure is one aggregate query over indexed columns; a dashboard is cached for a few minutes per
user and agency, keyed also by the audit chain head, which moves with every ingest and verification, so
a change shows at once while repeated views cost nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from kho.access.levels import Action
from kho.access.selectors import agencies_for, documents_for, records_for
from kho.agencies.models import Agency
from kho.audit.models import ChainHead
from kho.records.choices import DigitizationStatus, VerificationStatus
from kho.web.queries import agency_subtree_ids

DAYS = 30
CACHE_SECONDS = 300
MAX_ROWS = 60
DONE = [DigitizationStatus.DIGITIZED, DigitizationStatus.VERIFIED]
NOT_DONE = [DigitizationStatus.NOT_STARTED, DigitizationStatus.IN_PROGRESS]


@dataclass(frozen=True, slots=True)
class Rollup:
    """Record counts of an agency and everything below it, and its nearest end-of-operation date."""

    agency: Agency
    records: int
    digitized: int
    verified: int
    deadline: dt.date | None
    days_left: int | None

    @property
    def percent(self) -> int:
        """Share of records digitized, in whole percent."""
        return round(100 * self.digitized / self.records) if self.records else 0


@dataclass(frozen=True, slots=True)
class AgencyStats:
    """The dashboard of one agency."""

    rollup: Rollup
    documents: int
    documents_verified: int
    documents_review: int
    pages_per_day: list[tuple[dt.date, int]]
    remaining_sheets: int
    children: list[Rollup] = field(default_factory=list)

    @property
    def pages_30_days(self) -> int:
        """Pages digitized over the last 30 days."""
        return sum(pages for _day, pages in self.pages_per_day)

    @property
    def pace(self) -> float:
        """Average pages per day over the last 30 days."""
        return self.pages_30_days / DAYS

    @property
    def needed_pace(self) -> float | None:
        """Sheets per day still needed to finish before the deadline (None without one)."""
        days = self.rollup.days_left
        if days is None:
            return None
        return float(self.remaining_sheets) if days <= 0 else self.remaining_sheets / days


def _deadline(user: Any, agency: Agency, subtree: list[int], today: dt.date) -> dt.date | None:
    """The agency's own end date, else the nearest future end date among the visible agencies below it."""
    if agency.valid_to:
        return agency.valid_to
    upcoming = agencies_for(user, Action.VIEW).filter(pk__in=subtree, valid_to__gte=today).order_by("valid_to")
    return upcoming.values_list("valid_to", flat=True).first()


def rollup(user: Any, agency: Agency, today: dt.date | None = None) -> Rollup:
    """Record counts over ``agency``'s subtree, as far as ``user`` may see."""
    today = today or timezone.localdate()
    subtree = agency_subtree_ids(agency.pk)
    counts = (
        records_for(user, Action.VIEW)
        .filter(fonds__agency_id__in=subtree)
        .aggregate(
            total=Count("pk"),
            digitized=Count("pk", filter=Q(digitization_status__in=DONE)),
            verified=Count("pk", filter=Q(digitization_status=DigitizationStatus.VERIFIED)),
        )
    )
    deadline = _deadline(user, agency, subtree, today)
    return Rollup(
        agency=agency,
        records=counts["total"],
        digitized=counts["digitized"],
        verified=counts["verified"],
        deadline=deadline,
        days_left=(deadline - today).days if deadline else None,
    )


def _pages_per_day(user: Any, subtree: list[int], today: dt.date) -> list[tuple[dt.date, int]]:
    """Pages of documents stored on each of the last 30 days: one scan, one conditional sum per day.

    Day boundaries are computed here in local time, so the database compares plain timestamps instead
    of converting every row's time zone (a Python function per row on SQLite).
    """
    days = [today - dt.timedelta(days=DAYS - 1 - n) for n in range(DAYS)]
    edges = [
        timezone.make_aware(dt.datetime.combine(day, dt.time.min)) for day in (*days, today + dt.timedelta(days=1))
    ]
    sums = {
        f"d{n}": Sum("number_of_page", filter=Q(created_at__gte=edges[n], created_at__lt=edges[n + 1]))
        for n in range(DAYS)
    }
    totals = (
        documents_for(user, Action.VIEW)
        .filter(record__fonds__agency_id__in=subtree, created_at__gte=edges[0], created_at__lt=edges[-1])
        .aggregate(**sums)
    )
    return [(day, int(totals[f"d{n}"] or 0)) for n, day in enumerate(days)]


def agency_stats(user: Any, agency: Agency) -> AgencyStats:
    """Everything the dashboard shows for ``agency`` (cached; see the module docstring)."""
    head = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    key = f"kho:web:dashboard:{user.pk}:{agency.pk}:{head}:{timezone.localdate().isoformat()}"
    found = cache.get(key)
    if isinstance(found, AgencyStats):
        return found
    stats = _compute(user, agency)
    cache.set(key, stats, CACHE_SECONDS)
    return stats


def _compute(user: Any, agency: Agency) -> AgencyStats:
    today = timezone.localdate()
    subtree = agency_subtree_ids(agency.pk)
    docs = (
        documents_for(user, Action.VIEW)
        .filter(record__fonds__agency_id__in=subtree)
        .aggregate(
            total=Count("pk"),
            verified=Count("pk", filter=Q(verification_status=VerificationStatus.VERIFIED)),
            review=Count("pk", filter=Q(verification_status=VerificationStatus.NEEDS_REVIEW)),
        )
    )
    remaining = (
        records_for(user, Action.VIEW)
        .filter(fonds__agency_id__in=subtree, digitization_status__in=NOT_DONE)
        .aggregate(sheets=Sum("number_of_paper"))["sheets"]
    )
    children = agencies_for(user, Action.VIEW).filter(parent=agency).order_by("code")[:MAX_ROWS]
    return AgencyStats(
        rollup=rollup(user, agency, today),
        documents=docs["total"],
        documents_verified=docs["verified"],
        documents_review=docs["review"],
        pages_per_day=_pages_per_day(user, subtree, today),
        remaining_sheets=int(remaining or 0),
        children=[rollup(user, child, today) for child in children],
    )


def top_agencies(user: Any) -> list[Agency]:
    """The visible agencies whose parent is not visible: provinces, or the top of a narrower scope."""
    visible = agencies_for(user, Action.VIEW)
    return list(visible.exclude(parent_id__in=visible.values("pk")).order_by("code")[:MAX_ROWS])
