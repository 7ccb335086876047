"""Signature block: authority, position (title) and the signer's name.

Authorities: ``TM.``, ``KT.``, ``TL.``, ``TUQ.``, ``Q.``; Party ``T/M``, ``K/T``, ``T/L``.

Layout (standards.md §5): authority line(s), then the position in upper case, then the full name, often after
``(Đã ký)`` or a blank space left for the signature. The block sits next to the ``Nơi nhận`` list, before any
appendix, so the block nearest after ``Nơi nhận`` (or after the body's closing ``./.``) is chosen.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kho.core.text import fold_vi
from kho.ingest.extract._text import Line, fold_same_length, is_garbled, is_upper

_MARKER = re.compile(r"(t\s?/\s?m|k\s?/\s?t|t\s?/\s?l|tm|kt|tl|tuq)(\.|\s|$)|q\.\s")
_POSITION_START = re.compile(
    r"(pho |thu truong|chu tich|bo truong|thu tuong|giam doc|cuc truong|truong |chanh |chu nhiem|bi thu|"
    r"tong |hieu truong|vien truong|thong doc|uy vien|thuong truc|chi cuc truong|ky thay)"
)
_POSITION_ANY = re.compile(
    r"\b(chu tich|bo truong|thu truong|thu tuong|giam doc|cuc truong|truong ban|chanh van phong|chu nhiem|"
    r"bi thu|truong phong|hieu truong|vien truong|chanh an|truong thue|thong doc|tong kiem toan|"
    r"tong giam doc|chanh thanh tra|tong thanh tra|truong|giam doc)\b"
)
_SIGNED = re.compile(r"\(?\s*(da ky|ky,? |ky ten|ky so|ky va|dong dau)[^)]*\)?\s*$")
_PARENTHESES = re.compile(r"\([^)]*\)")
# Military ranks and academic titles printed before the signer's name: "Thượng tướng Vũ Hải Sản", "PGS.TS. …".
_HONORIFIC = re.compile(r"^(?:(?:dai|thuong|trung|thieu)\s(?:tuong|ta|uy)\s|(?:(?:gs|pgs|ts|ths|bs|ks|ls|tskh)\.\s?)+)")
_SURNAMES = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
    "duong", "ly", "mai", "dinh", "truong", "lam", "phung", "cao", "ta", "dao", "ha", "luong", "au",
    "manh", "trinh", "doan", "vuong", "tong", "chu", "hua", "thai", "luu", "quach", "kieu", "trieu",
    "nong", "lo", "khuat", "tieu", "giang", "la", "lai", "son", "thach", "danh", "kim", "dieu", "ninh",
    "bach", "quan", "ton", "nghiem", "diep", "mac", "hau", "chau", "tang", "lu", "lang", "thieu", "khong",
    "an", "bien", "cu", "khuc", "ong", "ung", "cam", "vi", "yen", "mong",
}  # fmt: skip
_NOT_NAME = {"nhu", "noi", "kinh", "luu", "ban", "so", "bo", "cuc", "uy", "phong", "van", "trung", "tinh"}
_MAX_BLOCK_LINES = 10
_MAX_BLOCK_CHARS = 90
_MIN_NAME_WORDS = 2
_MAX_NAME_WORDS = 6
_UPPER_NAME_SCORE = 0.6
_MAX_RIGHT_UPPER = 60
_MAX_RIGHT_CHARS = 80
_RIGHT_NAME_SCORE = 0.9
_MIN_MERGED_LINES = 2
_WINDOW = 45
_MAX_DEBRIS_CHARS = 30
_LEADING_DEBRIS = " :;.,_=~^ˆ'\"“”‘’|"
# "Nơi nhận" as OCR reads it: "Nơi nhộn", "Noi nhan", "Nơinhận".
_NOI_NHAN = re.compile(r"n[o0]i\s?nh[a-z]{1,2}n\b")
_LIST_MARKS = "-–—~•+* "  # how a "Nơi nhận" entry starts (OCR reads the dash as any of these)


class Signature(NamedTuple):
    """Signer name, title (position), authority lines joined by `` / `` and a confidence."""

    signer: str | None
    title: str | None
    authority: str | None
    confidence: float


def _strip_honorific(text: str) -> str:
    text = " ".join(_PARENTHESES.sub(" ", text).split()).strip(" .,;*")
    match = _HONORIFIC.match(fold_same_length(text))
    return text[match.end() :].strip() if match else text


def _name_score(text: str) -> float:
    """0 when ``text`` is not a person's name, else a confidence that it is one."""
    text = _strip_honorific(text)
    words = text.split()
    if not _MIN_NAME_WORDS <= len(words) <= _MAX_NAME_WORDS or not all(word.isalpha() for word in words):
        return 0.0
    first = fold_vi(words[0])
    if first in _NOT_NAME:
        return 0.0
    if all(word[0].isupper() and (len(word) == 1 or word[1:].islower()) for word in words):
        return 0.9 if first in _SURNAMES else 0.7
    if is_upper(text) and first in _SURNAMES and not _POSITION_ANY.search(fold_vi(text)):
        return _UPPER_NAME_SCORE
    return 0.0


def _clean_name(text: str) -> str:
    return _strip_honorific(text)


def _is_debris(text: str) -> bool:
    """A short line of seal or signature debris inside the signature block, skipped like a blank line."""
    return len(text) <= _MAX_DEBRIS_CHARS and is_garbled(text)


def _is_block_line(line: Line) -> bool:
    return is_upper(line.text) and _name_score(line.text) < _UPPER_NAME_SCORE and len(line.text) <= _MAX_BLOCK_CHARS


def _starts_block(line: Line) -> bool:
    if not _is_block_line(line):
        return False
    return bool(_MARKER.match(line.folded) or _POSITION_ANY.search(line.folded))


class _Block(NamedTuple):
    start: int
    lines: list[str]
    name: str
    score: float


def _block_at(lines: list[Line], start: int) -> _Block | None:
    block: list[str] = []
    index = start
    while index < len(lines) and index < start + _MAX_BLOCK_LINES:
        line = lines[index]
        if line.is_separator or _SIGNED.match(line.folded) or _is_debris(line.text):
            index += 1
            continue
        score = _name_score(line.text)
        if score and block:
            return _Block(start, block, _clean_name(line.text), score)
        if not _is_block_line(line):
            return None
        block.append(line.text)
        index += 1
    return None


def _blocks(lines: list[Line]) -> list[_Block]:
    found: list[_Block] = []
    index = 0
    while index < len(lines):
        if _starts_block(lines[index]):
            block = _block_at(lines, index)
            if block is not None:
                found.append(block)
                index += len(block.lines)
                continue
        index += 1
    return found


def _is_noi_nhan(line: Line) -> bool:
    return _NOI_NHAN.match(line.folded) is not None


def _anchor(lines: list[Line]) -> int:
    for index, line in enumerate(lines):
        if _is_noi_nhan(line):
            return index
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].text.endswith("./."):
            return index
    return len(lines)


def _choose(blocks: list[_Block], anchor: int) -> _Block | None:
    after = [block for block in blocks if anchor <= block.start <= anchor + _WINDOW]
    if after:
        return after[0]
    before = [block for block in blocks if block.start < anchor]
    if before:
        return before[-1]
    return blocks[0] if blocks else None


def _split_block(block_lines: list[str]) -> tuple[list[str], list[str]]:
    """Split the upper-case lines of a block into authority entries and title entries."""
    authority: list[str] = []
    titles: list[str] = []
    for text in block_lines:
        folded = fold_vi(text)
        if _MARKER.match(folded):
            authority.append(text)
        elif authority and not titles and (authority[-1].endswith(",") or not _POSITION_START.match(folded)):
            authority[-1] = f"{authority[-1]} {text}"
        elif titles and not _POSITION_START.match(folded):
            titles[-1] = f"{titles[-1]} {text}"
        else:
            titles.append(text)
    if not titles and authority and fold_vi(authority[-1]).startswith("q."):
        # "Q. GIÁM ĐỐC": an acting head signs in the position itself.
        titles = [authority[-1][2:].strip()]
    elif not titles and authority:
        # "KT. TRƯỞNG BAN GIÁM SÁT QUẢN LÝ VỀ HQ PHÓ TRƯỞNG BAN" printed on one line.
        last = authority[-1]
        cut = fold_vi(last).rfind(" pho ")
        if cut > 0:
            authority[-1], titles = last[:cut], [last[cut + 1 :]]
    return authority, titles


def split_columns(text: str) -> tuple[str, str | None]:
    """Split an OCR line that merged the ``Nơi nhận`` column with the signature column.

    ``"Thành ủy, HĐND, UBND thành phố; Lê Thị Bích Thuận"`` -> (``"Thành ủy, HĐND, UBND thành phố;"``,
    ``"Lê Thị Bích Thuận"``). The right part must read as a signature line: an upper-case position,
    ``(Đã ký)`` or a name.

    Args:
        text: one printed line.

    Returns:
        ``(left, right)``; ``right`` is None when the line is not a merged one.
    """
    for match in re.finditer(r"[;:.,]\s+", text):
        if len(text) - match.end() > _MAX_RIGHT_CHARS:
            continue  # the signature column is short; skip early so long lines stay linear
        left, right = text[: match.start() + 1], text[match.end() :]
        if not any(char.islower() for char in left) or fold_vi(left).lstrip(_LIST_MARKS).startswith("luu"):
            continue  # "KT. BỘ TRƯỞNG" and "- Lưu: VT, VP." are not two columns
        folded = fold_same_length(right)
        if match.group(0).startswith(",") and not _POSITION_START.match(folded):
            continue  # Party entries end with ",": only a position ("Tỉnh ủy viên, PHÓ BÍ THƯ") starts a column
        upper_line = is_upper(right) and len(right) <= _MAX_RIGHT_UPPER
        if upper_line or _SIGNED.match(folded) or _name_score(right) >= _RIGHT_NAME_SCORE:
            return left, right.lstrip(_LEADING_DEBRIS) or right
    return text, None


def _right_column(lines: list[Line], anchor: int) -> list[Line]:
    """The signature column of OCR lines after ``Nơi nhận`` that merged both columns."""
    column: list[Line] = []
    for line in lines[anchor : anchor + _WINDOW]:
        _, right = split_columns(line.text)
        if right is not None and _is_debris(right):
            continue
        if right is not None:
            column.append(Line(right, fold_same_length(right), bold=False))
        elif line.folded.lstrip(_LIST_MARKS).startswith("luu") or line.text.startswith(tuple(_LIST_MARKS[:-1])):
            continue  # a "Nơi nhận" entry ("- Lưu: VT, CVTLNN." reads as upper case), never the signature
        elif not line.is_separator and (_is_block_line(line) or _name_score(line.text)):
            column.append(line)
    return column


def find_signature(lines: list[Line]) -> Signature:
    """Find the signature block and read the signer's name, title and authority.

    Args:
        lines: the document lines.

    Returns:
        The signature fields (Nones when no block with a name-like line is found).
    """
    anchor = _anchor(lines)
    block = None
    if anchor < len(lines) and _is_noi_nhan(lines[anchor]):
        merged = sum(split_columns(line.text)[1] is not None for line in lines[anchor : anchor + _WINDOW])
        # "Nơi nhận: KT. CHỦ TỊCH" on one line is proof enough that OCR read both columns row by row.
        if merged >= _MIN_MERGED_LINES or split_columns(lines[anchor].text)[1] is not None:
            block = _choose(_blocks(_right_column(lines, anchor)), 0)
    if block is None:
        block = _choose(_blocks(lines), anchor)
    if block is None:
        return Signature(None, None, None, 0.0)
    authority, titles = _split_block(block.lines)
    title = ", ".join(" ".join(item.split()).rstrip(" .,;:") for item in titles) or None
    joined = " / ".join(" ".join(item.split()).rstrip(",") for item in authority) or None
    return Signature(block.name, title, joined, block.score)
