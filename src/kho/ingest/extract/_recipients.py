"""Recipients: ``Kính gửi:`` (inline or as ``- …;`` lines) and the ``Nơi nhận:`` list without ``Lưu: …``."""

from __future__ import annotations

import re

from kho.core.text import fold_vi
from kho.ingest.extract._header import is_body_start
from kho.ingest.extract._signature import split_columns
from kho.ingest.extract._text import Line, is_upper

_KINH_GUI = re.compile(r"(dong )?kinh\s?gui\s?:?\s*")
_NOI_NHAN = re.compile(r"noi\s?nhan\s?:?\s*")
_ITEM = re.compile(r"^[-–—•+~]\s*")
_ARCHIVE = re.compile(r"luu\s?(:|vt|van thu|\b)")
_MARKER = re.compile(r"(t\s?/\s?m|k\s?/\s?t|t\s?/\s?l|tm|kt|tl|tuq|q)[.\s]")
_MAX_ITEMS = 60
_MAX_INLINE_CONTINUATION = 40


def _tidy(item: str) -> str:
    return " ".join(item.split()).strip(" ;,.:-–")


def _collect_items(lines: list[Line], start: int, *, dashed_only: bool) -> list[str]:
    """Collect ``- …;`` items from ``start`` until the list ends; undashed OCR lists end at a full stop."""
    items: list[str] = []
    for line in lines[start : start + 2 * _MAX_ITEMS]:
        if line.is_separator:
            if items:
                break
            continue
        text = split_columns(line.text)[0]
        dashed = _ITEM.match(text)
        if dashed:
            items.append(text[dashed.end() :])
        elif _is_list_end(line):
            break
        elif items and not items[-1].rstrip().endswith((";", ".")):
            items[-1] = f"{items[-1]} {text}"
        elif not dashed_only and (not items or items[-1].endswith(";")):
            items.append(text)
        else:
            break
    return [tidy for tidy in map(_tidy, items) if tidy]


def _is_list_end(line: Line) -> bool:
    return is_body_start(line) or is_upper(line.text) or bool(_MARKER.match(line.folded))


def _kinh_gui(lines: list[Line], index: int) -> list[str]:
    line = lines[index]
    match = _KINH_GUI.match(line.folded)
    if match is None:
        return []
    rest = line.text[match.end() :].strip()
    if not rest:
        return _collect_items(lines, index + 1, dashed_only=False)
    parts = [rest]
    for following in lines[index + 1 : index + 3]:
        if following.is_separator or is_body_start(following) or parts[-1].endswith((".", ";", ":")):
            break
        if len(following.text) > _MAX_INLINE_CONTINUATION or _ITEM.match(following.text):
            break
        parts.append(following.text)
    return [_tidy(" ".join(parts)), *_collect_items(lines, index + len(parts), dashed_only=True)]


def find_recipients(lines: list[Line]) -> list[str]:
    """List the recipients from ``Kính gửi``/``Đồng kính gửi`` and ``Nơi nhận``, dropping ``Lưu: VT, …``.

    Args:
        lines: the document lines.

    Returns:
        Recipient strings as printed (dash and trailing ``;`` removed), without duplicates, in order.
    """
    found: list[str] = []
    for index, line in enumerate(lines):
        if _KINH_GUI.match(line.folded) and not line.folded.startswith("kinh gui kem"):
            found.extend(_kinh_gui(lines, index))
        elif noi_nhan := _NOI_NHAN.match(line.folded):
            rest = split_columns(line.text)[0][noi_nhan.end() :].strip()
            first = lines[index + 1].text if index + 1 < len(lines) else ""
            dashed_only = bool(_ITEM.match(first))
            items = ([rest] if rest else []) + _collect_items(lines, index + 1, dashed_only=dashed_only)
            found.extend(items)
            break
    result: list[str] = []
    for item in found:
        if item and item not in result and not _ARCHIVE.match(fold_vi(item)):
            result.append(item)
    return result
