"""``kho storage sweep``: remove orphan objects (no database row) and stale temporary files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.storage.actions import SWEEP_GRACE_SECONDS, SweepStorageAction


class Command(KhoCommand):
    """Object store maintenance."""

    help = _("Bảo trì kho đối tượng: 'sweep' dọn đối tượng mồ côi.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommand ``sweep``."""
        sub = parser.add_subparsers(dest="action", required=True, metavar="sweep")
        sweep = sub.add_parser("sweep", help=_("Xóa đối tượng không còn bản ghi và tệp tạm bị bỏ dở."))
        sweep.add_argument(
            "--grace",
            type=int,
            default=SWEEP_GRACE_SECONDS,
            metavar="SECONDS",
            help=_("Chỉ xóa thứ cũ hơn chừng này giây (mặc định 3600)."),
        )
        sweep.add_argument("--dry-run", action="store_true", help=_("Chỉ liệt kê, không xóa."))

    def run(self, *args: Any, **options: Any) -> None:
        """Sweep and report."""
        report = SweepStorageAction(grace_seconds=options["grace"], dry_run=options["dry_run"]).execute()
        self.emit(
            {"ok": True, **report.as_dict()},
            lambda: self.say(
                _("Đối tượng mồ côi: %(orphans)s; tệp tạm: %(tmp)s%(dry)s.")
                % {
                    "orphans": len(report.orphans),
                    "tmp": report.temporaries,
                    "dry": _(" (chạy thử, chưa xóa)") if report.dry_run else "",
                }
            ),
        )
