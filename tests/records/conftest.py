"""Helpers for the inventory tests: spreadsheets written into tmp_path, a stored agency and fonds."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kho.agencies.models import Agency
from kho.records.models import Fonds

AGENCY_CODE = "H49.64.33"
FONDS_CODE = "P49.64.33"

RECORD_HEADER = [
    "Số TT",
    "Số, ký hiệu hồ sơ",
    "Tiêu đề hồ sơ",
    "Thời gian tài liệu",
    "Thời hạn bảo quản",
    "Số tờ/Số trang",
    "Ghi chú",
    "Mã phông",
    "Mã hồ sơ",
]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, delimiter: str = ",", bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_table(path: Path, rows: Sequence[Sequence[Any]], **kwargs: Any) -> Path:
    """Write ``rows`` as CSV or XLSX according to the suffix of ``path``."""
    return write_xlsx(path, rows) if path.suffix == ".xlsx" else write_csv(path, rows, **kwargs)


def record_row(
    n: int,
    *,
    code: str | None = None,
    title: str | None = None,
    period: str = "01/2020 - 12/2020",
    retention: str = "Vĩnh viễn",
    fonds: str = FONDS_CODE,
) -> list[Any]:
    return [
        n,
        f"{n:02d}.VP",
        title or f"Hồ sơ về công tác văn thư số {n}",
        period,
        retention,
        f"{n}/{2 * n}",
        "",
        fonds,
        code or f"{AGENCY_CODE}.2020.{n:02d}.VP",
    ]


@pytest.fixture
def agency(db: Any) -> Agency:
    return Agency.objects.create(code=AGENCY_CODE, legacy_code="000.00.33.H49", name="Ủy ban nhân dân phường Hồng Gai")


@pytest.fixture
def fonds(agency: Agency) -> Fonds:
    return Fonds.objects.create(code=FONDS_CODE, name="Phông UBND phường Hồng Gai", agency=agency)
