"""Header fields: where the body starts, issuing body and parent, type line, trích yếu, secrecy and urgency.

Layout facts are those of standards.md §5: the left header column holds the parent body over the issuing body
(State) or the superior Party body over the issuing body then ``*`` (Party); the right column holds the national
motto or ``ĐẢNG CỘNG SẢN VIỆT NAM``; the type line is centred under both, with the summary below it; a công
văn has no type line but a ``V/v …`` line under the number.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kho.core.codetables import SecrecyLevel, Urgency
from kho.core.text import fold_vi
from kho.ingest.extract._text import Line, collapse, fold_same_length, has_diacritics, is_upper
from kho.ingest.extract._types import TypeLine, match_type_line

_BODY_START = re.compile(
    r"(?:[-+•*]\s?)?(can cu|kinh gui|dong kinh gui|thuc hien|theo de nghi|xet de nghi|xet bao cao|xet to trinh|"
    r"dieu 1\b|tai phien hop|tai cuoc hop|tai buoi|tren co so|sau khi|ngay \d{1,2}( thang |/))"
)
_MOTTO = re.compile(r"cong hoa xa hoi|cong hoa|doc lap\s?-?\s?tu do|dang cong san|^dang cong$|^san viet nam$|hanh phuc")
_DATE_LINE = re.compile(r".{0,40},\s?ngay\s?\d")
_NUMBER_LABEL = re.compile(r"s[o0-9&]\s?[:;.]?\s?[0-9o]")
# A line starting with one of these opens a new body in the left header column.
_BODY_HEADS = re.compile(
    r"(uy ban|ubnd|hoi dong|hdnd|bo |cuc |tong cuc|chi cuc|so |van phong|ban |thu tuong|chinh phu|"
    r"thue |dang bo|dang uy|tinh uy|thanh uy|huyen uy|quan uy|thi uy|cong an|phong |truong |trung tam|"
    r"vien |toa an|kiem toan|ngan hang|bao hiem|doan |mat tran|hoi |bo chi huy|bo tu lenh|quan khu|"
    r"chi nhanh|kho bac|dai hoc|hoc vien|benh vien|tap doan|tong cong ty|cong ty|lien doan|chi bo)"
)
# A line ending with one of these words continues on the next line ("ỦY BAN NHÂN" / "DÂN").
_DANGLING = {"va", "cua", "nhan", "ban", "van", "uy", "hoi", "dong", "tong", "chi", "thu", "truong", "bo"}
_VV = re.compile(r"(?:[Vv]\s?[/lI1|]\s?%?\s?[vV]|[Vv][íÍ]|[Vv]/(?=\s))(?![\w])\s?[:.]?\s*")  # V/ : OCR lost the v
_VE = re.compile(r"Về\s+(?=\w)")
_VE_VIEC = re.compile(r"ve viec\s?[:.]?\s+")
_AUTHORITY_HEADING = re.compile(
    r"(chinh phu|thu tuong|chu tich|bo truong|uy ban nhan dan|hoi dong nhan dan|giam doc|cuc truong|"
    r"chanh van phong|truong ban|ban thuong vu|ban chap hanh|thu truong|hieu truong|vien truong|"
    r"tong giam doc|tong cuc truong)\b"
)
_CONNECTORS = {"va", "cua", "ve", "tai", "theo", "cho", "voi", "thuoc", "tren", "den", "nam", "giai", "doan"}
_MAX_SUMMARY_LINES = 8
_MAX_CLEAN_HEADER_LINES = 4
_LAST_WORD_CHARS = 24
_MAX_STAMP_WORDS = 4
_HEADER_LINES = 60
_SECRECY = {"mat": "MẬT", "toi mat": "TỐI MẬT", "tuyet mat": "TUYỆT MẬT"}
_URGENCY = {"khan": Urgency.KHAN, "thuong khan": Urgency.THUONG_KHAN, "hoa toc": Urgency.HOA_TOC}


class Issuer(NamedTuple):
    """Issuing body, its parent (or None) and the confidence of the pair."""

    issuer: str | None
    parent: str | None
    confidence: float


class Summary(NamedTuple):
    """Type line (if any), the trích yếu (if any) and whether it came from a ``V/v`` line."""

    type_line: TypeLine | None
    summary: str | None
    from_vv: bool
    type_index: int | None = None


def is_body_start(line: Line) -> bool:
    """Tell whether ``line`` starts the body (``Căn cứ…``, ``Kính gửi:``, ``Thực hiện…``, ``Điều 1.``…)."""
    if line.is_separator or is_upper(line.text):
        return False
    match = _BODY_START.match(line.folded)
    if not match:
        return False
    if match.group(1).startswith("ngay"):
        # "ngày 10 tháng 4 năm 2025" alone is a split place-date line, not a body sentence.
        return len(line.text) > len(match.group(0)) + 16  # group(0) includes a leading dash, if any
    return True


def find_body_start(lines: list[Line]) -> int:
    """Index of the first body line (see :func:`is_body_start`), or ``len(lines)``."""
    for index, line in enumerate(lines):
        if is_body_start(line):
            return index
    return len(lines)


def _left_column(lines: list[Line], stop: int) -> list[str]:
    texts: list[str] = []
    for line in lines[: min(stop, _HEADER_LINES)]:
        if line.is_separator or _NUMBER_LABEL.match(line.folded) or _DATE_LINE.match(line.folded):
            continue
        cut = _MOTTO.search(line.folded)
        text = line.text[: cut.start()] if cut else line.text
        text = collapse(text)
        if text and is_upper(text) and stamp_of(text) is None:
            texts.append(text)
    return texts


def fold_words(text: str) -> list[str]:
    """Fold ``text`` and split it into lower-case ASCII words (letters and digits only)."""
    return re.findall(r"[a-z0-9]+", fold_vi(text))


def _starts_body(previous: str, text: str) -> bool:
    last_words = fold_words(previous[-_LAST_WORD_CHARS:])[-1:]
    if (last_words and last_words[0] in _DANGLING) or previous.endswith(","):
        return False
    return _BODY_HEADS.match(" ".join(fold_words(text)) + " ") is not None


def find_issuer(lines: list[Line], stop: int) -> Issuer:
    """Read the issuing body and its parent from the left header column.

    Args:
        lines: the document lines.
        stop: index of the first line that is not part of the top header (number, type line or body).

    Returns:
        The issuer and parent as printed (joined across line breaks), or Nones.
    """
    texts = _left_column(lines, stop)
    if not texts:
        return Issuer(None, None, 0.0)
    bodies: list[str] = [texts[0]]
    for text in texts[1:]:
        if _starts_body(bodies[-1], text):
            bodies.append(text)
        else:
            bodies[-1] = f"{bodies[-1]} {text}"
    issuer = bodies[-1]
    parent = bodies[-2] if len(bodies) > 1 else None
    confidence = 0.9 if len(texts) <= _MAX_CLEAN_HEADER_LINES else 0.7
    if not has_diacritics(issuer):
        confidence = min(confidence, 0.75)
    return Issuer(issuer, parent, confidence)


def find_vv(lines: list[Line], limit: int, number_index: int | None = None) -> tuple[int, str] | None:
    """Find the ``V/v …`` line of a công văn (also ``Vlv``, ``Ví``, ``V/V``) and return (index, rest).

    A ``V/v`` alone on its line takes the next line as its text. Some công văn print ``Về …`` instead of
    ``V/v …``; that form is accepted on the two lines right under the number.
    """
    for index in range(min(limit, len(lines))):
        text = lines[index].text
        match = _VV.match(text)
        if match is None and number_index is not None and 0 < index - number_index <= 2:
            match = _VE.match(text) if not is_upper(text) else None
        if match is None:
            continue
        rest = text[match.end() :]
        if not rest and index + 1 < len(lines) and not lines[index + 1].is_separator:
            return index + 1, lines[index + 1].text
        if rest:
            return index, rest
    return None


def _vv_continuation(lines: list[Line], start: int, first: str) -> str:
    parts = [first]
    for line in lines[start + 1 : start + 4]:
        if line.is_separator or is_body_start(line) or is_upper(line.text) or line.bold:
            break
        if _MOTTO.search(line.folded) or _DATE_LINE.match(line.folded) or _NUMBER_LABEL.match(line.folded):
            break
        if parts[-1].rstrip().endswith((".", ";")):
            break
        parts.append(line.text)
    return " ".join(parts)


def _summary_stop(line: Line, parts: list[str], *, upper_mode: bool | None, first_bold: bool) -> bool:
    if is_body_start(line) or _MOTTO.search(line.folded) or re.match(r"\w+( \w+)?\s?:$", line.folded):
        return True
    if parts and line.bold and not first_bold:
        return True
    upper = is_upper(line.text)
    if upper_mode is not None and upper != upper_mode:
        return True
    if parts and upper and _AUTHORITY_HEADING.match(line.folded):
        previous = fold_words(parts[-1])
        return not (parts[-1].rstrip().endswith(",") or (previous and previous[-1] in _CONNECTORS))
    return False


def _type_summary(lines: list[Line], index: int, rest: str) -> str | None:
    parts = [rest] if rest else []
    upper_mode = is_upper(rest) if rest else None
    first_bold = False
    for line in lines[index + 1 : index + 1 + 2 * _MAX_SUMMARY_LINES]:
        if len(parts) >= _MAX_SUMMARY_LINES:
            break
        if line.is_separator:
            if parts:
                break
            continue
        if _summary_stop(line, parts, upper_mode=upper_mode, first_bold=first_bold):
            break
        if not parts:
            upper_mode, first_bold = is_upper(line.text), line.bold
        parts.append(line.text)
    return " ".join(parts) if parts else None


def strip_summary_prefix(summary: str | None) -> str | None:
    """Remove a leading ``V/v`` or ``Về việc`` (any case, with or without accents) and tidy the text."""
    if not summary:
        return None
    text = collapse(summary)
    match = _VV.match(text)
    if match:
        text = text[match.end() :]
    match = _VE_VIEC.match(fold_same_length(text))
    if match:
        text = text[match.end() :]
    return collapse(text) or None


def find_summary(lines: list[Line], body_start: int, number_index: int | None = None) -> Summary:
    """Find the type line and the trích yếu (summary) under it, or the ``V/v`` line of a công văn.

    Args:
        lines: the document lines.
        body_start: index of the first body line.
        number_index: index of the line holding the ``Số`` label, if found.

    Returns:
        The type line (None for a công văn) and the summary without its ``V/v``/``Về việc`` prefix.
    """
    limit = min(body_start, _HEADER_LINES, len(lines))
    vv = find_vv(lines, limit, number_index)
    for index in range(limit):
        line = lines[index]
        if line.is_separator or not is_upper(line.text):
            continue
        type_line = match_type_line(line.text, line.folded)
        if type_line is None or (vv is not None and vv[0] < index):
            continue
        summary = _type_summary(lines, index, type_line.rest)
        return Summary(type_line, strip_summary_prefix(summary), from_vv=False, type_index=index)
    if vv is not None:
        return Summary(None, strip_summary_prefix(_vv_continuation(lines, vv[0], vv[1])), from_vv=True)
    return Summary(None, None, from_vv=False)


def stamp_of(text: str) -> tuple[str | None, Urgency | None] | None:
    """Parse a stamp line made only of secrecy/urgency marks (``MẬT``, ``TỐI MẬT``, ``HỎA TỐC``…).

    Args:
        text: the line, printed or folded.

    Returns:
        ``(secrecy_mark_or_None, urgency_or_None)``, or None when the line holds other words.
    """
    words = fold_words(text)
    if not words or len(words) > _MAX_STAMP_WORDS:
        return None
    secrecy: str | None = None
    urgency: Urgency | None = None
    index = 0
    while index < len(words):
        pair = " ".join(words[index : index + 2])
        if pair in _SECRECY or pair in _URGENCY:
            secrecy = _SECRECY.get(pair, secrecy)
            urgency = _URGENCY.get(pair, urgency)
            index += 2
        elif words[index] in _SECRECY or words[index] in _URGENCY:
            secrecy = _SECRECY.get(words[index], secrecy)
            urgency = _URGENCY.get(words[index], urgency)
            index += 1
        else:
            return None
    return secrecy, urgency


def find_stamps(lines: list[Line], body_start: int) -> tuple[str | None, float, Urgency | None, float]:
    """Find secrecy and urgency stamp lines in the header (a stamp stands alone on its line).

    Args:
        lines: the document lines.
        body_start: index of the first body line; stamps are searched up to a few lines after it.

    Returns:
        ``(classification, confidence, urgency, confidence)``; the highest mark wins when several are found.
    """
    classification: str | None = None
    urgency: Urgency | None = None
    confidence = {"secrecy": 0.0, "urgency": 0.0}
    order = list(_URGENCY.values())
    for line in lines[: min(len(lines), body_start + 3, _HEADER_LINES)]:
        stamp = stamp_of(line.folded) if not line.is_separator else None
        if stamp is None:
            continue
        value = 0.95 if is_upper(line.text) else 0.6
        secrecy, urgent = stamp
        if secrecy and SecrecyLevel.from_mark(secrecy) > SecrecyLevel.from_mark(classification):
            classification, confidence["secrecy"] = secrecy, value
        if urgent and (urgency is None or order.index(urgent) > order.index(urgency)):
            urgency, confidence["urgency"] = urgent, value
    return classification, confidence["secrecy"], urgency, confidence["urgency"]
