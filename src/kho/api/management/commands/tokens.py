"""``kho tokens create|revoke|list``: API tokens for scripts and other systems.

Run by the local operator at the server's shell. ``create`` prints the token once; only its SHA-256 is
kept, so a lost token cannot be shown again: revoke it and create another.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kho.api.actions import CreateTokenAction, RevokeTokenAction
from kho.api.models import ApiToken
from kho.core.command import KhoCommand


def _row(token: ApiToken) -> dict[str, Any]:
    now = timezone.now()
    state = "revoked" if token.revoked_at else ("expired" if not token.is_usable(now) else "active")
    return {
        "id": token.pk,
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "state": state,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


class Command(KhoCommand):
    """API token management."""

    help = _("Khóa API: 'create' tạo (in khóa một lần), 'revoke' thu hồi, 'list' liệt kê.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands ``create``, ``revoke`` and ``list``."""
        sub = parser.add_subparsers(dest="action", required=True, metavar="create|revoke|list")
        create = sub.add_parser("create", help=_("Tạo khóa API cho một tài khoản; khóa chỉ in ra một lần."))
        create.add_argument("username", metavar="USER")
        create.add_argument("--name", required=True, help=_("Tên gợi nhớ của khóa (ví dụ: máy quét phòng A)."))
        create.add_argument("--expires-days", type=int, metavar="D", help=_("Hết hạn sau D ngày (mặc định: không)."))
        revoke = sub.add_parser("revoke", help=_("Thu hồi khóa API theo số thứ tự (xem 'kho tokens list')."))
        revoke.add_argument("token_id", type=int, metavar="ID")
        sub.add_parser("list", help=_("Liệt kê khóa API (không bao giờ in lại khóa)."))

    def run(self, *args: Any, **options: Any) -> None:
        """Dispatch to the subcommand."""
        action = options["action"]
        if action == "create":
            issued = CreateTokenAction(
                options["username"], options["name"], expires_days=options.get("expires_days")
            ).execute()
            data = {**_row(issued.row), "token": issued.token}
            self.emit({"ok": True, "token": data}, lambda: self._print_created(data))
        elif action == "revoke":
            row = RevokeTokenAction(options["token_id"]).execute()
            data = _row(row)
            self.emit({"ok": True, "token": data}, lambda: self.say(_("Đã thu hồi khóa API số %(id)s.") % data))
        else:
            rows = [_row(t) for t in ApiToken.objects.select_related("user").order_by("id")]
            self.emit({"ok": True, "tokens": rows}, lambda: self._print_list(rows))

    def _print_created(self, data: dict[str, Any]) -> None:
        self.say(_("Đã tạo khóa API số %(id)s (%(name)s) cho %(user)s.") % data)
        self.say(data["token"])
        self.say(_("Hãy lưu khóa này ngay: Kho chỉ giữ mã băm, không thể in lại."), self.style.WARNING)

    def _print_list(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            self.say(_("Chưa có khóa API nào."))
        for row in rows:
            self.say(
                _("%(id)s  %(prefix)s  %(user)s  %(name)s  %(state)s  hết hạn: %(expires)s  dùng: %(used)s")
                % {**row, "expires": row["expires_at"] or "-", "used": row["last_used_at"] or "-"}
            )
