"""The ``package`` subcommands of ``kho export`` and ``kho import`` (thin: parse, build the action, print).

Settings are read here, at the edge (style rule 4), and passed to the actions.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.packages.exceptions import PackageConflictError, PackageRejectedError
from kho.packages.export import ExportPackageAction, ExportResult
from kho.packages.importer import ImportPackageAction, ImportResult

__all__ = ["add_export_parser", "add_import_parser", "run_export", "run_import"]

EXPORT_EPILOG = _(
    "Gói là một túi BagIt 1.0 (SHA-256) chứa gói E-ARK CSIP tại data/<OBJID>/; biên bản giao nhận và mục lục "
    "nằm ngoài phần dữ liệu, trong handover/ (có trong tagmanifest, không thuộc mã băm gốc). "
    "Mã thoát: 0 đã xuất; 2 thư mục ra không rỗng hoặc dữ liệu không xuất được; 3 không có phông, hồ sơ "
    "hay cơ quan nhận; 6 không có quyền."
)
IMPORT_EPILOG = _(
    "Kiểm tra toàn bộ trước (BagIt, mọi mã băm, E-ARK, XSD của METS/PREMIS/EAD, số lượng theo mục lục, "
    "đường dẫn, liên kết tượng trưng, XML không an toàn), rồi nhập tất cả hoặc không gì cả. Nhập lại cùng "
    "gói không thay đổi gì. Mã thoát: 0 đã nhập hoặc đã nhập trước đó; 1 gói không hợp lệ (liệt kê mọi "
    "lỗi); 3 không có thư mục; 4 xung đột với dữ liệu đã có; 5 thiếu KHO_SCHEMA_DIR."
)


def add_export_parser(sub: Any) -> None:
    """``kho export package --fonds CODE [--record CODE…] [--receiver AGENCY] OUT``."""
    text = _("Xuất một phông (hoặc một số hồ sơ) thành gói chuyển giao BagIt + E-ARK kèm biên bản giao nhận.")
    parser = sub.add_parser("package", help=text, description=text, epilog=EXPORT_EPILOG)
    parser.add_argument("--fonds", required=True, metavar="CODE", help=_("Mã phông."))
    parser.add_argument(
        "--record", dest="records", action="append", default=[], metavar="CODE",
        help=_("Chỉ xuất hồ sơ này; lặp lại cho nhiều hồ sơ (mặc định: cả phông)."),
    )  # fmt: skip
    parser.add_argument(
        "--receiver", metavar="AGENCY", help=_("Mã cơ quan nhận (mặc định: cơ quan đang quản lý phông).")
    )
    parser.add_argument("out", type=Path, metavar="OUT", help=_("Thư mục gói (chưa có hoặc rỗng)."))


def run_export(command: KhoCommand, options: dict[str, Any]) -> None:
    """Export and print the package id and root hash."""
    action = ExportPackageAction(
        options["fonds"],
        options["out"],
        records=options["records"],
        receiver=options.get("receiver"),
        schema_dir=settings.KHO_SCHEMA_DIR,
    )
    result = action.execute()
    command.emit({"ok": True, **result.as_dict()}, lambda: _print_export(command, result))


def _print_export(command: KhoCommand, result: ExportResult) -> None:
    command.say(
        _("Đã xuất phông %(fonds)s: %(records)s hồ sơ, %(documents)s tài liệu, %(files)s tệp vào %(path)s.")
        % result.as_dict(),
        command.style.SUCCESS,
    )
    command.say(_("Mã gói: %(id)s") % {"id": result.package_id})
    command.say(_("Mã băm gốc (ghi vào biên bản giao nhận): %(hash)s") % {"hash": result.root_hash})


def add_import_parser(sub: Any) -> None:
    """``kho import package PATH [--received-by NAME] [--receipt-dir DIR]``."""
    text = _("Nhận một gói chuyển giao: kiểm tra toàn bộ rồi nhập tất cả hoặc không gì cả; lập biên nhận.")
    parser = sub.add_parser(
        "package", help=text, description=text, epilog=IMPORT_EPILOG, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("path", type=Path, metavar="PATH", help=_("Thư mục gói (túi BagIt)."))
    parser.add_argument(
        "--received-by", metavar="NAME", help=_("Người nhận ghi trên biên nhận (mặc định: tài khoản máy).")
    )
    parser.add_argument(
        "--receipt-dir", type=Path, metavar="DIR", help=_("Nơi ghi biên nhận (mặc định <KHO_DATA_DIR>/receipts).")
    )


def _login_name() -> str:
    """The operator's login name, for the receipt ("?" when the system cannot tell)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "?"


def run_import(command: KhoCommand, options: dict[str, Any]) -> None:
    """Import; on rejection print (or emit as JSON) every finding, then let the base class set the exit code."""
    action = ImportPackageAction(
        options["path"],
        schema_dir=settings.KHO_SCHEMA_DIR,
        receipt_dir=options.get("receipt_dir") or Path(settings.DATA_DIR) / "receipts",
        received_by=options.get("received_by") or _login_name(),
    )
    try:
        result = action.execute()
    except (PackageRejectedError, PackageConflictError) as error:
        findings = [{**f.as_dict(), "text": f.render()} for f in error.findings]
        command.emit({"ok": False, "error": {"code": error.code, "message": error.render(_)}, "findings": findings})
        raise
    command.emit({"ok": True, **result.as_dict()}, lambda: _print_import(command, result))


def _print_import(command: KhoCommand, result: ImportResult) -> None:
    if result.status == "already_imported":
        command.say(
            _("Gói %(id)s đã được nhập lúc %(at)s (already imported); không thay đổi gì.")
            % {"id": result.package_id, "at": result.received_at},
            command.style.SUCCESS,
        )
        return
    command.say(
        _("Đã nhập gói %(package_id)s: phông %(fonds)s, %(records)s hồ sơ, %(documents)s tài liệu, %(files)s tệp.")
        % result.as_dict(),
        command.style.SUCCESS,
    )
    command.say(_("Mã băm gốc: %(hash)s") % {"hash": result.root_hash})
    for path in result.receipt:
        command.say(_("Biên nhận: %(path)s") % {"path": path})
