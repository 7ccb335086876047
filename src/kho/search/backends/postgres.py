"""PostgreSQL backend: ``tsvector`` columns generated from ``f_unaccent`` text, with GIN indexes.

Migration ``search.0001`` creates, on PostgreSQL only: the ``unaccent`` extension, ``f_unaccent`` (an
IMMUTABLE wrapper, because ``unaccent`` is not and generated columns need it), the ``vi_unaccent`` text
search configuration, and on ``search_documentindex``:

- ``tsv``: ``to_tsvector('simple', f_unaccent(...))`` of symbol terms (weight A), type and subject (B),
  organ, signer and record title (C) and the text (D). PostgreSQL's parser reads ``12/QĐ-TTg`` as one
  token, so numbers are matched through the normalised ``symbol_terms`` (``12 qd ttg``), restricted to
  weight A for the number/symbol filter.
- ``tsv_exact``: ``to_tsvector('simple', ...)`` of the same words with their marks, used only to rank
  documents holding the words typed with marks first.

Migration ``search.0002`` indexes ``tsv`` together with the filter copies as tag lexemes
(``kho_search_tags(year, type_code, fonds_id)``: ``y2003 t02 f17``) in one multicolumn GIN index, so that
a year, type or fonds filter narrows the lookup of common syllables inside the index scan.

Queries are rendered from quoted alphanumeric terms (:mod:`kho.search.terms`) and passed as one bound
parameter to ``to_tsquery``, so user input can never become tsquery syntax.

Each matching row's document is checked against ``base`` and the filters by key (``per_row``, see
``_orm.within_per_row``); when counting, the same lookup returns its facet keys and the same pass lists an
unranked page (:data:`COUNTED`). Each search runs with the :data:`PLANNER` settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import BooleanField, Expression, F, FloatField, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear, JSONObject

from kho.records.models import Document
from kho.search.backends._orm import Counted, OrmSearchBackend, allowed_documents, narrowing_q
from kho.search.backends.base import SearchPage, SearchQuery
from kho.search.backends.sqlite import index_row
from kho.search.documents import IndexEntry
from kho.search.models import DocumentIndex
from kho.search.terms import ParsedQuery

__all__ = ["PostgresFtsBackend", "tsquery_exact", "tsquery_match"]

# Constant SQL; every value is a bound parameter.
MATCH = "search_documentindex.tsv @@ to_tsquery('vi_unaccent', %s)"
RANK = "ts_rank_cd(search_documentindex.tsv, to_tsquery('vi_unaccent', %s), 1)"  # 1: divide by 1 + log(length)
EXACT = "search_documentindex.tsv_exact @@ to_tsquery('simple', %s)"
# The filter copies as tag lexemes (migration search.0002): the expression of the multicolumn GIN index.
TAGS = (
    "kho_search_tags(search_documentindex.year, search_documentindex.type_code, search_documentindex.fonds_id)"
    " @@ %s::tsquery"
)
MAX_TAGS = 64  # wider year ranges or longer fonds lists are left to the B-tree indexes
HAS_WORD = "SELECT 1 FROM search_documentindex WHERE tsv @@ to_tsquery('vi_unaccent', %s) LIMIT 1"
CLEAR = "TRUNCATE search_documentindex"
# Counts, facets and the unranked page in one pass (see PostgresFtsBackend.counted). The CTEs are read
# lazily, only as far as the LIMIT needs, and keep the planner from inlining the per-row subquery twice
# (once to filter, once to group). The cast: with an empty ``base`` the ORM compiles the subquery to NULL.
COUNTED = (
    "WITH matched AS MATERIALIZED ({matched}), "
    "capped AS MATERIALIZED (SELECT document_id, facet FROM matched WHERE facet IS NOT NULL LIMIT %s) "
    "(SELECT 'facet', facet::jsonb->>'type', (facet::jsonb->>'year')::int, COUNT(*) FROM capped GROUP BY facet) "
    "UNION ALL (SELECT 'hit', NULL, NULL, document_id FROM capped ORDER BY document_id DESC OFFSET %s LIMIT %s)"
)
# Past count_limit matches, the unranked page reads the index backwards by document id and stops after
# one page (1M documents: at least 0.5 % of them match). The row estimates of common syllables are too low
# (1M documents: 30,000 for 131,000), so the planner would build the whole bitmap and sort it instead
# (1M: 530 ms instead of 29 ms).
MANY_MATCHES = ("SET LOCAL enable_bitmapscan = off", "SET LOCAL enable_bitmapscan TO DEFAULT")
# Planner settings for the search's own transaction (bench/search.py, EXPLAIN ANALYZE at 100k and 1M):
# - jit: the costs of tsvector matches at 100k+ documents pass jit_above_cost, and compiling the plan then
#   takes longer (up to 300 ms) than running it;
# - work_mem: a common word's GIN bitmap (500k documents at 1M) no longer fits in 4 MB and turns lossy,
#   and every row of a lossy page is then rechecked by reading its tsvector from TOAST (1M: 34,000 rows,
#   530 ms instead of 380 ms for the capped count).
PLANNER = ("SET LOCAL jit = off", "SET LOCAL work_mem = '32MB'")


def _lexeme(term: str, *, prefix: bool = False, weight: str = "") -> str:
    # Terms are runs of letters and digits only (terms.WORD), so they cannot close the quotes.
    labels = ("*" if prefix else "") + weight
    return f"'{term}'" + (f":{labels}" if labels else "")


def _phrase(terms: Sequence[str], *, prefix: bool = False, weight: str = "") -> str:
    last = len(terms) - 1
    lexemes = [_lexeme(term, prefix=prefix and i == last, weight=weight) for i, term in enumerate(terms)]
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def tsquery_match(parsed: ParsedQuery) -> str:
    """The ``to_tsquery`` text of ``parsed``: all words, the last also as a prefix; symbol in weight A."""
    last = len(parsed.groups) - 1
    parts = [_phrase(group, prefix=parsed.prefix and i == last) for i, group in enumerate(parsed.groups)]
    if parsed.symbol:
        parts.append(_phrase(parsed.symbol, weight="A"))
    return " & ".join(parts)


def _any_of(prefix: str, values: Iterable[object]) -> str | None:
    tokens = [f"{prefix}{value}" for value in values]
    if not tokens or len(tokens) > MAX_TAGS or not all(token.isalnum() and token.isascii() for token in tokens):
        return None
    return "(" + " | ".join(_lexeme(token) for token in tokens) + ")"


def tags_and_rest(query: SearchQuery) -> tuple[str, Q]:
    """The filter copies as a tag ``tsquery`` where they fit (``'y2003' | 'y2004'``), the rest as a ``Q``.

    Tags are ``y<year>``, ``t<type code>`` and ``f<fonds id>``, as ``kho_search_tags`` writes them; the
    ``Q`` is :func:`~kho.search.backends._orm.narrowing_q`'s condition for each filter left over.
    """
    years = None
    if query.year_from is not None and query.year_to is not None:
        years = _any_of("y", range(query.year_from, query.year_to + 1))
    parts = [
        (_any_of("t", query.type_codes), narrowing_q(SearchQuery(type_codes=query.type_codes))),
        (_any_of("f", query.fonds_ids), narrowing_q(SearchQuery(fonds_ids=query.fonds_ids))),
        (years, narrowing_q(SearchQuery(year_from=query.year_from, year_to=query.year_to))),
    ]
    rest = Q()
    for tags, narrowing in parts:
        if not tags:
            rest &= narrowing
    return " & ".join(tags for tags, _narrowing in parts if tags), rest


def tsquery_exact(parsed: ParsedQuery) -> str:
    """The ``to_tsquery`` text requiring every word typed with marks, as typed."""
    return " & ".join(_lexeme(word) for word in parsed.exact)


class PostgresFtsBackend(OrmSearchBackend):
    """Full-text search with PostgreSQL ``tsvector``/``tsquery`` over ``f_unaccent`` text."""

    vendor = "postgresql"
    rank_limit = 2_000  # ts_rank_cd reads each row's tsvector (about 10 µs a row)
    # Each counted row costs a heap page and a lookup of its document by key: at 1M documents on a loaded
    # 2-core machine, counting 10,001 matches took 100-200 ms, 5,001 about half (bench/search.py, issue #4).
    count_limit = 5_000
    per_row = True  # the planner hashes records_document otherwise (see within_per_row)

    def search(self, query: SearchQuery, base: QuerySet[Document]) -> SearchPage:
        """Search with the :data:`PLANNER` settings, local to this transaction."""
        with transaction.atomic(using=self.using):
            with connections[self.using].cursor() as cursor:
                for statement in PLANNER:
                    cursor.execute(statement)
            return super().search(query, base)

    def matching(self, parsed: ParsedQuery, query: SearchQuery) -> QuerySet[Any]:
        """Index rows whose ``tsv`` matches the folded terms, narrowed by the filter copies, in one GIN scan.

        Copies that do not fit as tags (an open or long year range) narrow through their B-tree indexes.
        """
        match = RawSQL(MATCH, (tsquery_match(parsed),), output_field=BooleanField())  # noqa: S611 - bound
        tags, rest = tags_and_rest(query)
        rows = DocumentIndex.objects.using(self.using).filter(match).filter(rest)
        if tags:
            rows = rows.filter(RawSQL(TAGS, (tags,), output_field=BooleanField()))  # noqa: S611 - bound
        return rows

    def score(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """``ts_rank_cd`` with the default weights (A 1.0, B 0.4, C 0.2, D 0.1)."""
        return RawSQL(RANK, (tsquery_match(parsed),), output_field=FloatField())  # noqa: S611 - bound

    def exact(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """Whether ``tsv_exact`` holds every word typed with marks."""
        if not parsed.exact:
            return Value(value=False)
        return RawSQL(EXACT, (tsquery_exact(parsed),), output_field=BooleanField())  # noqa: S611 - bound

    def counted(self, matched: QuerySet[Any], query: SearchQuery, base: QuerySet[Document]) -> Counted:
        """One subquery per matching row checks ``base`` and the filters and returns type and year.

        ``records_document`` stays authoritative for the facets, as with the join, but each row costs one
        lookup instead of three (check, type, year). The same pass lists the asked page, most recently
        added first, so that an unranked search with an exact total needs no second pass over its matches.
        """
        if base.query.is_empty():  # Document.objects.none(): nothing to look up
            return Counted([], [])
        keys = JSONObject(type=F("type_code"), year=ExtractYear("issued_date"))
        facet = Subquery(allowed_documents(query, base).annotate(facet=keys).values("facet")[:1])
        rows = matched.order_by().annotate(facet=facet).values("document_id", "facet")
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:
            return Counted([], [])
        limits = [self.count_limit + 1, query.offset, query.page_size]
        with connections[self.using].cursor() as cursor:
            cursor.execute(COUNTED.format(matched=sql), [*params, *limits])
            result = cursor.fetchall()
        groups = [(type_code, year, n) for kind, type_code, year, n in result if kind == "facet"]
        return Counted(groups, [pk for kind, _type, _year, pk in result if kind == "hit"])

    def page(
        self, rows: QuerySet[Any], parsed: ParsedQuery, query: SearchQuery, *, ranked: bool, exact_total: bool
    ) -> list[tuple[int, float]]:
        """The page; past ``count_limit`` matches without bitmap scans (:data:`MANY_MATCHES`)."""
        if exact_total:
            return super().page(rows, parsed, query, ranked=ranked, exact_total=exact_total)
        with connections[self.using].cursor() as cursor:
            cursor.execute(MANY_MATCHES[0])
            try:
                return super().page(rows, parsed, query, ranked=ranked, exact_total=exact_total)
            finally:
                cursor.execute(MANY_MATCHES[1])

    def has_word(self, term: str) -> bool:
        """One GIN lookup of the term."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(HAS_WORD, [_lexeme(term)])
            return cursor.fetchone() is not None

    def write_entries(self, entries: Sequence[IndexEntry], stale_ids: Iterable[int] = ()) -> None:
        """Delete then insert the rows (the database computes the ``tsvector`` columns), in one transaction."""
        ids = [entry.document_id for entry in entries] + [int(pk) for pk in stale_ids]
        with transaction.atomic(using=self.using):
            if ids:
                DocumentIndex.objects.using(self.using).filter(document_id__in=ids).delete()
            if entries:
                DocumentIndex.objects.using(self.using).bulk_create([index_row(entry) for entry in entries])

    def clear(self) -> None:
        """Empty ``search_documentindex``."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(CLEAR)
