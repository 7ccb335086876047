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

Queries are rendered from quoted alphanumeric terms (:mod:`kho.search.terms`) and passed as one bound
parameter to ``to_tsquery``, so user input can never become tsquery syntax.

Each matching row's document is checked against ``base`` and the filters, and its facet keys read, by key
(``per_row``, see ``_orm.within_per_row``); each search runs with the :data:`PLANNER` settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, transaction
from django.db.models import BooleanField, Expression, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

from kho.records.models import Document
from kho.search.backends._orm import OrmSearchBackend, narrowing_q
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
HAS_WORD = "SELECT 1 FROM search_documentindex WHERE tsv @@ to_tsquery('vi_unaccent', %s) LIMIT 1"
CLEAR = "TRUNCATE search_documentindex"
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


def tsquery_exact(parsed: ParsedQuery) -> str:
    """The ``to_tsquery`` text requiring every word typed with marks, as typed."""
    return " & ".join(_lexeme(word) for word in parsed.exact)


class PostgresFtsBackend(OrmSearchBackend):
    """Full-text search with PostgreSQL ``tsvector``/``tsquery`` over ``f_unaccent`` text."""

    vendor = "postgresql"
    rank_limit = 2_000  # ts_rank_cd reads each row's tsvector (about 10 µs a row)
    per_row = True  # the planner hashes records_document otherwise (see within_per_row)

    def search(self, query: SearchQuery, base: QuerySet[Document]) -> SearchPage:
        """Search with the :data:`PLANNER` settings, local to this transaction."""
        with transaction.atomic(using=self.using):
            with connections[self.using].cursor() as cursor:
                for statement in PLANNER:
                    cursor.execute(statement)
            return super().search(query, base)

    def matching(self, parsed: ParsedQuery, query: SearchQuery) -> QuerySet[Any]:
        """Index rows whose ``tsv`` matches the folded terms (GIN), narrowed by the filter copies (B-tree)."""
        match = RawSQL(MATCH, (tsquery_match(parsed),), output_field=BooleanField())  # noqa: S611 - bound
        return DocumentIndex.objects.using(self.using).filter(match).filter(narrowing_q(query))

    def score(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """``ts_rank_cd`` with the default weights (A 1.0, B 0.4, C 0.2, D 0.1)."""
        return RawSQL(RANK, (tsquery_match(parsed),), output_field=FloatField())  # noqa: S611 - bound

    def exact(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """Whether ``tsv_exact`` holds every word typed with marks."""
        if not parsed.exact:
            return Value(value=False)
        return RawSQL(EXACT, (tsquery_exact(parsed),), output_field=BooleanField())  # noqa: S611 - bound

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
