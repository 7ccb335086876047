"""The search extension point (style.md rule 6): the ``SearchBackend`` protocol and its value types.

Contract of a ``SearchBackend`` (the key words MUST, MUST NOT, SHOULD and MAY are as in RFC 2119):

Indexing

- ``index(document_ids)`` MUST (re)build the entry of every listed document from the committed database
  state at the time of the call, MUST remove the entry of a listed id whose document no longer exists,
  MUST be idempotent, and MUST change the index atomically (all listed ids or none).
- It MUST store only what :mod:`kho.search.documents` gives it: for a classified document (its own or
  its record's secrecy level above 0) that is the number/symbol and the type name, never the subject,
  names, titles or text (the security issue: no shared full-text table holds classified plaintext).
- Callers MUST NOT call ``index`` or ``remove`` before the transaction that changed the documents has
  committed; the signal receivers enqueue ``index_documents_task`` with ``transaction.on_commit``.
- ``remove(document_ids)`` MUST delete the entries of the listed ids and MUST ignore unknown ids.
- ``rebuild(progress)`` MUST empty every index table and then index every document, calling
  ``progress(n)`` after each batch of ``n`` documents; it returns how many documents it indexed.
- Implementations MUST be cheap to construct and hold no state between calls.

Searching

- ``search(query, base)`` MUST return hits, totals, facets and snippets computed ONLY from documents
  that are in ``base`` (the documents the caller may see), and MUST combine ``base`` with the query in
  SQL (for example ``EXISTS``/``IN`` over ``base``); it MUST NOT evaluate ``base`` in Python or filter
  rows in Python after the query. ``base`` MUST be an unsliced ``QuerySet[Document]``.
- Every filter of ``SearchQuery`` MUST be applied in SQL, to hits, totals and facets alike.
- The text MUST be treated as plain words: no character is query syntax, and no text, however
  malformed, may raise; it MUST match without regard to case or Vietnamese marks (``fold_vi``: ``dang``
  finds "Đảng"), and an NFD query MUST give the same page as its NFC form. All words MUST match; the
  last word SHOULD also match as a prefix. ``number_symbol`` MUST match the number/symbol field only.
- Hits MUST be ordered by relevance, documents holding the words typed with marks exactly first
  (``đảng`` ranks "Đảng" above "đang"), ties broken by document id so that pages are stable. When
  more documents match than the backend ranks quickly (its ``rank_limit``), it MAY list them most
  recently added first (document id, descending) instead, and MUST then set ``SearchPage.ranked``
  to False.
- A query with no words and no number/symbol MUST list the indexed documents in ``base`` that pass
  the filters, most recently added first (``ranked`` False).
- Snippets MUST be HTML in which only ``<mark>``/``</mark>`` are markup; all document text is escaped.
- ``total`` and ``facets`` count every matching document, not just the page; a page past the last one
  MUST come back with no hits and the correct total. Above its ``count_limit`` matches a backend MAY
  stop counting: it then MUST set ``total_exact`` to False, give the limit as ``total`` (a lower
  bound) and leave the facets empty rather than count them in part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kho.records.models import Document
from kho.search.exceptions import SearchQueryError

__all__ = ["MAX_PAGE_SIZE", "SearchBackend", "SearchFacets", "SearchHit", "SearchPage", "SearchQuery"]

MAX_PAGE_SIZE = 100
MAX_TEXT_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to search for and how to narrow it; every field is optional.

    ``max_secrecy`` keeps documents whose own and whose record's level are at most this value;
    ``secrecy_levels`` keeps documents whose own level is one of these. Years are inclusive and apply
    to ``issued_date``. Sequences are stored as tuples.

    Raises:
        SearchQueryError: with one detail per out-of-range field.
    """

    text: str = ""
    number_symbol: str | None = None
    agency_ids: tuple[int, ...] = ()
    fonds_ids: tuple[int, ...] = ()
    type_codes: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    max_secrecy: int | None = None
    secrecy_levels: tuple[int, ...] = ()
    digitization_status: str | None = None
    page: int = 1
    page_size: int = 20

    def __post_init__(self) -> None:
        for name in ("agency_ids", "fonds_ids", "type_codes", "secrecy_levels"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        problems = []
        if self.page < 1:
            problems.append(_("page phải từ 1 trở lên (nhận %(value)s).") % {"value": self.page})
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            problems.append(
                _("page_size phải từ 1 đến %(max)s (nhận %(value)s).") % {"max": MAX_PAGE_SIZE, "value": self.page_size}
            )
        for name in ("year_from", "year_to"):
            year = getattr(self, name)
            if year is not None and not 1 <= year <= 9999:
                message = _("%(name)s phải là năm từ 1 đến 9999 (nhận %(value)s).")
                problems.append(message % {"name": name, "value": year})
        if self.year_from and self.year_to and self.year_from > self.year_to:
            problems.append(_("year_from không được sau year_to."))
        if len(self.text) > MAX_TEXT_LENGTH:
            problems.append(_("Nội dung tìm kiếm dài quá %(max)s ký tự.") % {"max": MAX_TEXT_LENGTH})
        if problems:
            raise SearchQueryError(details=problems)

    @property
    def offset(self) -> int:
        """Index of the first hit of this page among all hits."""
        return (self.page - 1) * self.page_size


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching document: higher ``score`` is more relevant; ``snippet`` is safe HTML with ``<mark>``."""

    document_id: int
    score: float
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchFacets:
    """Counts of all matching documents by type code ("" when untyped) and by year issued (undated left out)."""

    by_type: dict[str, int] = field(default_factory=dict)
    by_year: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results, with the total and facets of the whole result.

    ``ranked`` is False when the hits are listed most recently added first rather than by relevance
    (no words, or more matches than the backend ranks). ``total_exact`` is False when ``total`` is a
    lower bound ("10 000+"); the facets are then empty.
    """

    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int
    facets: SearchFacets
    took_ms: float
    ranked: bool = True
    total_exact: bool = True

    @property
    def pages(self) -> int:
        """How many pages the whole result has."""
        return -(-self.total // self.query.page_size)


@runtime_checkable
class SearchBackend(Protocol):
    """A full-text index of documents; see the module docstring for the contract every backend keeps."""

    vendor: str

    def index(self, document_ids: Iterable[int]) -> int:
        """(Re)index these documents (removing those that no longer exist); return how many were indexed."""
        ...

    def remove(self, document_ids: Iterable[int]) -> int:
        """Remove these documents from the index; return how many entries were removed."""
        ...

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Empty the index and index every document; return how many were indexed."""
        ...

    def search(self, query: SearchQuery, base: QuerySet[Document]) -> SearchPage:
        """Search the documents of ``base`` (those the caller may see)."""
        ...
