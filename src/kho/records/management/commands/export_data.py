"""``kho export inventory --fonds CODE …`` (the "Mục lục hồ sơ") and ``kho export package …`` (a transfer package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.packages.cli import add_export_parser, run_export
from kho.records.inventory import ExportFormat, ExportResult, default_output_name, export_inventory
from kho.records.inventory.exceptions import FondsNotFoundError
from kho.records.models import Fonds


class Command(KhoCommand):
    """Export inventories; each export is recorded as an access event."""

    help = _("Xuất mục lục hồ sơ (XLSX/CSV) hoặc gói chuyển giao (BagIt + E-ARK) của một phông.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommand ``inventory``."""
        sub = parser.add_subparsers(dest="what", required=True, metavar="{inventory,package}")
        text = _("Mục lục hồ sơ của một phông, theo thứ tự mã hồ sơ, có tổng số bằng số và bằng chữ.")
        inventory = sub.add_parser(
            "inventory",
            help=text,
            description=text,
            epilog=_("Mã thoát: 0 đã xuất; 2 định dạng sai hoặc không ghi được tệp; 3 không có phông này."),
        )
        inventory.add_argument("--fonds", required=True, metavar="CODE", help=_("Mã phông."))
        inventory.add_argument(
            "--format",
            dest="fmt",
            choices=[f.value for f in ExportFormat],
            default=ExportFormat.XLSX.value,
            help=_("xlsx (mặc định) hoặc csv (UTF-8 có BOM)."),
        )
        inventory.add_argument(
            "--output",
            type=Path,
            metavar="PATH",
            help=_("Tệp ra (mặc định muc-luc-<mã phông>.<đuôi> trong thư mục hiện tại)."),
        )
        add_export_parser(sub)

    def run(self, *args: Any, **options: Any) -> None:
        """Find the fonds, stream its records into the file, record the access (``package``: see kho.packages)."""
        if options["what"] == "package":
            run_export(self, options)
            return
        code = options["fonds"]
        fonds = Fonds.objects.select_related("agency").filter(code=code).first()
        if fonds is None:
            raise FondsNotFoundError(_("Không có phông mã “%(code)s”."), code=code)
        output = options["output"] or Path(default_output_name(fonds.code, options["fmt"]))
        total = fonds.records.count()
        with self.progress(total, _("Xuất %(count)s hồ sơ") % {"count": total}) as advance:
            result = export_inventory(fonds, options["fmt"], output, progress=advance)
        self.emit({"ok": True, **result.as_dict()}, lambda: self._print(result))

    def _print(self, result: ExportResult) -> None:
        self.say(
            _("Đã xuất mục lục %(count)s hồ sơ của phông %(fonds)s vào %(path)s.")
            % {"count": result.records, "fonds": result.fonds, "path": result.path},
            self.style.SUCCESS,
        )
