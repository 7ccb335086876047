"""Document types: the type line (``QUYẾT ĐỊNH``, ``KẾT LUẬN``…) and the symbol abbreviation -> TT05 code.

Codes come from :data:`kho.core.codetables.DOC_TYPE` and :data:`~kho.core.codetables.TYPE_ABBREVIATION`
(standards.md §2.4, §5). Types without a TT05 code (Party Kết luận and Thông tri, State Thông tư, Nghị định,
Văn bản hợp nhất…) map to ``32`` (Khác) and keep their literal name.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kho.core.codetables import DOC_TYPE, DOC_TYPE_OTHER, TYPE_ABBREVIATION
from kho.core.text import fold_vi
from kho.ingest.extract._text import has_diacritics

CONG_VAN = "22"


class DocType(NamedTuple):
    """A document type: display name as in TT05 (or the literal name for code 32) and its TT05 code."""

    name: str
    code: str


# Types that have no TT05 code: the name is kept, the code is 32 (standards.md §2.4).
_UNCODED_NAMES = (
    "Kết luận",
    "Thông tri",
    "Thông tư liên tịch",
    "Thông tư",
    "Nghị định",
    "Luật",
    "Pháp lệnh",
    "Lệnh",
    "Văn bản hợp nhất",
    "Điều lệ",
)
_NAME_BY_FOLD: dict[str, DocType] = {
    fold_vi(name): DocType(name, code) for code, name in DOC_TYPE.items() if code != DOC_TYPE_OTHER
}
_NAME_BY_FOLD.update({fold_vi(name): DocType(name, DOC_TYPE_OTHER) for name in _UNCODED_NAMES})
# Longest first so that "thong tu lien tich" wins over "thong tu" and "thong bao" is not cut short.
_NAMES_LONGEST_FIRST = sorted(_NAME_BY_FOLD, key=len, reverse=True)
# Short type names are matched only when they stand alone on their line.
_ALONE_ONLY = {"luat", "lenh", "ban do"}

# Symbol abbreviation -> type. The shared table maps to codes; names follow the code, except where the
# abbreviation names a type without a TT05 code.
_ABBREVIATION_NAMES: dict[str, str] = {
    "KL": "Kết luận",
    "QyĐ": "Quy định",
    "QĐi": "Quy định",
}
_EXTRA_ABBREVIATIONS: dict[str, DocType] = {
    "NĐ": DocType("Nghị định", DOC_TYPE_OTHER),
    "VBHN": DocType("Văn bản hợp nhất", DOC_TYPE_OTHER),
    "TTLT": DocType("Thông tư liên tịch", DOC_TYPE_OTHER),
}
_KNOWN_ABBREVIATIONS = frozenset(TYPE_ABBREVIATION) | frozenset(_EXTRA_ABBREVIATIONS)
_ENACTMENT = re.compile(r"(quyet dinh|quyet nghi|nghi quyet|ket luan|chi thi)\s*:")


def _abbreviation_type(abbreviation: str, *, party: bool) -> DocType | None:
    if abbreviation in _EXTRA_ABBREVIATIONS:
        return _EXTRA_ABBREVIATIONS[abbreviation]
    if abbreviation == "TT":
        # Party "TT" is Thông tri; a State symbol "…/TT-BTC" is a Thông tư. Neither has a TT05 code.
        return DocType("Thông tri" if party else "Thông tư", DOC_TYPE_OTHER)
    code = TYPE_ABBREVIATION.get(abbreviation)
    if code is None:
        return None
    return DocType(_ABBREVIATION_NAMES.get(abbreviation, DOC_TYPE[code]), code)


def _known_abbreviation(token: str) -> tuple[str, bool] | None:
    """Return (abbreviation as in the table, accents_lost) for a printed symbol segment, or None."""
    known = _KNOWN_ABBREVIATIONS
    if token in known:
        return token, False
    upper = token.upper()
    if upper in known:
        return upper, False
    # OCR that lost the stroke of Đ prints "QD", "CD", "ND": try each D as Đ.
    for index, char in enumerate(token):
        if char in "Dd":
            candidate = token[:index] + "Đ" + token[index + 1 :]
            if candidate in known:
                return candidate, True
    return None


def type_from_symbol(number_symbol: str) -> tuple[DocType, bool] | None:
    """Find the type abbreviation of a number/symbol and map it to a :class:`DocType`.

    State symbols carry the type first after the number (and year): ``15/QĐ-BNV``, ``30/2020/NĐ-CP``;
    Party symbols after the hyphen: ``64-CV/TW``. A State công văn has no type segment (``12/UBND-VX``).

    Args:
        number_symbol: the whole printed number and symbol.

    Returns:
        ``(type, accents_lost)`` or None when the symbol carries no known type abbreviation.
    """
    party = re.match(r"\s*\d+\s*-\s*([^/\s]+)\s*/", number_symbol)
    if party:
        segment = party.group(1)
    else:
        state = re.match(r"\s*[\dOo]+\s*/\s*(?:\d{4}\s*/\s*)?([^-/\s]+)", number_symbol)
        if not state:
            return None
        segment = state.group(1)
    found = _known_abbreviation(segment)
    if found is None:
        return None
    abbreviation, lost = found
    doc_type = _abbreviation_type(abbreviation, party=party is not None)
    return (doc_type, lost) if doc_type else None


def symbol_has_lost_accent(number_symbol: str) -> bool:
    """True when a segment of the symbol reads as a known abbreviation only once a ``D`` becomes ``Đ``."""
    for segment in re.split(r"[-/\s]+", number_symbol):
        found = _known_abbreviation(segment)
        if found is not None and found[1]:
            return True
    return False


class TypeLine(NamedTuple):
    """A type line found in the header: the type, the rest of the line (start of the summary), accents."""

    doc_type: DocType
    rest: str
    accents_lost: bool


def match_type_line(text: str, folded: str) -> TypeLine | None:
    """Recognise a type line such as ``QUYẾT ĐỊNH`` or ``THÔNG BÁO KẾT LUẬN`` (upper case, no colon).

    Args:
        text: the printed line.
        folded: the same line folded with :func:`~kho.ingest.extract._text.fold_same_length`.

    Returns:
        The match, or None when the line is not a type line (or is the enactment word ``QUYẾT ĐỊNH:``).
    """
    if _ENACTMENT.match(folded):
        return None
    stripped = folded.rstrip(" .")
    for name in _NAMES_LONGEST_FIRST:
        if stripped == name or (name not in _ALONE_ONLY and stripped.startswith(name + " ")):
            rest = text[len(name) :].strip(" :.-")
            doc_type = _NAME_BY_FOLD[name]
            lost = has_diacritics(doc_type.name) and not has_diacritics(text[: len(name)])
            return TypeLine(doc_type, rest, lost)
    return None


def type_by_name(name: str) -> DocType | None:
    """Look up a type by its Vietnamese name, accent- and case-insensitively (``"công văn"`` -> 22)."""
    return _NAME_BY_FOLD.get(fold_vi(name).strip())
