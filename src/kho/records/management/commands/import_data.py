"""``kho import agencies|records FILE`` (XLSX/CSV lists) and ``kho import package PATH``, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.packages.cli import add_import_parser, run_import
from kho.records.inventory import (
    AGENCY_COLUMNS,
    RECORD_COLUMNS,
    ImportAgenciesAction,
    ImportRecordsAction,
    ImportResult,
    read_table,
)
from kho.records.inventory.exceptions import ImportConflictError, ImportProblemsError

KINDS = {
    "agencies": (AGENCY_COLUMNS, ImportAgenciesAction),
    "records": (RECORD_COLUMNS, ImportRecordsAction),
}
EPILOG = _(
    "Mã thoát: 0 đã nhập (hoặc --dry-run không có lỗi); 2 tệp hoặc dòng sai (mọi lỗi được liệt kê "
    "“dòng N, cột X: lý do”); 3 không có tệp; 4 mọi lỗi đều là xung đột với dữ liệu đã lưu (mã đã có, "
    "phông đã đóng), thường do tệp đã được nhập. Có lỗi thì không ghi gì vào kho."
)


class Command(KhoCommand):
    """Import agencies or records from a spreadsheet; every problem is reported, nothing is half-written."""

    help = _("Nhập cơ quan hoặc hồ sơ từ tệp XLSX/CSV (tất cả hoặc không gì cả).")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands ``agencies FILE`` and ``records FILE``, each with ``--dry-run`` and ``--json``."""
        parser.epilog = EPILOG
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{agencies,records,package}")
        helps = {
            "agencies": _("Nhập danh sách cơ quan (Mã định danh, Tên cơ quan, Cấp, Hệ thống, Mã cơ quan cấp trên…)."),
            "records": _("Nhập mục lục hồ sơ (Mã phông, Mã hồ sơ, Tiêu đề hồ sơ, Thời gian tài liệu…)."),
        }
        for kind, text in helps.items():
            child = sub.add_parser(kind, help=text, description=text, epilog=EPILOG)
            child.add_argument("file", type=Path, metavar="FILE", help=_("Tệp .xlsx hoặc .csv (UTF-8)."))
            child.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi gì vào kho."))
        add_import_parser(sub)

    def run(self, *args: Any, **options: Any) -> None:
        """Read the file, check every row, then write everything in one transaction (unless --dry-run)."""
        if options["kind"] == "package":
            run_import(self, options)
            return
        columns, action_class = KINDS[options["kind"]]
        table = read_table(options["file"], columns)
        action = action_class(table)
        try:
            with self.progress(len(table.rows), _("Kiểm tra %(count)s dòng") % {"count": len(table.rows)}) as advance:
                result = action.check(advance) if options["dry_run"] else action.execute(advance)
        except (ImportProblemsError, ImportConflictError) as error:
            # --json: the report carries each problem as data too; the base class then sets the exit code.
            error_data = {"code": error.code, "message": error.render(_), "details": error.details}
            self.emit({"ok": False, "error": error_data, "problems": error.problems})
            raise
        self.emit({"ok": True, **result.as_dict()}, lambda: self._print(result))

    def _print(self, result: ImportResult) -> None:
        if result.ignored_headers:
            self.say(_("Bỏ qua các cột không dùng: %(columns)s.") % {"columns": ", ".join(result.ignored_headers)})
        if result.fonds_created:
            verb = _("Sẽ tạo phông") if result.dry_run else _("Đã tạo phông")
            self.say(f"{verb}: {', '.join(result.fonds_created)}")
        params = {"count": result.created, "source": result.source}
        if result.dry_run:
            self.say(
                _("Kiểm tra xong: %(count)s dòng hợp lệ trong %(source)s; chưa ghi gì (--dry-run).") % params,
                self.style.SUCCESS,
            )
        elif result.kind == "agencies":
            self.say(_("Đã nhập %(count)s cơ quan từ %(source)s.") % params, self.style.SUCCESS)
        else:
            self.say(_("Đã nhập %(count)s hồ sơ từ %(source)s.") % params, self.style.SUCCESS)
