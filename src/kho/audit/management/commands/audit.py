"""``kho audit verify``: check the hash chain of the event log and name the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.audit.log import verify_chain
from kho.core.command import KhoCommand
from kho.core.exceptions import ProblemsFoundError


class Command(KhoCommand):
    """Audit log tools."""

    help = _("Nhật ký sự kiện: 'verify' kiểm tra chuỗi băm.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommand ``verify``."""
        sub = parser.add_subparsers(dest="action", required=True, metavar="verify")
        sub.add_parser("verify", help=_("Kiểm tra chuỗi băm của nhật ký; chỉ ra sự kiện hỏng đầu tiên."))

    def run(self, *args: Any, **options: Any) -> None:
        """Verify and report; exit 1 on a broken chain."""
        report = verify_chain()
        data = report.as_dict()
        reason = _(report.reason) % report.reason_params if report.reason else None
        data["reason"] = reason
        self.emit(data, lambda: self._print(report.ok, data))
        if not report.ok:
            raise ProblemsFoundError(
                _("Nhật ký sự kiện bị sửa đổi tại sự kiện %(seq)s (%(uid)s): %(reason)s"),
                seq=report.broken_seq,
                uid=report.broken_uid or "-",
                reason=reason,
            )

    def _print(self, ok: bool, data: dict[str, Any]) -> None:  # noqa: FBT001
        if ok:
            self.say(
                _("Chuỗi nhật ký toàn vẹn: %(count)s sự kiện, băm cuối %(hash)s.")
                % {"count": data["checked"], "hash": data["head_hash"]},
                self.style.SUCCESS,
            )
