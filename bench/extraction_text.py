"""Accuracy of the text metadata extractor on the 278 real documents of vn-admin-docs.

Usage: ``.venv/bin/python bench/extraction_text.py [DOCS_DIR]`` (default
``../shared/testdata/vn-admin-docs``). The scoring functions are importable and print nothing, so
``bench/extraction.py`` can combine them with the OCR benchmarks.

Rules (per field, exact after the normalisation stated):

* ``number_symbol``: case- and space-insensitive equality with ``so_hieu``; rows with ``header_in_text``.
* ``issued_date``: ISO equality with ``ngay_ban_hanh``; rows with ``header_in_text``.
* ``doc_type``: our type name equals ``loai_van_ban`` (accent/case-insensitive); the site's "Văn bản khác"
  (Party Kết luận) is matched by TT05 code 32; rows with ``header_in_text``.
* ``issuer``: rows with ``header_in_text``. The site normalises the issuer (``Tỉnh Hà Tĩnh`` for
  ``ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH``), so both sides are folded (no accents, lower case, punctuation dropped,
  ``UBND``/``HĐND``/``TP`` expanded) and the issuer matches when the site's words appear contiguously in our
  issuer, or split as "<unit words in our issuer> <locality words in our parent>" (``Sở Giáo dục và Đào tạo
  Thành phố Hồ Chí Minh`` = ``SỞ GIÁO DỤC VÀ ĐÀO TẠO`` under ``ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH``), or
  contiguously in our parent: the site files a subordinate unit's documents under its superior
  (``Thành phố Hà Nội`` for the city's Trung tâm Phục vụ hành chính công).
* ``signer``: equality with ``nguoi_ky`` after NFC, white-space collapsing and one tone-mark placement
  (the text prints ``Lê Hải Hoà``, the site ``Lê Hải Hòa``); every row with a non-empty text
  (the name is in the signature block, which the 18 header-less rows still have).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kho.core.text import clean, fold_vi
from kho.ingest.extract import ExtractedMetadata, extract_metadata

DEFAULT_DOCS_DIR = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "vn-admin-docs"
FIELDS = ("number_symbol", "issued_date", "doc_type", "issuer", "signer")
# Old and new tone placement ("Hoà"/"Hòa", "Thuý"/"Thúy") spell the same name; compare in one form.
_OLD_TONE = re.compile("([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])")
_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tp": "thanh pho"}

Row = dict[str, Any]


def load_rows(docs_dir: Path) -> list[tuple[Row, str]]:
    """Read ``ground_truth.jsonl`` and each row's text (NFC, as stored)."""
    rows: list[tuple[Row, str]] = []
    with (docs_dir / "ground_truth.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows.append((row, (docs_dir / row["file"]).read_text(encoding="utf-8")))
    return rows


def _words(text: str | None) -> list[str]:
    words = re.findall(r"[a-z0-9]+", fold_vi(text or ""))
    expanded: list[str] = []
    for word in words:
        expanded.extend(_ABBREVIATIONS.get(word, word).split())
    return expanded


def _contains(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return True
    width = len(needle)
    return any(haystack[start : start + width] == needle for start in range(len(haystack) - width + 1))


def issuer_matches(issuer: str | None, parent: str | None, expected: str) -> bool:
    """Apply the issuer containment rule of the module docstring."""
    ours, theirs, above = _words(issuer), _words(expected), _words(parent)
    if not ours or not theirs:
        return False
    if _contains(ours, theirs) or (above and _contains(above, theirs)):
        return True
    return any(_contains(ours, theirs[:cut]) and _contains(above, theirs[cut:]) for cut in range(1, len(theirs)))


def same_name(got: str | None, expected: str) -> bool:
    """Names are equal after NFC, white-space collapsing and moving old-style tone marks (``oà`` -> ``òa``)."""

    def canonical(name: str) -> str:
        return clean(_OLD_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", name)))

    return got is not None and canonical(got) == canonical(expected)


def _same_symbol(got: str | None, expected: str) -> bool:
    return got is not None and "".join(got.split()).upper() == "".join(expected.split()).upper()


def _same_type(meta: ExtractedMetadata, expected: str) -> bool:
    if expected == "Văn bản khác":
        return meta.doc_type_code == "32"
    return meta.doc_type is not None and fold_vi(meta.doc_type) == fold_vi(expected)


_CHECKS: dict[str, Callable[[ExtractedMetadata, Row], bool]] = {
    "number_symbol": lambda meta, row: _same_symbol(meta.number_symbol, row["so_hieu"]),
    "issued_date": lambda meta, row: meta.issued_date == row["ngay_ban_hanh"],
    "doc_type": lambda meta, row: _same_type(meta, row["loai_van_ban"]),
    "issuer": lambda meta, row: issuer_matches(meta.issuer, meta.issuer_parent, row["noi_ban_hanh"]),
    "signer": lambda meta, row: same_name(meta.signer, row["nguoi_ky"]),
}


def _applies(field: str, row: Row, text: str) -> bool:
    if field == "signer":
        return bool(text.strip()) and bool(row.get("nguoi_ky"))
    return bool(row.get("header_in_text"))


def evaluate_vn_admin_docs(docs_dir: Path = DEFAULT_DOCS_DIR) -> dict[str, list[tuple[str, bool, str]]]:
    """Run the extractor on every document and check each field that applies.

    Returns:
        field -> list of ``(file, correct, "expected | got")`` for each row the field applies to.
    """
    results: dict[str, list[tuple[str, bool, str]]] = {field: [] for field in FIELDS}
    expected_keys = {
        "number_symbol": "so_hieu",
        "issued_date": "ngay_ban_hanh",
        "doc_type": "loai_van_ban",
        "issuer": "noi_ban_hanh",
        "signer": "nguoi_ky",
    }
    for row, text in load_rows(docs_dir):
        meta = extract_metadata(text)
        for field in FIELDS:
            if not _applies(field, row, text):
                continue
            got = getattr(meta, field)
            if field == "issuer":
                got = f"{meta.issuer} < {meta.issuer_parent}"
            detail = f"{row[expected_keys[field]]} | {got}"
            results[field].append((row["file"], _CHECKS[field](meta, row), detail))
    return results


def score_vn_admin_docs(docs_dir: Path = DEFAULT_DOCS_DIR) -> dict[str, float]:
    """Per-field accuracy (0..1) of :func:`extract_metadata` on vn-admin-docs; see the module docstring."""
    results = evaluate_vn_admin_docs(docs_dir)
    return {field: sum(ok for _, ok, _ in rows) / len(rows) if rows else 0.0 for field, rows in results.items()}


def main(argv: list[str] | None = None) -> int:
    """Print the accuracy table, then the failing documents per field."""
    args = sys.argv[1:] if argv is None else argv
    docs_dir = Path(args[0]) if args else DEFAULT_DOCS_DIR
    results = evaluate_vn_admin_docs(docs_dir)
    print(f"{'field':<15} {'correct':>8} {'total':>6} {'accuracy':>9}")
    for field, rows in results.items():
        correct = sum(ok for _, ok, _ in rows)
        print(f"{field:<15} {correct:>8} {len(rows):>6} {correct / max(len(rows), 1):>9.1%}")
    for field, rows in results.items():
        for file, ok, detail in rows:
            if not ok:
                print(f"FAIL {field:<14} {file}: {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
