"""Restore Vietnamese tone marks that OCR got wrong in agency names (``TĨNH`` read for ``TỈNH``).

Tesseract's ``vie`` model mostly errs on tone marks (toolnotes.md §1), so an issuer read as
``ỦY BAN NHÂN DÂN TĨNH HÀ TỈNH`` has the right letters and the wrong marks. :func:`restore_accents`
compares each word, accent-folded, with the vocabulary of :mod:`._admin_words` and puts back the
vocabulary's spelling. The rule is deliberately narrow:

* a word whose folded form the vocabulary does not know is never changed;
* the longest vocabulary phrase that covers the word in the text decides (``HÀ TĨNH`` over the single
  word ``TỈNH``); when phrases of that length disagree on the word, it is left alone;
* single words are used without context only for the unit words of :data:`_UNIGRAMS`; any other word
  needs a phrase of two words or more, so a syllable of an unknown commune name is not "corrected";
* a word that differs from the vocabulary only by old-style tone placement (``HOÀ``/``HÒA``) is kept as
  printed, and the case of every word is kept (``Tỉnh``, ``TỈNH``, ``tỉnh``).

The price of the rule: a word read correctly that the vocabulary does not list, but whose folded form it
lists with one spelling, is respelled (a printed ``THỦ TRƯỞNG`` would become ``THỨ TRƯỞNG``). That is why it
is applied only to the issuer, its parent and the signer's title and authority, where such words are rare,
and never to names of people or running text.

Pure and idempotent: ``restore_accents(restore_accents(x)) == restore_accents(x)``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from kho.core.text import fold_vi, nfc
from kho.ingest.extract._admin_words import GENERIC, PLACE_NAMES

__all__ = ["restore_accents"]

# A word is a letter followed by letters and combining marks (a stray mark stays with its word).
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])*")
_OLD_TONE = re.compile("([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])")
# Unit words that may be restored on their own: none of them is a syllable of a place name in practice.
_UNIGRAMS = frozenset({"TỈNH", "HUYỆN", "XÃ", "PHƯỜNG", "QUẬN", "SỞ", "BỘ", "CỤC", "ỦY", "ĐẢNG"})

Phrase = tuple[str, ...]


def _canonical(word: str) -> str:
    """Upper-case NFC ``word`` with new-style tone placement (``HOÀ`` -> ``HÒA``), for comparisons only."""
    return nfc(_OLD_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", word.upper())))


def _words(text: str) -> list[str]:
    return _WORD.findall(nfc(text))


def _add(vocabulary: dict[Phrase, set[Phrase]], words: list[str]) -> None:
    spelled = tuple(word.upper() for word in words)
    vocabulary.setdefault(tuple(fold_vi(word) for word in words), set()).add(spelled)


@cache
def _vocabulary() -> tuple[dict[Phrase, frozenset[Phrase]], int]:
    """Folded phrase -> its spellings, and the longest phrase length (words)."""
    vocabulary: dict[Phrase, set[Phrase]] = {}
    for phrase in GENERIC:
        words = _words(phrase)
        for start in range(len(words)):
            for stop in range(start + 1, len(words) + 1):
                if stop - start > 1 or words[start] in _UNIGRAMS:
                    _add(vocabulary, words[start:stop])
    for phrase in PLACE_NAMES:
        _add(vocabulary, _words(phrase))
    longest = max(len(key) for key in vocabulary)
    return {key: frozenset(value) for key, value in vocabulary.items()}, longest


def _spellings(folded: list[str]) -> list[str | None]:
    """For each word, the single spelling the longest covering phrases agree on, or None."""
    vocabulary, longest = _vocabulary()
    best: list[tuple[int, set[str]]] = [(0, set()) for _ in folded]
    for start in range(len(folded)):
        for length in range(1, min(longest, len(folded) - start) + 1):
            spellings = vocabulary.get(tuple(folded[start : start + length]))
            if spellings is None:
                continue
            for offset in range(length):
                index = start + offset
                if length > best[index][0]:
                    best[index] = (length, set())
                if length == best[index][0]:
                    best[index][1].update(spelling[offset] for spelling in spellings)
    return [next(iter(found)) if len(found) == 1 else None for _, found in best]


def _in_case_of(spelling: str, word: str) -> str:
    if word.isupper():
        return spelling
    if word[:1].isupper():
        return spelling[:1] + spelling[1:].lower()
    return spelling.lower()


def restore_accents(text: str | None) -> str | None:
    """Put back the tone marks of known agency-name words in an OCR-read header field.

    Args:
        text: an issuer, parent body, signer title or authority line, in any Unicode form; None passes.

    Returns:
        The text, NFC, with the words the vocabulary identifies respelled (see the module docstring);
        everything else, spaces and punctuation included, as given.
    """
    if text is None:
        return None
    source = nfc(text)
    matches = list(_WORD.finditer(source))
    spellings = _spellings([fold_vi(match.group(0)) for match in matches])
    pieces: list[str] = []
    last = 0
    for match, spelling in zip(matches, spellings, strict=True):
        word = match.group(0)
        pieces.append(source[last : match.start()])
        if spelling is not None and _canonical(word) != _canonical(spelling):
            word = _in_case_of(spelling, word)
        pieces.append(word)
        last = match.end()
    pieces.append(source[last:])
    return nfc("".join(pieces))
