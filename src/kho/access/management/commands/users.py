"""``kho users create|set|list|unlock|totp``: accounts, their access, sign-in locks and second factor.

Run by the local operator at the server's shell. Passwords are read only from standard input
(``--password-stdin``, first line), validated by Django's validators and never printed or logged.
``unlock`` clears a sign-in lock; ``totp enable`` prints a new TOTP secret and its ``otpauth://`` URI once
(hand it to the user's authenticator app), ``totp disable`` removes it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.access.actions import AccessChange, ChangeAccessAction, CreateUserAction, parse_clearance, parse_role, snapshot
from kho.access.models import AccessProfile, Role
from kho.access.signin_actions import SecondFactorAction, UnlockAction
from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError


class Command(KhoCommand):
    """Account management."""

    help = _(
        "Tài khoản: 'create' tạo, 'set' sửa vai trò/độ mật/phạm vi, 'list' liệt kê, 'unlock' mở khóa đăng nhập, "
        "'totp' bật/tắt xác thực hai bước."
    )
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands ``create``, ``set`` and ``list``."""
        sub = parser.add_subparsers(dest="action", required=True, metavar="create|set|list|unlock|totp")
        create = sub.add_parser("create", help=_("Tạo tài khoản với vai trò, độ mật và phạm vi."))
        create.add_argument("username", metavar="USERNAME")
        create.add_argument("--role", required=True, help=_("Vai trò: %(roles)s.") % {"roles": ", ".join(Role.values)})
        self._scope_arguments(create, nargs="+")
        create.add_argument("--all-agencies", action="store_true", help=_("Toàn bộ cơ quan trong tỉnh."))
        change = sub.add_parser("set", help=_("Sửa vai trò, độ mật, phạm vi, mật khẩu của tài khoản."))
        change.add_argument("username", metavar="USERNAME")
        change.add_argument("--role", help=_("Vai trò mới."))
        self._scope_arguments(change, nargs="*")
        change.add_argument(
            "--all-agencies", action=argparse.BooleanOptionalAction, default=None, help=_("Toàn bộ cơ quan.")
        )
        change.add_argument(
            "--active", action=argparse.BooleanOptionalAction, default=None, help=_("Mở hoặc khóa tài khoản.")
        )
        sub.add_parser("list", help=_("Liệt kê tài khoản và quyền."))
        self._security_arguments(sub)

    @staticmethod
    def _security_arguments(sub: Any) -> None:
        unlock = sub.add_parser("unlock", help=_("Mở khóa tài khoản bị khóa do đăng nhập sai nhiều lần."))
        unlock.add_argument("username", metavar="USERNAME", nargs="?", default="")
        unlock.add_argument("--address", default="", help=_("Mở khóa địa chỉ máy khách này (IP)."))
        second = sub.add_parser("totp", help=_("Bật hoặc tắt xác thực hai bước (TOTP)."))
        second.add_argument("switch", choices=["enable", "disable"])
        second.add_argument("username", metavar="USERNAME")

    @staticmethod
    def _scope_arguments(parser: argparse.ArgumentParser, nargs: str) -> None:
        parser.add_argument(
            "--clearance", metavar="NONE|MAT|TOI_MAT|TUYET_MAT", help=_("Độ mật được tiếp cận (mặc định NONE).")
        )
        parser.add_argument(
            "--agency",
            nargs=nargs,
            metavar="CODE",
            help=_("Mã cơ quan trong phạm vi (kèm cơ quan trực thuộc); với 'set' thay cả danh sách."),
        )
        parser.add_argument("--fonds", nargs=nargs, metavar="CODE", help=_("Mã phông trong phạm vi."))
        parser.add_argument("--password-stdin", action="store_true", help=_("Đọc mật khẩu từ dòng đầu của stdin."))

    def run(self, *args: Any, **options: Any) -> None:
        """Dispatch to the subcommand."""
        if options["action"] == "list":
            self._list()
            return
        if options["action"] == "unlock":
            self._unlock(options["username"], options["address"])
            return
        if options["action"] == "totp":
            self._totp(options["username"], enable=options["switch"] == "enable")
            return
        change = self._change(options)
        if options["action"] == "create":
            profile = CreateUserAction(options["username"], change).execute()
        else:
            profile = ChangeAccessAction(options["username"], change).execute()
        data = snapshot(profile.user, profile)
        self.emit({"ok": True, "user": data}, lambda: self._print_user(data, options["action"]))
        if change.clearance is not None:
            self.say(
                _("Cảnh báo: độ mật của “%(username)s” nay là %(clearance)s; thay đổi đã ghi vào nhật ký.")
                % {"username": data["username"], "clearance": data["clearance"]},
                self.style.WARNING,
            )

    def _change(self, options: dict[str, Any]) -> AccessChange:
        role = parse_role(options["role"]) if options.get("role") else None
        clearance = parse_clearance(options["clearance"]) if options.get("clearance") is not None else None
        all_agencies = options.get("all_agencies")
        return AccessChange(
            role=role,
            clearance=clearance,
            agency_codes=tuple(options["agency"]) if options.get("agency") is not None else None,
            fonds_codes=tuple(options["fonds"]) if options.get("fonds") is not None else None,
            all_agencies=all_agencies if options["action"] == "set" else bool(all_agencies),
            password=self._read_password() if options.get("password_stdin") else None,
            active=options.get("active"),
        )

    @staticmethod
    def _read_password() -> str:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise BadInputError(_("--password-stdin: không đọc được mật khẩu từ stdin (dòng đầu trống)."))
        return password

    def _unlock(self, username: str, address: str) -> None:
        cleared = UnlockAction(username, address=address).execute()
        self.emit(
            {"ok": True, "username": username, "locks_cleared": cleared},
            lambda: self.say(
                _("Đã mở khóa đăng nhập của “%(username)s” (%(count)s khóa đang có hiệu lực).")
                % {"username": username, "count": cleared}
            ),
        )

    def _totp(self, username: str, *, enable: bool) -> None:
        result = SecondFactorAction(username, enable=enable).execute()
        data = {"ok": True, "username": result.username, "enabled": result.enabled, "changed": result.changed}
        if enable:
            data |= {"secret": result.secret, "uri": result.uri}
        self.emit(data, lambda: self._print_totp(result))

    def _print_totp(self, result: Any) -> None:
        if not result.enabled:
            message = (
                _("Đã tắt xác thực hai bước của “%(username)s”.")
                if result.changed
                else _("“%(username)s” chưa bật xác thực hai bước; không có gì thay đổi.")
            )
            self.say(message % {"username": result.username})
            return
        self.say(_("Đã bật xác thực hai bước cho “%(username)s”.") % {"username": result.username})
        self.say(_("Khóa bí mật (nhập vào ứng dụng xác thực): %(secret)s") % {"secret": result.secret})
        self.say(_("Hoặc URI: %(uri)s") % {"uri": result.uri})
        self.say(_("Khóa chỉ hiện một lần; hãy giao trực tiếp cho người dùng."), self.style.WARNING)

    def _list(self) -> None:
        users = get_user_model().objects.order_by("username")
        profiles = {p.user_id: p for p in AccessProfile.objects.prefetch_related("agencies", "fonds")}
        rows = [snapshot(user, profiles.get(user.pk)) for user in users]
        self.emit({"ok": True, "users": rows}, lambda: self._print_all(rows))

    def _print_all(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self._print_user(row, "list")

    def _print_user(self, data: dict[str, Any], verb: str) -> None:
        scope = _("toàn tỉnh") if data["all_agencies"] else ", ".join(data["agencies"] + data["fonds"]) or "-"
        line = _("%(username)s: vai trò %(role)s, độ mật %(clearance)s, phạm vi %(scope)s%(state)s") % {
            "username": data["username"],
            "role": data["role"] or _("(không có hồ sơ phân quyền: không truy cập được)"),
            "clearance": data["clearance"] or "-",
            "scope": scope,
            "state": "" if data["active"] else _(" (đã khóa)"),
        }
        prefix = {"create": _("Đã tạo "), "set": _("Đã cập nhật ")}.get(verb, "")
        self.say(prefix + line)
