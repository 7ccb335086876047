"""Read a digitization manifest: a CSV mapping files (or folders) to record codes and document order.

Columns (Vietnamese or English headers, any order): ``tệp``/``path``, ``mã hồ sơ``/``record_code``,
``thứ tự``/``order`` (optional). Relative paths are relative to the manifest's folder. Every bad row is
reported at once (style.md rule 13).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from kho.core.exceptions import BadInputError, NotFoundError
from kho.core.text import clean, fold_vi
from kho.ingest.digitize import PlannedDocument, plan_paths

HEADERS = {
    "path": {"tep", "path", "file", "duong dan"},
    "record_code": {"ma ho so", "record_code", "record"},
    "order": {"thu tu", "order", "stt"},
}


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        key = fold_vi(clean(name).lstrip("\ufeff"))
        for column, names in HEADERS.items():
            if key in names:
                found[column] = index
    return found


def read_manifest(path: Path) -> list[PlannedDocument]:
    """Parse the manifest into planned documents; raise ``BadInputError`` listing every bad row."""
    if not path.is_file():
        raise NotFoundError(_("Không tìm thấy tệp danh sách “%(path)s”."), path=str(path))
    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (UnicodeDecodeError, csv.Error) as error:
        raise BadInputError(
            _("Tệp danh sách %(path)s không đọc được: %(reason)s"), path=str(path), reason=str(error)
        ) from error
    if not rows:
        raise BadInputError(_("Tệp danh sách %(path)s trống."), path=str(path))
    columns = _columns(rows[0])
    missing = [c for c in ("path", "record_code") if c not in columns]
    if missing:
        raise BadInputError(_("Tệp danh sách thiếu cột: %(columns)s."), columns=", ".join(missing))
    planned, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {c: (row[i].strip() if i < len(row) else "") for c, i in columns.items()}
        target = (path.parent / cell["path"]).resolve()
        order = cell.get("order") or ""
        if not cell["path"] or not target.exists():
            problems.append(_("dòng %(row)s: không tìm thấy “%(path)s”") % {"row": number, "path": cell["path"]})
        elif not cell["record_code"]:
            problems.append(_("dòng %(row)s: thiếu mã hồ sơ") % {"row": number})
        elif order and not order.isdigit():
            problems.append(_("dòng %(row)s: thứ tự “%(value)s” không phải số") % {"row": number, "value": order})
        else:
            doc = plan_paths(clean(cell["record_code"]), [target])[0]
            doc.order = int(order) if order else None
            planned.append(doc)
    if problems:
        raise BadInputError(_("Tệp danh sách có %(count)s dòng sai."), details=problems, count=len(problems))
    return planned
