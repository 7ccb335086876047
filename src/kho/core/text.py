"""Vietnamese text helpers: NFC normalisation at input and diacritic folding for search.

Pure module (no Django import). Style guide rule 16: every name and title is NFC-normalised at input;
toolnotes §3: đ/Đ has no Unicode decomposition, so folding maps it to d by hand.
"""

from __future__ import annotations

import unicodedata

__all__ = ["N_", "clean", "fold_vi", "nfc"]


def N_(message: str) -> str:  # noqa: N802 - the conventional name of a no-op translation mark
    """Mark an English message template for translation without translating it here.

    Pure modules return messages as templates with named placeholders; the interface layer
    (CLI, web, API) passes them through Django's gettext. ``makemessages --keyword=N_`` collects them.
    """
    return message


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """NFC-normalise, strip, and collapse runs of white space to one space; None becomes ""."""
    if not text:
        return ""
    return " ".join(nfc(text).split())


def fold_vi(text: str) -> str:
    """Fold Vietnamese for accent-insensitive matching: casefold, drop tone and vowel marks, đ -> d.

    >>> fold_vi("Đảng Cộng sản QUYẾT ĐỊNH")
    'dang cong san quyet dinh'
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")
