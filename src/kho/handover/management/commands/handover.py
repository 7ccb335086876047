"""``kho handover readiness|documents|apply|import``: prepare and record the handover of fonds on reorganization.

* ``readiness AGENCY [--fixity-days N] [--format pdf|xlsx|json] [--output PATH] [--save]``
* ``documents --fonds CODE --receiver AGENCY [--decision TEXT] [--root-hash sha256:…] [--format pdf|xlsx]
  --output DIR`` (+ representatives, place, shelf metres)
* ``apply EVENT_ID``: apply a stored reorganization event (a second run changes nothing)
* ``import FILE [--apply] [--dry-run]``: reorganizations from an XLSX/CSV table, all or nothing

The command runs as the local operator at the server's shell: it sees the whole archive.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.agencies.models import Agency
from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError
from kho.handover._import_rows import REORGANIZATION_COLUMNS
from kho.handover.actions import ApplyReorganizationAction, ApplyResult
from kho.handover.documents import DocumentFormat, HandoverOptions, build_handover_documents
from kho.handover.exceptions import AgencyNotFoundError, EventNotFoundError
from kho.handover.importer import ImportReorganizationsAction, ReorganizationImportResult
from kho.handover.layout import pdf, xlsx
from kho.handover.models import ReorganizationEvent
from kho.handover.readiness import DEFAULT_FIXITY_DAYS, build_readiness, report_dict, save_snapshot
from kho.records.inventory.exceptions import FondsNotFoundError
from kho.records.inventory.reader import read_table
from kho.records.models import Fonds

EXIT_CODES = _("Mã thoát: 0 xong; 2 đầu vào sai; 3 không tìm thấy; 4 xung đột; 5 thiếu phông chữ.")


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code.strip().upper()).first()
    if agency is None:
        raise AgencyNotFoundError(code=code)
    return agency


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as error:
        raise BadInputError(_("Số mét giá “%(value)s” không hợp lệ."), value=text) from error


class Command(KhoCommand):
    """Reorganization and handover of fonds."""

    help = _("Sắp xếp tổ chức và giao nhận phông: mức sẵn sàng, biên bản, áp dụng và nhập sự kiện.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands ``readiness``, ``documents``, ``apply`` and ``import``."""
        sub = parser.add_subparsers(dest="what", required=True, metavar="readiness|documents|apply|import")
        self._readiness_args(
            sub.add_parser("readiness", help=_("Báo cáo mức sẵn sàng trước ngày kết thúc."), epilog=EXIT_CODES)
        )
        self._documents_args(
            sub.add_parser("documents", help=_("Biên bản giao nhận, mục lục, danh mục mật."), epilog=EXIT_CODES)
        )
        apply = sub.add_parser("apply", help=_("Áp dụng một sự kiện sắp xếp tổ chức đã lưu."), epilog=EXIT_CODES)
        apply.add_argument("event", metavar="EVENT_ID", help=_("Số hiệu (hoặc UUID) của sự kiện."))
        imp = sub.add_parser("import", help=_("Nhập sự kiện sắp xếp tổ chức từ XLSX/CSV."), epilog=EXIT_CODES)
        imp.add_argument("file", type=Path, metavar="FILE", help=_("Tệp .xlsx hoặc .csv."))
        imp.add_argument("--apply", action="store_true", help=_("Áp dụng ngay các sự kiện vừa nhập."))
        imp.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi."))

    def _readiness_args(self, p: CommandParser) -> None:
        p.add_argument("agency", metavar="AGENCY_CODE", help=_("Mã cơ quan sắp kết thúc hoạt động."))
        p.add_argument(
            "--fixity-days",
            type=int,
            default=DEFAULT_FIXITY_DAYS,
            metavar="N",
            help=_("Tệp chưa kiểm tra toàn vẹn trong N ngày gần nhất bị liệt kê (mặc định 30)."),
        )
        p.add_argument(
            "--format", dest="fmt", choices=["pdf", "xlsx", "json"], default="json", help=_("Mặc định json.")
        )
        p.add_argument("--output", type=Path, metavar="PATH", help=_("Tệp ra (JSON: mặc định in ra màn hình)."))
        p.add_argument("--save", action="store_true", help=_("Lưu số liệu để theo dõi tiến độ."))

    def _documents_args(self, p: CommandParser) -> None:
        p.add_argument("--fonds", required=True, metavar="CODE", help=_("Mã phông giao."))
        p.add_argument("--receiver", required=True, metavar="AGENCY_CODE", help=_("Mã cơ quan nhận."))
        p.add_argument("--decision", default="", metavar="TEXT", help=_("Căn cứ (quyết định) ghi vào biên bản."))
        p.add_argument("--root-hash", default=None, metavar="sha256:…", help=_("Mã băm gốc của gói tài liệu."))
        p.add_argument(
            "--format", dest="fmt", choices=[f.value for f in DocumentFormat], default="pdf", help=_("Mặc định pdf.")
        )
        p.add_argument("--output", type=Path, required=True, metavar="DIR", help=_("Thư mục ghi các tệp."))
        p.add_argument("--place", default="", help=_("Địa danh ghi trên biên bản."))
        p.add_argument("--giver-name", default="", help=_("Họ tên người đại diện bên giao."))
        p.add_argument("--giver-position", default="", help=_("Chức vụ người đại diện bên giao."))
        p.add_argument("--receiver-name", default="", help=_("Họ tên người đại diện bên nhận."))
        p.add_argument("--receiver-position", default="", help=_("Chức vụ người đại diện bên nhận."))
        p.add_argument("--shelf-metres", default=None, metavar="M", help=_("Số mét giá tài liệu giấy."))

    def run(self, *args: Any, **options: Any) -> None:
        """Dispatch to the subcommand."""
        getattr(self, f"_run_{options['what']}")(options)

    # -- readiness ------------------------------------------------------------------------------------------

    def _run_readiness(self, options: dict[str, Any]) -> None:
        if options["fixity_days"] < 1:
            raise BadInputError(_("--fixity-days phải là số ngày dương."))
        agency = _agency(options["agency"])
        report = build_readiness(agency, fixity_days=options["fixity_days"])
        if options["save"]:
            save_snapshot(agency, report)
        fmt, output = options["fmt"], options["output"]
        if fmt == "json" and output is None:
            self.stdout.write(json.dumps(report_dict(report), ensure_ascii=False, indent=2))
            return
        output = output or Path(f"san-sang-{agency.code}.{fmt}")
        if fmt == "json":
            output.write_text(json.dumps(report_dict(report), ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            (pdf.readiness_pdf if fmt == "pdf" else xlsx.readiness_xlsx)(report, output)
        self.emit(
            {"ok": True, "path": str(output), "ready": report.ready, "days_left": report.days_left},
            lambda: self.say(
                _("Đã ghi báo cáo mức sẵn sàng của %(code)s vào %(path)s. %(summary)s")
                % {"code": agency.code, "path": output, "summary": report.summary_line}
            ),
        )

    # -- documents ------------------------------------------------------------------------------------------

    def _run_documents(self, options: dict[str, Any]) -> None:
        fonds = Fonds.objects.select_related("agency").filter(code=options["fonds"]).first()
        if fonds is None:
            raise FondsNotFoundError(_("Không có phông mã “%(code)s”."), code=options["fonds"])
        receiver = _agency(options["receiver"])
        metres = _decimal(options["shelf_metres"]) if options["shelf_metres"] else None
        handover = HandoverOptions(
            decision=options["decision"],
            place=options["place"],
            giver_name=options["giver_name"],
            giver_position=options["giver_position"],
            receiver_name=options["receiver_name"],
            receiver_position=options["receiver_position"],
            shelf_metres=metres,
        )
        paths = build_handover_documents(
            fonds, receiver, options["root_hash"], output_dir=options["output"], fmt=options["fmt"], options=handover
        )
        self.emit(
            {"ok": True, "fonds": fonds.code, "receiver": receiver.code, "files": [str(p) for p in paths]},
            lambda: self._print_paths(paths),
        )

    def _print_paths(self, paths: list[Path]) -> None:
        for path in paths:
            self.say(_("Đã ghi %(path)s") % {"path": path}, self.style.SUCCESS)

    # -- apply ----------------------------------------------------------------------------------------------

    def _run_apply(self, options: dict[str, Any]) -> None:
        key = options["event"].strip()
        lookup = {"pk": int(key)} if key.isdigit() else {"uid": key}
        try:
            event = ReorganizationEvent.objects.get(**lookup)
        except (ReorganizationEvent.DoesNotExist, ValidationError, ValueError) as error:
            raise EventNotFoundError(event=key) from error
        result = ApplyReorganizationAction(event).execute()
        self.emit({"ok": True, **result.as_dict()}, lambda: self._print_applied(result))

    def _print_applied(self, result: ApplyResult) -> None:
        if result.already_applied:
            self.say(_("Sự kiện %(id)s đã được áp dụng trước đây; không thay đổi gì.") % {"id": result.event_id})
            return
        self.say(
            _("Đã áp dụng sự kiện %(id)s: %(ended)s cơ quan kết thúc, %(closed)s phông đóng, %(opened)s phông mới.")
            % {
                "id": result.event_id,
                "ended": len(result.ended_agencies),
                "closed": len(result.closed_fonds),
                "opened": len(result.opened_fonds),
            },
            self.style.SUCCESS,
        )
        for change in result.custody:
            self.say(_("  Phông %(fonds)s: %(from)s → %(to)s từ %(date)s") % change)
        for flag in result.flagged:
            self.say(_("  Cần xem lại: %(document)s — %(reason)s") % flag, self.style.WARNING)

    # -- import ---------------------------------------------------------------------------------------------

    def _run_import(self, options: dict[str, Any]) -> None:
        table = read_table(options["file"], REORGANIZATION_COLUMNS)
        action = ImportReorganizationsAction(table, apply=options["apply"])
        result = action.check() if options["dry_run"] else action.execute()
        self.emit({"ok": True, **result.as_dict()}, lambda: self._print_imported(result))

    def _print_imported(self, result: ReorganizationImportResult) -> None:
        verb = _("Sẽ nhập") if result.dry_run else _("Đã nhập")
        self.say(
            _("%(verb)s %(events)s sự kiện, tạo %(agencies)s cơ quan mới từ %(rows)s dòng.")
            % {
                "verb": verb,
                "events": len(result.events),
                "agencies": len(result.agencies_created),
                "rows": result.rows,
            },
            self.style.SUCCESS,
        )
        for event in result.events:
            self.say(
                _("  #%(id)s %(kind)s %(date)s %(decision)s: %(old)s → %(new)s")
                % {
                    "id": event["id"] or "-",
                    "kind": event["kind"],
                    "date": event["effective_date"],
                    "decision": event["decision"],
                    "old": ", ".join(event["predecessors"]),
                    "new": ", ".join(event["successors"]) or "-",
                }
            )
