"""What both built-in backends share: filters, the ``base`` seam, facets, paging, snippets and rebuild.

A backend supplies the rows that match (a queryset of an index model whose primary key ``document``
points at ``records.Document``), a relevance score and an exact-accent flag as SQL expressions; this
module composes them with the caller's ``base`` and the filters into SQL with the ORM, so that nothing
is ever filtered in Python.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Expression, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import ExtractYear

from kho.records.models import Document
from kho.search.backends.base import SearchFacets, SearchHit, SearchPage, SearchQuery
from kho.search.documents import IndexEntry, load_entries
from kho.search.models import DocumentIndex
from kho.search.snippets import highlight
from kho.search.terms import ParsedQuery, parse_query

BATCH = 500
# Wraps the ORM's own SQL for the capped matches (compiled with bound parameters).
GROUPED_SQL = "SELECT type_key, issued_year, COUNT(*) FROM ({capped}) capped GROUP BY type_key, issued_year"


@dataclass(frozen=True, slots=True)
class Counted:
    """What :meth:`OrmSearchBackend.counted` found.

    Attributes:
        groups: ``(type_code, year, count)`` rows over at most ``count_limit + 1`` matches.
        newest: when the backend listed them in the same query, the ids of the asked page of those
            matches, most recently added first (used when the search is not ranked and the count exact).
    """

    groups: list[tuple[Any, ...]]
    newest: list[int] | None = None


def filters_q(query: SearchQuery, path: str = "document__") -> Q:
    """The filters of ``query`` as one ``Q``: over an index model, or over ``Document`` with ``path=""``."""
    conditions: list[tuple[str, Any]] = []
    if query.agency_ids:
        conditions.append(("record__fonds__agency_id__in", query.agency_ids))
    if query.fonds_ids:
        conditions.append(("record__fonds_id__in", query.fonds_ids))
    if query.type_codes:
        conditions.append(("type_code__in", query.type_codes))
    if query.year_from is not None:
        conditions.append(("issued_date__gte", date(query.year_from, 1, 1)))
    if query.year_to is not None:
        conditions.append(("issued_date__lte", date(query.year_to, 12, 31)))
    if query.max_secrecy is not None:
        conditions += [("secrecy_level__lte", query.max_secrecy), ("record__secrecy_level__lte", query.max_secrecy)]
    if query.secrecy_levels:
        conditions.append(("secrecy_level__in", query.secrecy_levels))
    if query.digitization_status:
        conditions.append(("record__digitization_status", query.digitization_status))
    return Q(*((path + lookup, value) for lookup, value in conditions))


def narrowing_q(query: SearchQuery) -> Q:
    """Year, type and fonds filters on ``DocumentIndex``'s own copies (indexed, no join needed)."""
    q = Q()
    if query.type_codes:
        q &= Q(type_code__in=query.type_codes)
    if query.year_from is not None:
        q &= Q(year__gte=query.year_from)
    if query.year_to is not None:
        q &= Q(year__lte=query.year_to)
    if query.fonds_ids:
        q &= Q(fonds_id__in=query.fonds_ids)
    return q


def within(rows: QuerySet[Any], query: SearchQuery, base: QuerySet[Document]) -> QuerySet[Any]:
    """Keep the index rows whose document is in ``base`` and passes the filters: one SQL query.

    ``base`` is checked per matching row by a correlated scalar subquery (``(SELECT id FROM base WHERE
    id = row LIMIT 1) IS NOT NULL``). Unlike ``IN``/``EXISTS``, PostgreSQL cannot turn it into a
    semi-join that hashes all of ``base`` (hundreds of thousands of ids) on every search. A ``base``
    without conditions (every document) needs no check: the join to ``records_document`` already
    drops rows whose document is gone.
    """
    if not unrestricted(base):
        # order_by(): Document's default ordering would sort (and join records) once per matching row.
        allowed = Subquery(base.filter(pk=OuterRef("document_id")).order_by().values("pk")[:1])
        rows = rows.alias(allowed_id=allowed).filter(allowed_id__isnull=False)
    # Filtering on a column of records_document keeps the join even when no filter needs it.
    return rows.filter(document__record__isnull=False).filter(filters_q(query))


def within_per_row(rows: QuerySet[Any], query: SearchQuery, base: QuerySet[Document]) -> QuerySet[Any]:
    """Like :func:`within`, but ``base`` and the filters are one correlated subquery per matching row.

    No join to ``records_document``: the database looks each matching document up by its key (a search
    stops after ``count_limit + 1`` matches or one page), instead of hashing every document that passes
    the filters (PostgreSQL at 1M documents: 100,000 rows for a 5-year range, 200-300 ms). A document
    that no longer exists is not found by its subquery, so its entry is dropped as by the join.
    """
    allowed = Subquery(allowed_documents(query, base).values("pk")[:1])
    checked: QuerySet[Any] = rows.alias(allowed_id=allowed).filter(allowed_id__isnull=False)
    return checked


def allowed_documents(query: SearchQuery, base: QuerySet[Document]) -> QuerySet[Document]:
    """The document of the outer index row, if it is in ``base`` and passes the filters (unsorted)."""
    return base.filter(pk=OuterRef("document_id")).filter(filters_q(query, path="")).order_by()


def unrestricted(base: QuerySet[Document]) -> bool:
    """True when ``base`` is every document (no condition, slice or set operation)."""
    query = base.query
    return not query.where and not query.is_sliced and query.combinator is None and base.model is Document


class OrmSearchBackend(ABC):
    """Search, index and rebuild on top of a backend's match/score SQL (the built-ins subclass this)."""

    vendor = ""
    #: Above this many matches, hits are listed most recently added first instead of ranked: ranking
    #: costs time per match (bm25 about 4 µs a row at 1M documents, plus the base check), and words
    #: found in that many documents say little about relevance. Raise it for better ordering of broad
    #: searches at the cost of latency (bench/search.py: 5,000 gives p95 120 ms instead of 75 ms at 1M).
    rank_limit = 2_500
    #: Totals and facets are exact up to this many matches; above it the total is this lower bound.
    count_limit = 10_000
    #: Check ``base`` and the filters with :func:`within_per_row` instead of :func:`within`.
    per_row = False

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using

    # --- what a vendor provides -------------------------------------------------------------------
    @abstractmethod
    def matching(self, parsed: ParsedQuery, query: SearchQuery) -> QuerySet[Any]:
        """Index rows matching ``parsed`` (not empty), with a ``document`` key.

        A backend may also narrow by copies of the filters (``query``) here; ``within`` applies the
        filters to ``records_document`` afterwards in any case.
        """

    @abstractmethod
    def score(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """Relevance of a matching row: higher is better."""

    @abstractmethod
    def exact(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """1 (or true) when the row holds every ``parsed.exact`` word with its marks, else 0."""

    @abstractmethod
    def has_word(self, term: str) -> bool:
        """Whether a folded ``term`` occurs as a whole word in any indexed document."""

    @abstractmethod
    def write_entries(self, entries: Sequence[IndexEntry], stale_ids: Iterable[int] = ()) -> None:
        """Replace the entries of these documents and delete those of ``stale_ids``, in one transaction."""

    @abstractmethod
    def clear(self) -> None:
        """Empty every index table."""

    def year_of(self, field: str = "document__issued_date") -> Expression:
        """The year of ``document.issued_date`` as SQL (SQLite overrides this to avoid a Python function)."""
        return ExtractYear(field)

    def within(self, rows: QuerySet[Any], query: SearchQuery, base: QuerySet[Document]) -> QuerySet[Any]:
        """:func:`within_per_row` or :func:`within`, as :attr:`per_row` says."""
        return (within_per_row if self.per_row else within)(rows, query, base)

    # --- the SearchBackend protocol ----------------------------------------------------------------
    def index(self, document_ids: Iterable[int]) -> int:
        """See :class:`~kho.search.backends.base.SearchBackend`."""
        ids, count = sorted({int(pk) for pk in document_ids}), 0
        for start in range(0, len(ids), BATCH):
            entries, missing = load_entries(ids[start : start + BATCH])
            self.write_entries(entries, missing)
            count += len(entries)
        return count

    def remove(self, document_ids: Iterable[int]) -> int:
        """See :class:`~kho.search.backends.base.SearchBackend`."""
        ids = sorted({int(pk) for pk in document_ids})
        removed = DocumentIndex.objects.using(self.using).filter(document_id__in=ids).count()
        for start in range(0, len(ids), BATCH):
            self.write_entries((), ids[start : start + BATCH])
        return removed

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """See :class:`~kho.search.backends.base.SearchBackend`."""
        with transaction.atomic(using=self.using):
            self.clear()
        count, last = 0, 0
        documents = Document.objects.using(self.using).order_by("pk")
        while ids := list(documents.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH]):
            count += self.index(ids)
            last = ids[-1]
            if progress is not None:
                progress(len(ids))
        return count

    def search(self, query: SearchQuery, base: QuerySet[Document]) -> SearchPage:
        """See :class:`~kho.search.backends.base.SearchBackend`."""
        started = time.perf_counter()
        parsed = parse_query(query.text, query.number_symbol)
        if parsed.prefix_term and self.has_visible_word(parsed.prefix_term, base):
            # A whole word of the index is taken as typed: expanding it would only add noise ("do*"
            # matching "độc", "đồng"…) and cost.
            parsed = replace(parsed, prefix=False)
        if parsed.is_empty:
            matched = DocumentIndex.objects.using(self.using).filter(narrowing_q(query))
        else:
            matched = self.matching(parsed, query)
        rows = self.within(matched, query, base)
        counted = self.counted(matched, query, base)
        facets, total, exact_total = self.facets(counted)
        ranked = not parsed.is_empty and exact_total and total <= self.rank_limit
        found: list[tuple[int, float]] = []
        if exact_total and not ranked and counted.newest is not None:
            found = [(pk, 0.0) for pk in counted.newest]
        elif query.offset < total or not exact_total:
            found = self.page(rows, parsed, query, ranked=ranked, exact_total=exact_total)
        snippets = self.snippets([pk for pk, _score in found], parsed)
        hits = tuple(SearchHit(pk, float(score or 0.0), snippets.get(pk, "")) for pk, score in found)
        took_ms = (time.perf_counter() - started) * 1000
        return SearchPage(query, hits, total, facets, took_ms, ranked=ranked, total_exact=exact_total)

    def has_visible_word(self, term: str, base: QuerySet[Document]) -> bool:
        """Whether ``term`` is a whole word of a document in ``base``.

        Only the caller's documents count: a word found only in documents the user may not see would
        otherwise change which documents the user finds (issue #6). ``has_word`` (one index lookup)
        answers first; the check against ``base`` runs only for words of the index.
        """
        if not self.has_word(term):
            return False
        whole = ParsedQuery(groups=((term,),))
        return self.within(self.matching(whole, SearchQuery()), SearchQuery(), base).exists()

    def ordered(self, rows: QuerySet[Any], parsed: ParsedQuery, query: SearchQuery, *, ranked: bool) -> QuerySet[Any]:
        """Exact-accent matches first, then relevance; or, unranked, most recently added first (score 0).

        Unranked pages follow the index's own order (document id, descending), so the database stops
        after one page instead of sorting every match.
        """
        result: QuerySet[Any]
        if not ranked:
            result = rows.annotate(score=Value(0.0, output_field=FloatField())).order_by("-document_id")
        else:
            scored = rows.annotate(score=self.score(parsed, query), exact=self.exact(parsed, query))
            result = scored.order_by("-exact", "-score", "document_id")
        return result

    def page(
        self, rows: QuerySet[Any], parsed: ParsedQuery, query: SearchQuery, *, ranked: bool, exact_total: bool
    ) -> list[tuple[int, float]]:
        """The ``(document id, score)`` of the asked page, in :meth:`ordered` order.

        ``exact_total`` is False when more than ``count_limit`` documents match (a backend may plan for that).
        """
        page = self.ordered(rows, parsed, query, ranked=ranked).values_list("document_id", "score")
        return list(page[query.offset : query.offset + query.page_size])

    # --- helpers --------------------------------------------------------------------------------------
    def facets(self, counted: Counted) -> tuple[SearchFacets, int, bool]:
        """Counts by type and by year, the total, and whether they are exact.

        The counts cover at most ``count_limit + 1`` matches: past that the total is given as
        ``count_limit`` (a lower bound) and the facets are left empty rather than counted in part.
        """
        total = sum(n for _type, _year, n in counted.groups)
        if total > self.count_limit:
            return SearchFacets(), self.count_limit, False
        by_type: dict[str, int] = {}
        by_year: dict[int, int] = {}
        for type_code, year, n in counted.groups:
            by_type[type_code] = by_type.get(type_code, 0) + n
            if year is not None:
                by_year[int(year)] = by_year.get(int(year), 0) + n
        facets = SearchFacets(by_type=dict(sorted(by_type.items())), by_year=dict(sorted(by_year.items())))
        return facets, total, True

    def counted(self, matched: QuerySet[Any], query: SearchQuery, base: QuerySet[Document]) -> Counted:
        """The first ``count_limit + 1`` matches in ``base`` passing the filters, by type and year: one GROUP BY.

        Type and year come from ``records_document`` (authoritative; the index's copies may be out of
        date until the document is indexed again), through the join that :func:`within` adds.
        """
        rows = self.within(matched, query, base).order_by()
        keys = {"type_key": F("document__type_code"), "issued_year": self.year_of()}
        capped = rows.annotate(**keys).values("type_key", "issued_year")[: self.count_limit + 1]
        try:
            sql, params = capped.query.sql_with_params()
        except EmptyResultSet:  # e.g. base is Document.objects.none()
            return Counted([])
        with connections[self.using].cursor() as cursor:
            cursor.execute(GROUPED_SQL.format(capped=sql), params)
            return Counted(cursor.fetchall())

    def snippets(self, document_ids: list[int], parsed: ParsedQuery) -> dict[int, str]:
        """An HTML snippet per document, from the first of its fields where the words occur."""
        if not document_ids:
            return {}
        rows = DocumentIndex.objects.using(self.using).filter(document_id__in=document_ids)
        return {row.document_id: snippet_of(row, parsed) for row in rows}


def snippet_of(row: DocumentIndex, parsed: ParsedQuery) -> str:
    """The snippet of the first field of ``row`` where the words occur, else of its first non-empty field.

    Fields in order: text, subject, organ/signer/record title, type, number. A classified document's
    row only holds its type and number.
    """
    fields = (row.body, row.subject, f"{row.organ_name} {row.signer} {row.record_title}", row.type_name)
    fallback = ""
    for text in (*fields, row.number_symbol):
        if not text.strip():
            continue
        snippet, matched = highlight(text, parsed.terms, parsed.prefix_term)
        if matched:
            return snippet
        fallback = fallback or snippet
    return fallback
