"""Small factories for the archive model (plain functions: a handful of fields matter per test)."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import pikepdf

from kho.agencies.models import Agency
from kho.records.models import Fonds, Record

_seq = itertools.count(1)


def agency(code: str | None = None, **fields: Any) -> Agency:
    n = next(_seq)
    return Agency.objects.create(
        code=code or f"H49.64.{n:02d}", name=fields.pop("name", f"Ủy ban nhân dân xã {n}"), **fields
    )


def fonds(code: str | None = None, owner: Agency | None = None, **fields: Any) -> Fonds:
    owner = owner or agency()
    return Fonds.objects.create(
        code=code or f"P{owner.code}", name=fields.pop("name", f"Phông {owner.name}"), agency=owner, **fields
    )


def record(file_code: str | None = None, in_fonds: Fonds | None = None, **fields: Any) -> Record:
    in_fonds = in_fonds or fonds()
    n = next(_seq)
    return Record.objects.create(
        fonds=in_fonds,
        file_code=file_code or f"{in_fonds.agency.code}.2024.{n:02d}.VP",
        title=fields.pop("title", f"Hồ sơ số {n}"),
        **fields,
    )


def pdf_bytes(label: str, size: int = 2000) -> bytes:
    """A real one-page PDF whose bytes depend on ``label``, padded to about ``size`` bytes."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.Root.KhoLabel = pikepdf.String(label)
    pad = max(0, size - 700)
    pdf.Root.KhoPad = pdf.make_stream((label * (pad // max(1, len(label)) + 1)).encode()[:pad])
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def write_pdfs(folder: Path, count: int, size: int = 2000, prefix: str = "doc") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, count + 1):
        path = folder / f"{prefix}-{i}.pdf"
        path.write_bytes(pdf_bytes(f"{prefix}-{i}", size))
        paths.append(path)
    return paths
