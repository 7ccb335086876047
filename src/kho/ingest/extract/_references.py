"""Cited documents: number/symbol, type, date and issuer of each document a text refers to.

Forms: ``Công văn số 64-CV/TW, ngày 10/4/2025 của Ban Bí thư``, ``Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3
năm 2020 của Chính phủ``, Party dates ``ngày 06-3-2009`` and the English rendering ``Official Dispatch
No. 64-CV/TW, dated April 10, 2025``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kho.core.text import fold_vi
from kho.ingest.extract._dates import parse_date_at
from kho.ingest.extract._header import find_body_start
from kho.ingest.extract._numbers import find_number_symbol
from kho.ingest.extract._text import Line, flatten, fold_same_length, prepare
from kho.ingest.extract._types import type_by_name, type_from_symbol

_SEG = r"[A-ZĐ0-9][A-Za-zĐđ0-9&]*(?:\.[A-Za-zĐđ0-9&]+)*"
_SYMBOL = re.compile(
    r"(?<![\w/.-])(?:"
    rf"\d{{1,6}}-[A-ZĐ][A-Za-zĐđ]{{0,5}}/{_SEG}(?:-{_SEG})*"
    rf"|\d{{1,6}}(?:\.\d{{1,3}})?/\d{{4}}/{_SEG}(?:-\s?{_SEG})*"
    rf"|\d{{1,6}}(?:\.\d{{1,3}})?/{_SEG}(?:-\s?{_SEG})+"
    r")(?![\w/])"
)
_VN_TYPES = (
    "cong van|cong dien|nghi dinh|quyet dinh|nghi quyet|thong tu lien tich|thong tu|chi thi|ket luan|"
    "thong bao|thong tri|ke hoach|to trinh|bao cao|huong dan|quy dinh|quy che|chuong trinh|de an|luat|"
    "phap lenh|van ban hop nhat|van ban"
)
_EN_TYPES: dict[str, str] = {
    "official dispatch": "Công văn",
    "official letter": "Công văn",
    "official telegram": "Công điện",
    "decree": "Nghị định",
    "decision": "Quyết định",
    "resolution": "Nghị quyết",
    "joint circular": "Thông tư liên tịch",
    "circular": "Thông tư",
    "directive": "Chỉ thị",
    "conclusion": "Kết luận",
    "notice": "Thông báo",
    "notification": "Thông báo",
    "plan": "Kế hoạch",
    "report": "Báo cáo",
    "submission": "Tờ trình",
    "guidance": "Hướng dẫn",
    "instruction": "Hướng dẫn",
    "regulation": "Quy định",
    "law": "Luật",
}
_TYPE_BEFORE = re.compile(rf"({_VN_TYPES}|{'|'.join(_EN_TYPES)})\s?(so|no\.?|number)?\s?:?\s?$")
# "Luật Lưu trữ số 33/2024/QH15": a law's name stands between the type word and "số".
_NAMED_TYPE_BEFORE = re.compile(r"(bo luat|luat|phap lenh|law)(\s\S+){1,8}\s(so|no\.?)\s?$")
_ISSUER_LEAD = re.compile(r"\s?[,)]?\s?(cua|do|of the|of|by the|by|issued by the|issued by)\s+")
_ISSUER_STOPS = {
    "ve", "quy", "huong", "tai", "sua", "phe", "giao", "de", "theo", "nham", "neu", "thuc", "trien", "ap",
    "on", "regarding", "about", "guiding", "providing", "detailing", "amending", "prescribing", "to", "for",
    "in", "nay", "da", "duoc", "tiep", "ket", "lay", "xin", "gui", "thong", "tong",
}  # fmt: skip
_MAX_ISSUER_WORDS = 10
_LOOKBACK = 90
_DATE_WINDOW = 64


@dataclass(frozen=True, slots=True)
class Reference:
    """A document cited in the text.

    Attributes:
        number_symbol: as printed, spaces removed (``"64-CV/TW"``, ``"30/2020/NĐ-CP"``).
        doc_type: Vietnamese type name (``"Công văn"``) from the citing words or the symbol, or None.
        date: ISO date of the cited document when the citation gives one.
        issuer: issuing body as printed after ``của``/``do``/``of the``, or None.
    """

    number_symbol: str
    doc_type: str | None
    date: str | None
    issuer: str | None


def _cited_type(folded_before: str, number_symbol: str) -> str | None:
    match = _TYPE_BEFORE.search(folded_before)
    if match:
        words = match.group(1)
        if words in _EN_TYPES:
            return _EN_TYPES[words]
        if words != "van ban":
            found = type_by_name(words)
            if found is not None:
                return found.name
    named = _NAMED_TYPE_BEFORE.search(folded_before)
    if named:
        return "Luật" if named.group(1) == "law" else _title(named.group(1))
    from_symbol = type_from_symbol(number_symbol)
    return from_symbol[0].name if from_symbol else None


def _title(folded_name: str) -> str:
    found = type_by_name(folded_name)
    return found.name if found else {"bo luat": "Bộ luật"}.get(folded_name, folded_name)


def _issuer_after(text: str, folded: str, start: int) -> str | None:
    lead = _ISSUER_LEAD.match(folded, start, start + 24)
    if lead is None:
        return None
    words: list[str] = []
    position = lead.end()
    for match in re.finditer(r"\S+", text[position : position + 160]):
        word = match.group(0)
        bare = word.strip(",;.:()")
        folded_word = fold_vi(bare)
        if not bare or any(char.isdigit() for char in bare):
            break
        if bare[0].islower() and folded_word in _ISSUER_STOPS:
            break  # "… về …", "… quy định …" end the issuer; "Bộ Tài chính" keeps its capitalised "Tài"
        if folded_word == "hanh" and words and fold_vi(words[-1]) == "ban":
            words.pop()  # "… ban hành" is the verb, not "Ban …"
            break
        words.append(bare)
        if word != bare or len(words) >= _MAX_ISSUER_WORDS:
            break
    issuer = " ".join(words).strip()
    return issuer or None


def _own_key(number_symbol: str | None) -> str:
    return fold_vi("".join((number_symbol or "").split())).upper()


def _references_in(text: str, own: str | None) -> list[Reference]:
    folded = fold_same_length(text)
    own_key = _own_key(own)
    found: list[Reference] = []
    seen: set[str] = set()
    for match in _SYMBOL.finditer(text):
        number_symbol = "".join(match.group(0).split())
        key = _own_key(number_symbol)
        if (own_key and key == own_key) or key in seen:
            continue
        seen.add(key)
        after = match.end()
        separator = re.match(r"\s?[,(]?\s?", folded[after : after + 4])
        date_start = after + (separator.end() if separator else 0)
        date, consumed = parse_date_at(folded[date_start : date_start + _DATE_WINDOW])
        issuer_from = date_start + consumed if consumed else after
        doc_type = _cited_type(folded[max(0, match.start() - _LOOKBACK) : match.start()], number_symbol)
        issuer = _issuer_after(text, folded, issuer_from)
        found.append(Reference(number_symbol, doc_type, date, issuer))
    return found


def extract_references(text: str, own_number_symbol: str | None = None) -> list[Reference]:
    """List the documents cited in ``text``, each once, in order of first citation.

    Args:
        text: the document text (any string; NFC-normalised here).
        own_number_symbol: the document's own number/symbol, which is never reported. When None, the
            number after the header's ``Số`` label is used.

    Returns:
        The cited documents with type, date and issuer when the citation states them.
    """
    lines = prepare(text)
    if own_number_symbol is None:
        own = find_number_symbol(lines, find_body_start(lines))
        own_number_symbol = own.number_symbol if own else None
    return _references_in(flatten(lines).text, own_number_symbol)


def references_from_lines(lines: list[Line], own_number_symbol: str | None) -> list[Reference]:
    """Like :func:`extract_references` for already prepared lines (used by the metadata extractor)."""
    return _references_in(flatten(lines).text, own_number_symbol)
