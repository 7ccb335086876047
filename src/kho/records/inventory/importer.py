"""Import actions for agencies and records (style.md rules 1, 2, 13, 18).

``check()`` validates every row against the file and the database and raises once with every problem;
``execute()`` re-checks inside one ``transaction.atomic()`` and, only when nothing is wrong, writes all rows
with ``bulk_create`` plus one audit event: all or nothing. Lookups are a few chunked queries, never one
per row, so 10 000 rows import in seconds.

Audit events: importing records is an **accession** (PREMIS: adding objects to the repository's holdings;
the "Mục lục hồ sơ nộp lưu" is the accession list). Importing agencies is a **creation**: agencies are
authority data describing creators, not holdings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kho.agencies.models import Agency
from kho.audit.vocabulary import EventType
from kho.records.choices import FondsStatus
from kho.records.inventory._action import ImportAction, ImportResult, chunks
from kho.records.inventory.rowparse import Problem, RowParser, parse_agency_row, parse_record_row
from kho.records.models import Fonds, Record

__all__ = ["ImportAgenciesAction", "ImportRecordsAction", "ImportResult", "Problem"]

BATCH = 1000
FILE_NUMBER_MAX = 50  # Record.file_number
_FILE_CODE_TAIL = re.compile(r"(?P<year>[0-9]{4})\.(?P<rest>[^.\s]+(?:\.[^.\s]+)*)")
_RECORD_FIELDS = (
    "file_code",
    "file_number",
    "year",
    "title",
    "maintenance",
    "mode",
    "language",
    "start_date",
    "end_date",
    "keyword",
    "total_doc",
    "number_of_paper",
    "number_of_page",
    "format",
    "infor_sign",
    "confidence_level",
    "paper_file_code",
    "risk_recovery",
    "risk_recovery_status",
    "description",
    "compiled_by",
    "storage_room",
    "shelf",
    "box",
    "secrecy_level",
)


class ImportAgenciesAction(ImportAction):
    """Import agencies; a parent is an agency already stored or one on an earlier row of the file."""

    kind = "agencies"
    event_type = EventType.CREATION

    def _prepare(self) -> None:
        rows = self.table.rows
        self._stored: dict[str, int] = {}
        for chunk in chunks(r.get(k) for r in rows for k in ("code", "parent")):
            self._stored.update(Agency.objects.filter(code__in=chunk).values_list("code", "pk"))
        self._stored_legacy: set[str] = set()
        for chunk in chunks(r.get("legacy_code") for r in rows):
            self._stored_legacy.update(
                Agency.objects.filter(legacy_code__in=chunk).values_list("legacy_code", flat=True)
            )
        self._code_rows: dict[str, int] = {}
        self._legacy_rows: dict[str, int] = {}

    def _check_unique(self, p: RowParser, key: str, value: str, seen: dict[str, int], stored: Iterable[str]) -> None:
        if not value:
            return
        if value in seen:
            p.problem(key, _("“%(code)s” trùng với dòng %(row)s") % {"code": value, "row": seen[value]})
        elif value in stored:
            p.problem(key, _("“%(code)s” đã có trong kho") % {"code": value}, conflict=True)
        seen.setdefault(value, p.row.number)

    def _check_row(self, p: RowParser) -> None:
        fields = parse_agency_row(p)
        code, parent = fields["code"], fields["parent_code"]
        self._check_unique(p, "code", code, self._code_rows, self._stored)
        self._check_unique(p, "legacy_code", fields["legacy_code"], self._legacy_rows, self._stored_legacy)
        if parent and parent == code:
            p.problem("parent", _("một cơ quan không thể là cấp trên của chính nó"))
        elif parent and parent not in self._stored and parent not in self._code_rows:
            p.problem(
                "parent",
                _("cơ quan cấp trên “%(code)s” chưa có trong kho và không có ở dòng nào phía trên") % {"code": parent},
            )
        self._pending.append(fields)

    def _write(self) -> ImportResult:
        """Create parents before children: one ``bulk_create`` per depth below the stored agencies."""
        depth: dict[str, int] = {}
        for fields in self._pending:
            parent = fields["parent_code"]
            depth[fields["code"]] = depth[parent] + 1 if parent in depth else 0
        created: dict[str, Agency] = {}
        for level in sorted(set(depth.values())):
            batch = []
            for fields in (f for f in self._pending if depth[f["code"]] == level):
                values = {k: val for k, val in fields.items() if k != "parent_code"}
                agency = Agency(**values)
                parent = fields["parent_code"]
                if parent in created:
                    agency.parent = created[parent]
                elif parent:
                    agency.parent_id = self._stored[parent]
                batch.append(agency)
            Agency.objects.bulk_create(batch, batch_size=BATCH)
            created.update((agency.code, agency) for agency in batch)
        return self._result(len(created), dry_run=False)


def _split_file_code(code: str, prefixes: tuple[str, ...]) -> tuple[int, str] | None:
    """(year, file number) of ``<prefix>.<YYYY>.<number>[.<more>]`` for the longest matching prefix."""
    for prefix in sorted(prefixes, key=len, reverse=True):
        if code.startswith(f"{prefix}."):
            match = _FILE_CODE_TAIL.fullmatch(code[len(prefix) + 1 :])
            if match:
                return int(match["year"]), match["rest"]
    return None


def _prefixes(fonds_code: str, agency: Agency) -> tuple[str, ...]:
    return tuple(p for p in (fonds_code, agency.code, agency.legacy_code) if p)


class ImportRecordsAction(ImportAction):
    """Import records (hồ sơ) into open fonds; a missing fonds is created when the file names it fully."""

    kind = "records"
    event_type = EventType.ACCESSION

    def _prepare(self) -> None:
        rows = self.table.rows
        self._fonds: dict[str, Fonds] = {}
        for chunk in chunks(r.get("fonds_code") for r in rows):
            self._fonds.update((f.code, f) for f in Fonds.objects.filter(code__in=chunk).select_related("agency"))
        self._agencies: dict[str, Agency] = {}
        for chunk in chunks(r.get("agency_code") for r in rows):
            self._agencies.update((a.code, a) for a in Agency.objects.filter(code__in=chunk))
        self._stored_codes: set[str] = set()
        for chunk in chunks(r.get("file_code") for r in rows):
            self._stored_codes.update(Record.objects.filter(file_code__in=chunk).values_list("file_code", flat=True))
        self._rows_per_fonds = Counter(r.get("fonds_code") for r in rows)
        self._new_fonds: dict[str, dict[str, Any]] = {}
        self._closed_reported: set[str] = set()
        self._code_rows: dict[str, int] = {}
        self._this_year = timezone.localdate().year

    def _check_row(self, p: RowParser) -> None:
        fields = parse_record_row(p)
        prefixes = self._check_fonds(p, fields)
        self._check_file_code(p, fields, prefixes)
        self._pending.append(fields)

    def _check_fonds(self, p: RowParser, fields: dict[str, Any]) -> tuple[str, ...] | None:
        """The allowed file-code prefixes of the row's fonds, or None when the fonds cannot take the row."""
        code = fields["fonds_code"]
        fonds = self._fonds.get(code)
        if not code:
            return None
        if fonds is None:
            return self._check_new_fonds(p, fields)
        if fonds.status == FondsStatus.CLOSED:
            if code not in self._closed_reported:
                self._closed_reported.add(code)
                p.problem(
                    "fonds_code",
                    _("phông “%(code)s” đã đóng từ %(date)s; phông đã đóng không nhận thêm hồ sơ (%(count)s dòng)")
                    % {
                        "code": code,
                        "date": fonds.closed_on.strftime("%d/%m/%Y") if fonds.closed_on else "?",
                        "count": self._rows_per_fonds[code],
                    },
                    conflict=True,
                )
            return None
        self._check_same_fonds(p, fields, fonds.name, fonds.agency.code)
        return _prefixes(code, fonds.agency)

    def _check_same_fonds(self, p: RowParser, fields: dict[str, Any], name: str, agency_code: str) -> None:
        if fields["fonds_name"] and fields["fonds_name"] != name:
            p.problem(
                "fonds_name",
                _("khác tên của phông “%(code)s”: “%(name)s”") % {"code": fields["fonds_code"], "name": name},
            )
        if fields["agency_code"] and fields["agency_code"] != agency_code:
            p.problem(
                "agency_code",
                _("phông “%(code)s” thuộc cơ quan “%(agency)s”")
                % {"code": fields["fonds_code"], "agency": agency_code},
            )

    def _check_new_fonds(self, p: RowParser, fields: dict[str, Any]) -> tuple[str, ...] | None:
        code = fields["fonds_code"]
        new = self._new_fonds.get(code)
        if new is not None:
            if new["agency"] is None:
                return None
            self._check_same_fonds(p, fields, new["name"], new["agency"].code)
            return _prefixes(code, new["agency"])
        name, agency_code = fields["fonds_name"], fields["agency_code"]
        agency = self._agencies.get(agency_code)
        self._new_fonds[code] = {"name": name, "agency": agency if name else None}
        if not name or not agency_code:
            p.problem(
                "fonds_code",
                _(
                    "phông “%(code)s” chưa có trong kho; để tạo phông, dòng đầu của phông phải "
                    "ghi cả “Tên phông” và “Mã cơ quan” (%(count)s dòng)"
                )
                % {"code": code, "count": self._rows_per_fonds[code]},
            )
        elif agency is None:
            p.problem(
                "agency_code",
                _("cơ quan “%(code)s” chưa có trong kho; nhập cơ quan trước (kho import agencies)")
                % {"code": agency_code},
            )
        return _prefixes(code, agency) if name and agency else None

    def _check_file_code(self, p: RowParser, fields: dict[str, Any], prefixes: tuple[str, ...] | None) -> None:
        code = fields["file_code"]
        fields["year"] = None
        if not code:
            return
        if code in self._code_rows:
            p.problem(
                "file_code", _("“%(code)s” trùng với dòng %(row)s") % {"code": code, "row": self._code_rows[code]}
            )
        elif code in self._stored_codes:
            p.problem("file_code", _("hồ sơ “%(code)s” đã có trong kho") % {"code": code}, conflict=True)
        self._code_rows.setdefault(code, p.row.number)
        if prefixes is None:
            return
        parts = _split_file_code(code, prefixes)
        if parts is None:
            p.problem(
                "file_code",
                _("“%(code)s” phải có dạng <mã cơ quan hoặc mã phông>.<năm 4 chữ số>.<số hồ sơ>, ví dụ %(example)s")
                % {"code": code, "example": f"{prefixes[-1]}.2020.01"},
            )
            return
        year, number = parts
        if year > self._this_year:
            p.problem("file_code", _("năm %(year)s trong mã hồ sơ ở tương lai") % {"year": year})
        fields["year"] = year
        if not fields["file_number"] and len(number) <= FILE_NUMBER_MAX:
            fields["file_number"] = number

    def _fonds_to_create(self) -> list[str]:
        return list(self._new_fonds)

    def _write(self) -> ImportResult:
        new = [Fonds(code=code, name=n["name"], agency=n["agency"]) for code, n in self._new_fonds.items()]
        Fonds.objects.bulk_create(new)
        fonds = {**self._fonds, **{f.code: f for f in new}}
        records = [Record(fonds=fonds[f["fonds_code"]], **{k: f[k] for k in _RECORD_FIELDS}) for f in self._pending]
        Record.objects.bulk_create(records, batch_size=BATCH)
        return self._result(len(records), dry_run=False, fonds=[f.code for f in new])
