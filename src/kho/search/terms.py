"""Turn what a user typed into search terms, the same way for every backend (pure; no Django).

A *word* is a run of Unicode letters and digits, as FTS5's ``unicode61`` tokenizer sees it; everything
else separates words, so no character the user types is ever search syntax. Each
whitespace-separated chunk of the query becomes a *group*: ``lưu`` is one term, ``64-CV/TW`` a phrase of
three (``64 cv tw``). Terms are folded with :func:`kho.core.text.fold_vi` (case, tone and vowel marks,
đ→d), so ``QĐ``, ``qd`` and ``Qđ`` are one term and an NFD query equals its NFC form.

Words typed *with* Vietnamese marks are also kept unfolded (casefolded NFC) as ``exact`` terms: backends
rank documents that contain them exactly (``đảng`` puts "Đảng" above "đang").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kho.core.text import fold_vi, nfc

__all__ = ["MAX_TERMS", "PREFIX_MIN_LENGTH", "ParsedQuery", "fold", "parse_query", "symbol_terms", "words"]

WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 32  # more terms only make a query slower, never better
PREFIX_MIN_LENGTH = 3  # "do*" would expand to a large part of the vocabulary


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character with ``fold_vi`` the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_vi(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """``fold_vi`` applied character by character through a cache: 4x faster on long texts.

    Casefolding and decomposition work per character, so this equals ``fold_vi(text)`` except for
    the order of leftover non-Vietnamese spacing marks; index and queries both fold with it.
    """
    return text.translate(_FOLD)


def words(text: str) -> list[str]:
    """The words of ``text`` after NFC normalisation and casefolding (marks kept)."""
    return WORD.findall(nfc(nfc(text).casefold()))


def symbol_terms(number_symbol: str) -> str:
    """The folded words of a number/symbol, space-separated: ``"64-CV/TW"`` -> ``"64 cv tw"``."""
    return " ".join(fold(word) for word in words(number_symbol))


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query as folded term groups, ready to be rendered in a backend's own query language.

    Attributes:
        groups: folded terms per user word; a group of several terms is a phrase (``64 cv tw``).
        prefix: the last term of the last group (at least 3 letters) may also match longer words (typing
            ahead); backends drop this when the term is itself a word of the index.
        exact: casefolded NFC forms of the words typed with marks, for ranking exact matches first.
        symbol: folded terms of the number/symbol filter, matched as a phrase in the symbol field only.
    """

    groups: tuple[tuple[str, ...], ...] = ()
    prefix: bool = False
    exact: tuple[str, ...] = ()
    symbol: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to match (the search then lists documents instead)."""
        return not self.groups and not self.symbol

    @property
    def terms(self) -> frozenset[str]:
        """Every folded term of the text and of the symbol (for highlighting)."""
        return frozenset(term for group in (*self.groups, self.symbol) for term in group)

    @property
    def prefix_term(self) -> str | None:
        """The term matched as a prefix, if any."""
        return self.groups[-1][-1] if self.prefix and self.groups else None


def parse_query(text: str, number_symbol: str | None = None) -> ParsedQuery:
    """Parse free text and an optional number/symbol filter; never fails, whatever the input.

    >>> parse_query("Đảng 64-CV/TW").groups
    (('dang',), ('64', 'cv', 'tw'))
    """
    groups: list[tuple[str, ...]] = []
    exact: list[str] = []
    budget = MAX_TERMS
    for chunk in nfc(text).split():
        raw = words(chunk)[:budget]
        if not raw:
            continue
        budget -= len(raw)
        groups.append(tuple(fold(word) for word in raw))
        exact += [word for word in raw if fold(word) != word and word not in exact]
        if budget <= 0:
            break
    prefix = bool(groups) and len(groups[-1][-1]) >= PREFIX_MIN_LENGTH
    symbol = tuple(symbol_terms(number_symbol or "").split()[:MAX_TERMS])
    return ParsedQuery(groups=tuple(groups), prefix=prefix, exact=tuple(exact), symbol=symbol)
