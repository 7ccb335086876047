"""The handover record and inventories that travel with a package as tag files (``handover/``).

They are produced by ``kho.handover.documents.build_handover_documents`` (PDF: handover record, inventory
of records, document lists, secret list) when that module is installed and a receiver is named. That
builder takes the fonds' current custodian as the giver, so when custody already passed to the receiver
(``ApplyReorganizationAction`` named it), or no receiver is named, a plain-text handover record (ND30
Annex V structure) and a CSV inventory are written here instead: an export never lacks them. Both print
the root hash, which is why they live outside the payload.
"""

from __future__ import annotations

import csv
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kho.agencies.models import Agency
from kho.handover.models import Custody
from kho.packages.formats.earkspec import Records
from kho.records.models import Fonds

__all__ = ["HandoverInput", "write_handover_documents"]


@dataclass(frozen=True, slots=True)
class HandoverInput:
    """What the handover documents state about one package (``records``: the exported specs, re-read lazily)."""

    fonds: Fonds
    receiver: Agency | None
    root_hash: str
    package_id: str
    records: Records
    documents: int
    files: int
    bytes: int
    created: datetime
    user: Any = None


def _builder() -> Callable[..., list[Path]] | None:
    """``build_handover_documents`` of the handover app, or None when it is not available."""
    try:
        module = importlib.import_module("kho.handover.documents")
    except ImportError:
        return None
    builder = getattr(module, "build_handover_documents", None)
    return builder if callable(builder) else None


def write_handover_documents(data: HandoverInput, out_dir: Path) -> list[Path]:
    """Write the handover record and inventories into ``out_dir``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    builder = _builder()
    if builder is not None and data.receiver is not None and not _holds(data.receiver, data.fonds):
        return list(builder(data.fonds, data.receiver, data.root_hash, output_dir=out_dir, user=data.user))
    return [_record_text(data, out_dir / "bien-ban-giao-nhan.txt"), _inventory_csv(data, out_dir / "muc-luc-ho-so.csv")]


def _holds(agency: Agency, fonds: Fonds) -> bool:
    """Whether ``agency`` already holds the fonds (its open custody link)."""
    return Custody.objects.filter(fonds=fonds, holder=agency, to_date__isnull=True).exists()


def _party(agency: Agency | None) -> str:
    return f"{agency.name} (mã {agency.code})" if agency is not None else "(chưa xác định)"


def _record_text(data: HandoverInput, path: Path) -> Path:
    """A plain-text "Biên bản giao nhận hồ sơ, tài liệu" (fallback when the handover app has none)."""
    fonds = data.fonds
    span = f"{fonds.start_year or '?'} - {fonds.end_year or '?'}"
    lines: list[Any] = [
        "BIÊN BẢN GIAO NHẬN HỒ SƠ, TÀI LIỆU (tài liệu điện tử)",
        "",
        f"Căn cứ: gói chuyển giao {data.package_id}",
        f"BÊN GIAO: {_party(fonds.agency)}",
        f"BÊN NHẬN: {_party(data.receiver)}",
        f"1. Tên khối tài liệu: phông {fonds.code} - {fonds.name}",
        f"2. Thời gian của tài liệu: {span}",
        f"3. Số lượng: {len(data.records)} hồ sơ, {data.documents} tài liệu, {data.files} tệp tin ({data.bytes} byte)",
        "4. Tình trạng: mọi tệp có mã băm SHA-256 trong manifest-sha256.txt của gói",
        "5. Kèm theo: mục lục hồ sơ (muc-luc-ho-so.csv, inventory.json)",
        "",
        f"Mã băm gốc của gói (root hash): {data.root_hash}",
        f"Lập lúc: {data.created.isoformat(timespec='seconds')}",
        "",
        "ĐẠI DIỆN BÊN GIAO                         ĐẠI DIỆN BÊN NHẬN",
    ]
    path.write_text("\n".join(str(line) for line in lines) + "\n", encoding="utf-8")
    return path


def _inventory_csv(data: HandoverInput, path: Path) -> Path:
    """The "Mục lục hồ sơ" of the records in the package, as CSV (UTF-8 with BOM for spreadsheet programs)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Số TT", "Số, ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian tài liệu", "Thời hạn bảo quản"])
        for n, record in enumerate(data.records, 1):
            dates = (record.start_date, record.end_date)
            period = " - ".join(d.strftime("%d/%m/%Y") if isinstance(d, date) else d for d in dates if d)
            writer.writerow([n, record.file_code, record.title, period, record.maintenance])
        writer.writerow([])
        writer.writerow(["Tổng số", len(data.records)])
    return path
