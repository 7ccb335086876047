"""A province with a district about to be dissolved into the provincial archive, and table writers."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kho.agencies.models import Agency, AgencyLevel, RelationKind
from kho.handover.actions import CreateReorganizationAction, ReorganizationSpec
from kho.handover.models import ReorganizationEvent
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.models import Blob
from tests import factories

EFFECTIVE = dt.date(2025, 7, 1)
DECISION = "1234/QĐ-UBND"
_seq = itertools.count(1)


def document(record: Record, **fields: Any) -> Document:
    """A document with full key metadata unless ``fields`` says otherwise."""
    ordinal = record.documents.count() + 1
    values: dict[str, Any] = {
        "number_symbol": f"{ordinal:02d}/UBND-VP",
        "issued_date": dt.date(2024, 3, ordinal),
        "type_code": "22",
        "subject": f"V/v báo cáo công tác số {ordinal}",
        "organ_name": "UBND huyện Hoành Bồ",
        "page_from": ordinal * 2 - 1,
        "page_to": ordinal * 2,
        "number_of_page": 2,
    }
    values.update(fields)
    return Document.objects.create(
        record=record,
        ordinal=ordinal,
        doc_id=f"{record.file_code}.{ordinal}",
        doc_code=f"{record.file_code}.{ordinal:07d}",
        **values,
    )


def digital_object(
    doc: Document, *, size: int = 1_048_576, checked: dt.datetime | None = None, ok: bool | None = True
) -> DigitalObject:
    digest = "sha256:" + hashlib.sha256(f"{doc.doc_code}-{next(_seq)}".encode()).hexdigest()
    blob = Blob.objects.create(
        digest=digest, size=size, storage_key=digest[7:], last_fixity_at=checked, last_fixity_ok=ok if checked else None
    )
    return DigitalObject.objects.create(
        document=doc, blob=blob, role="master", media_type="application/pdf", filename=f"{doc.doc_code}.pdf"
    )


@dataclass
class World:
    province: Agency
    archive: Agency
    home_affairs: Agency
    district: Agency
    fonds: Fonds
    records: list[Record]
    late: Document
    secret: Document


@pytest.fixture
def world() -> World:
    """District H49.64 (fonds PH49.64, 3 records, 6 documents, one dated after 1/7/2025, one secret)."""
    province = factories.agency("H49", name="Ủy ban nhân dân tỉnh Quảng Ninh", level=AgencyLevel.PROVINCE)
    archive = factories.agency(
        "H49.20", name="Trung tâm Lưu trữ lịch sử tỉnh Quảng Ninh", parent=province, valid_from=dt.date(2008, 1, 1)
    )
    home_affairs = factories.agency("H49.01", name="Sở Nội vụ tỉnh Quảng Ninh", parent=province)
    district = factories.agency(
        "H49.64",
        name="Ủy ban nhân dân huyện Hoành Bồ",
        level=AgencyLevel.DISTRICT,
        parent=province,
        valid_from=dt.date(1994, 1, 1),
    )
    fonds = factories.fonds("PH49.64", owner=district, name="Phông Ủy ban nhân dân huyện Hoành Bồ")
    records = [
        factories.record(
            f"H49.64.2024.{n:02d}.VP",
            in_fonds=fonds,
            file_number=f"{n:02d}.VP",
            title=f"Hồ sơ công tác văn phòng năm 2024 số {n}",
            start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2024, 12, 31) if n < 3 else dt.date(2025, 8, 31),
            number_of_paper=4,
            box=f"H{(n + 1) // 2:02d}",
            digitization_status="verified" if n == 1 else "digitized",
        )
        for n in (1, 2, 3)
    ]
    docs = [document(records[0]), document(records[0]), document(records[1]), document(records[1])]
    secret = document(records[1], secrecy_level=1, subject="Kế hoạch bảo vệ bí mật nhà nước")
    late = document(records[2], issued_date=dt.date(2025, 8, 15), subject="Công văn ban hành sau ngày giải thể")
    now = dt.datetime.now(dt.UTC)
    for doc in docs:
        digital_object(doc, checked=now)
    return World(province, archive, home_affairs, district, fonds, records, late, secret)


def dissolution(world: World, **overrides: Any) -> ReorganizationEvent:
    """The stored (not applied) dissolution of the district: functions to Home Affairs, fonds to the archive."""
    values: dict[str, Any] = {
        "kind": RelationKind.DISSOLVE,
        "effective_date": EFFECTIVE,
        "decision_number": DECISION,
        "decision_date": dt.date(2025, 6, 16),
        "issuing_body": "Ủy ban nhân dân tỉnh Quảng Ninh",
        "predecessors": (world.district.code,),
        "successors": (world.home_affairs.code,),
        "receivers": {world.district.code: world.archive.code},
    }
    values.update(overrides)
    return CreateReorganizationAction(ReorganizationSpec(**values)).execute()


def write_table(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """Write ``rows`` as CSV (UTF-8 with BOM) or XLSX according to the suffix."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return path


def pdf_text(path: Path) -> str:
    """The text of a PDF, white space collapsed (``pdftotext -raw``: content order keeps table cells whole)."""
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())
