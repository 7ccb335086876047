"""The receipt (biên nhận) the receiving archive returns to the sender: JSON for machines, text for people.

It names the package and its root hash (the value printed on the handover record), the counts
received, when and by whom, and the verification result, so the sender can file it with its copy of
the handover record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kho import __version__

__all__ = ["RECEIPT_FORMAT", "write_receipt"]

RECEIPT_FORMAT = "kho-receipt/1"


def _text(data: Mapping[str, Any]) -> str:
    counts = data["counts"]
    verification = data["verification"]
    lines = [
        "BIÊN NHẬN GÓI CHUYỂN GIAO HỒ SƠ, TÀI LIỆU ĐIỆN TỬ / TRANSFER PACKAGE RECEIPT",
        "",
        f"Mã gói / package id:       {data['package_id']}",
        f"Mã băm gốc / root hash:    {data['root_hash']}",
        f"Phông / fonds:             {data['fonds']}",
        f"Bên giao / sender:         {data['sender']}",
        f"Bên nhận / receiver:       {data['receiver'] or '-'}",
        f"Số lượng / received:       {counts['records']} hồ sơ, {counts['documents']} tài liệu, "
        f"{counts['files']} tệp ({counts['bytes']} byte)",
        f"Nhận lúc / received at:    {data['received_at']}",
        f"Người nhận / received by:  {data['received_by']}",
        f"Kết quả kiểm tra / result: {verification['result']} - BagIt, E-ARK CSIP, METS/PREMIS/EAD XSD, "
        f"mọi mã băm SHA-256, số lượng theo mục lục; {verification['warnings']} cảnh báo",
        "",
        f"Kho {__version__}",
    ]
    return "\n".join(lines) + "\n"


def write_receipt(folder: Path, data: Mapping[str, Any]) -> list[Path]:
    """Write ``bien-nhan-<package id>.json`` and ``.txt`` into ``folder``; return both paths.

    Args:
        folder: Where receipts are kept (created if missing).
        data: ``package_id``, ``root_hash``, ``fonds``, ``sender``, ``receiver``, ``counts`` (records,
            documents, files, bytes), ``received_at``, ``received_by`` and ``verification`` (``result``,
            ``warnings``, ``findings``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"bien-nhan-{data['package_id']}"
    json_path = folder / f"{stem}.json"
    text_path = folder / f"{stem}.txt"
    with json_path.open("w", encoding="utf-8") as out:
        json.dump({"format": RECEIPT_FORMAT, **data}, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    text_path.write_text(_text(data), encoding="utf-8")
    return [json_path, text_path]
