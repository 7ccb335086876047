"""SQLite backend: an FTS5 table of folded text, because ``unicode61`` cannot fold đ (toolnotes §3).

``search_fts`` (created by migration ``search.0001`` on SQLite only) has one row per document, rowid =
document id, and these columns, all tokenized by ``unicode61 remove_diacritics 0``:

- ``symbol``: number/symbol terms (``64 cv tw``); ``title``: type name and subject; ``meta``: organ,
  signer and record title; ``body``: the text. These four hold ``fold_vi`` copies, so ``dang`` finds
  "Đảng" and ``QD`` finds "QĐ". bm25 weighs them 10, 5, 2 and 1.
- ``exact``: the same words unfolded (unicode61 only lowercases them); it is never searched, only used
  to rank documents holding the words typed with marks first.
- ``tags``: one token per filter value (``y2003 t02 f17``: year, type, fonds). Year, type and fonds
  filters are added to the MATCH as tags, so FTS5 narrows the match before any row is joined or
  ranked; the same filters are applied to ``records_document`` too, which stays authoritative.

The original text lives in ``search_documentindex`` (snippets). Queries are built only from quoted
alphanumeric terms (:mod:`kho.search.terms`), so user input can never become FTS5 syntax.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, transaction
from django.db.models import BooleanField, Expression, FloatField, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Substr

from kho.search.backends._orm import OrmSearchBackend
from kho.search.backends.base import SearchQuery
from kho.search.documents import IndexEntry
from kho.search.models import DocumentIndex, FtsEntry
from kho.search.terms import ParsedQuery, fold

__all__ = ["FTS_TABLE", "SqliteFtsBackend", "fts5_exact", "fts5_match"]

FTS_TABLE = "search_fts"
SEARCHED = "{symbol title meta body}"
MAX_TAGS = 64  # wider year ranges or longer fonds lists are left to the SQL filters alone
# Constant SQL; every value is a bound parameter.
MATCH_SQL = "search_fts MATCH %s"
SCORE_SQL = "-bm25(search_fts, 10.0, 5.0, 2.0, 1.0, 0.0, 0.0)"
EXACT_SQL = "search_fts.rowid IN (SELECT e.rowid FROM search_fts e WHERE e.search_fts MATCH %s)"
HAS_WORD_SQL = "SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1"
INSERT_SQL = (
    "INSERT INTO search_fts (rowid, symbol, title, meta, body, exact, tags) VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
DELETE_SQL = "DELETE FROM search_fts WHERE rowid IN (SELECT value FROM json_each(%s))"
CLEAR_SQL = "DELETE FROM search_fts"
OPTIMIZE_SQL = "INSERT INTO search_fts (search_fts) VALUES ('optimize')"


def _phrase(terms: Iterable[str], *, prefix: bool = False) -> str:
    # Terms are runs of letters and digits only (terms.WORD), so they cannot close the quotes.
    return '"' + " ".join(terms) + '"' + ("*" if prefix else "")


def entry_tags(entry: IndexEntry) -> str:
    """The ``tags`` column: one token per filter value (``y2003 t02 f17``), never matched by user words."""
    year = f"y{entry.year}" if entry.year else "y0"
    return f"{year} t{entry.type_code or 'x'} f{entry.fonds_id or 0}"


def _any_of(prefix: str, values: Iterable[object]) -> str | None:
    tokens = [f"{prefix}{value}" for value in values]
    if not tokens or len(tokens) > MAX_TAGS or not all(token.isalnum() and token.isascii() for token in tokens):
        return None
    return "tags : (" + " OR ".join(tokens) + ")"


def fts5_tags(query: SearchQuery) -> list[str]:
    """Clauses narrowing the match to the year, type and fonds filters (the SQL filters still apply)."""
    clauses = [_any_of("t", [code or "x" for code in query.type_codes]), _any_of("f", query.fonds_ids)]
    if query.year_from is not None or query.year_to is not None:
        clauses.append(_any_of("y", range(query.year_from or 1, (query.year_to or 9999) + 1)))
    return [clause for clause in clauses if clause]


def fts5_match(parsed: ParsedQuery, query: SearchQuery | None = None) -> str:
    """The FTS5 MATCH expression of ``parsed`` (all words, the last one maybe as a prefix) and filters."""
    clauses = []
    if parsed.groups:
        last = len(parsed.groups) - 1
        phrases = [_phrase(group, prefix=parsed.prefix and i == last) for i, group in enumerate(parsed.groups)]
        clauses.append(f"{SEARCHED} : ({' '.join(phrases)})")
    if parsed.symbol:
        clauses.append(f"symbol : ({_phrase(parsed.symbol)})")
    clauses += fts5_tags(query) if query else []
    return " AND ".join(f"({clause})" for clause in clauses)


def fts5_exact(parsed: ParsedQuery, query: SearchQuery | None = None) -> str:
    """The match, restricted to rows holding every word typed with marks, as typed."""
    exact = "exact : (" + " ".join(_phrase([word]) for word in parsed.exact) + ")"
    return f"{fts5_match(parsed, query)} AND ({exact})"


def fts_row(entry: IndexEntry) -> tuple[int, str, str, str, str, str, str]:
    """The FTS5 row of an entry: rowid, the folded columns, the unfolded ``exact`` column and the tags."""
    exact = " ".join(part for part in (entry.title, entry.meta, entry.body) if part)
    return (
        entry.document_id,
        entry.symbol_terms,
        fold(entry.title),
        fold(entry.meta),
        fold(entry.body),
        exact,
        entry_tags(entry),
    )


def index_row(entry: IndexEntry) -> DocumentIndex:
    """The ``search_documentindex`` row of an entry (original text and filter copies)."""
    return DocumentIndex(
        document_id=entry.document_id,
        number_symbol=entry.number_symbol,
        symbol_terms=entry.symbol_terms,
        type_name=entry.type_name,
        subject=entry.subject,
        organ_name=entry.organ_name,
        signer=entry.signer,
        record_title=entry.record_title,
        body=entry.body,
        type_code=entry.type_code,
        year=entry.year,
        fonds_id=entry.fonds_id,
    )


class SqliteFtsBackend(OrmSearchBackend):
    """Full-text search with SQLite FTS5 over folded copies of the indexed text."""

    vendor = "sqlite"

    def matching(self, parsed: ParsedQuery, query: SearchQuery) -> QuerySet[Any]:
        """FTS rows matching the folded terms and the year/type/fonds tags."""
        match = RawSQL(MATCH_SQL, (fts5_match(parsed, query),), output_field=BooleanField())  # noqa: S611 - bound
        return FtsEntry.objects.using(self.using).filter(match)

    def score(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """Negated bm25 (bm25 is lower for better matches)."""
        return RawSQL(SCORE_SQL, (), output_field=FloatField())  # noqa: S611 - constant SQL

    def exact(self, parsed: ParsedQuery, query: SearchQuery) -> Expression:
        """Whether the row is among the matches whose ``exact`` column holds every marked word.

        The subquery repeats the match, so it only ever lists rows of this search.
        """
        if not parsed.exact:
            return Value(0)
        return RawSQL(EXACT_SQL, (fts5_exact(parsed, query),), output_field=BooleanField())  # noqa: S611 - bound

    def has_word(self, term: str) -> bool:
        """One FTS lookup of the term in the searched columns."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(HAS_WORD_SQL, [f"{SEARCHED} : {_phrase([term])}"])
            return cursor.fetchone() is not None

    def year_of(self, field: str = "document__issued_date") -> Expression:
        """``substr(issued_date, 1, 4)``: dates are ISO text in SQLite; Django's extract is a Python call."""
        return Cast(Substr(field, 1, 4), output_field=IntegerField())

    def write_entries(self, entries: Sequence[IndexEntry], stale_ids: Iterable[int] = ()) -> None:
        """Delete then insert, in the FTS table and in ``search_documentindex``, in one transaction.

        FTS5 keeps a deleted row's words in its index segments until they are merged, so when an entry
        loses its text (the document became classified: only its number and type stay indexed), the
        index is optimized in the same transaction: the merged segments no longer hold those words, and
        ``secure_delete`` zeroes the freed pages. Classification is rare; optimizing rewrites the index.
        """
        ids = [entry.document_id for entry in entries] + [int(pk) for pk in stale_ids]
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            withdrawn = self._withdraws_text(entries)
            if ids:
                cursor.execute(DELETE_SQL, [json.dumps(ids)])
                DocumentIndex.objects.using(self.using).filter(document_id__in=ids).delete()
            if entries:
                DocumentIndex.objects.using(self.using).bulk_create([index_row(entry) for entry in entries])
                cursor.executemany(INSERT_SQL, [fts_row(entry) for entry in entries])
            if withdrawn:
                cursor.execute(OPTIMIZE_SQL)

    def _withdraws_text(self, entries: Sequence[IndexEntry]) -> bool:
        """Whether an indexed subject or body is about to be replaced by none (see ``write_entries``)."""
        textless = [e.document_id for e in entries if not (e.subject or e.body)]
        indexed = DocumentIndex.objects.using(self.using).filter(document_id__in=textless)
        return indexed.exclude(subject="", body="").exists() if textless else False

    def clear(self) -> None:
        """Empty the FTS table and ``search_documentindex``."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(CLEAR_SQL)
        DocumentIndex.objects.using(self.using).all().delete()
