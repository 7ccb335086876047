"""Writing reviewed events to CSV or XLSX for the security officer (the export itself is logged by the caller).

Both formats hold the same columns, including each event's hash and previous hash so a copy can be matched
against the live chain. Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is
prefixed with ``'``. File names carry only the date and time, never anything from the events.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from enum import StrEnum
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kho.audit.models import Event

__all__ = ["COLUMNS", "ExportFormat", "export_filename", "row_of", "write_events"]

COLUMNS = (
    "seq",
    "occurred_at",
    "event_type",
    "outcome",
    "agent",
    "object_type",
    "object_id",
    "decision",
    "ip",
    "detail",
    "data",
    "uid",
    "hash",
    "prev_hash",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    """The formats offered."""

    CSV = "csv"
    XLSX = "xlsx"


def export_filename(fmt: ExportFormat) -> str:
    """``nhat-ky-su-kien-<YYYYMMDD-HHMMSS>.<fmt>`` in local time: no event content in the name."""
    return f"nhat-ky-su-kien-{timezone.localtime().strftime('%Y%m%d-%H%M%S')}.{fmt.value}"


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_of(event: Event) -> list[Any]:
    """One event as the export's row (strings and the sequence number)."""
    payload = event.payload
    return [
        event.seq,
        timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
        event.event_type,
        event.outcome,
        _safe(event.agent),
        _safe(event.object_type),
        _safe(event.object_id),
        _safe(str(payload.get("decision", ""))),
        _safe(str(payload.get("ip") or payload.get("from") or "")),
        _safe(event.detail),
        _safe(event.data),
        str(event.uid),
        event.hash,
        event.prev_hash,
    ]


def write_events(events: Iterable[Event], fmt: ExportFormat, out: IO[bytes]) -> int:
    """Write the header and one row per event to ``out``; return the number of events written."""
    if fmt is ExportFormat.CSV:
        return _write_csv(events, out)
    return _write_xlsx(events, out)


def _write_csv(events: Iterable[Event], out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    count = 0
    for event in events:
        writer.writerow(row_of(event))
        count += 1
    text.flush()
    text.detach()
    return count


def _write_xlsx(events: Iterable[Event], out: IO[bytes]) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("events")
    sheet.append(list(COLUMNS))
    count = 0
    for event in events:
        # control characters cannot be stored in XLSX; they are replaced, never allowed to fail the export
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in row_of(event)])
        count += 1
    workbook.save(out)
    return count
