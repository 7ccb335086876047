"""Highlighted snippets: ``<mark>`` around the original (accented) words that a folded query matched.

Pure module (no Django). The text is folded *character by character* (each NFC character becomes exactly
one character, đ→d), so a position in the folded text is the same position in the original: words are
found in the folded copy and marked in the original. Everything that is not a ``<mark>`` tag is
HTML-escaped, so a document containing ``<script>`` shows it as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from functools import lru_cache

from kho.core.text import fold_vi, nfc

__all__ = ["fold_aligned", "highlight"]

WORD_CHARS = r"[^\W_]"
ELLIPSIS = "…"


class _AlignedTable(dict[int, str]):
    """``str.translate`` table: each character to exactly one folded character (cached)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold_vi(char)
        # A character that folds to 0 or 2+ characters (a lone combining mark, "ß") keeps its lowercase
        # form when that is one character, so that positions stay aligned.
        if len(folded) != 1:
            lower = char.lower()
            folded = lower if len(lower) == 1 else char
        self[code] = folded
        return folded


_ALIGNED = _AlignedTable()


def fold_aligned(text: str) -> str:
    """Fold ``text`` (already NFC) so that ``len(result) == len(text)`` and positions correspond."""
    return text.translate(_ALIGNED)


@lru_cache(maxsize=256)
def _pattern(terms: frozenset[str], prefix: str | None) -> re.Pattern[str] | None:
    """One regex for whole words equal to a term, or starting with ``prefix``."""
    alternatives = [re.escape(term) for term in sorted(terms, key=len, reverse=True)]
    if prefix:
        alternatives.append(re.escape(prefix) + WORD_CHARS + "*")
    if not alternatives:
        return None
    return re.compile(f"(?<!{WORD_CHARS})(?:{'|'.join(alternatives)})(?!{WORD_CHARS})")


def _matches(folded: str, terms: Collection[str], prefix: str | None) -> list[tuple[int, int]]:
    pattern = _pattern(frozenset(terms), prefix)
    return [match.span() for match in pattern.finditer(folded)] if pattern else []


def _window(length: int, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The ``width``-character window holding the most matches, snapped to word boundaries by the caller."""
    if length <= width or not spans:
        return 0, min(length, width)
    best_start, best_count, right = spans[0][0], 0, 0
    for left, (start, _end) in enumerate(spans):
        right = max(right, left)
        while right + 1 < len(spans) and spans[right + 1][1] - start <= width:
            right += 1
        if right - left + 1 > best_count:
            best_start, best_count = start, right - left + 1
    start = max(0, min(best_start - width // 4, length - width))
    return start, start + width


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the window edges inwards to the nearest spaces, so that no word is cut in half."""
    if start > 0:
        space = text.find(" ", start, min(len(text), start + 30))
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(start, end - 30), end)
        end = space if space > start else end
    return start, end


def highlight(text: str, terms: Collection[str], prefix: str | None = None, width: int = 240) -> tuple[str, int]:
    """Return an HTML snippet of ``text`` with matched words in ``<mark>``, and how many words matched.

    Args:
        text: the original text (it is NFC-normalised here).
        terms: folded terms (``fold_vi``) to mark where a whole word equals one of them.
        prefix: a folded term that also marks words starting with it.
        width: the most characters of ``text`` to show; longer texts show the window with most matches.
    """
    text = nfc(text)
    folded = fold_aligned(text)
    spans = _matches(folded, terms, prefix)
    start, end = _snap(text, *_window(len(text), spans, width))
    parts = [ELLIPSIS] if start > 0 else []
    cursor = start
    for left, right in spans:
        if left < start or right > end:
            continue
        parts += [html.escape(text[cursor:left]), "<mark>", html.escape(text[left:right]), "</mark>"]
        cursor = right
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts), len(spans)
