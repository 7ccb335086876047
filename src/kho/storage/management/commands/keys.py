"""``kho keys generate|status|seal|rotate``: the master key that encrypts classified documents at rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError, ProblemsFoundError
from kho.storage.encryption import RotateKeysAction, SealClassifiedAction, key_status
from kho.storage.keys import generate_key_file, read_key_file
from kho.storage.models import Blob


class Command(KhoCommand):
    """Master key management: create a key file, report, seal what is left in plain, rotate."""

    help = _("Khóa chủ mã hóa tài liệu mật: 'generate', 'status', 'seal', 'rotate'.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands ``generate``, ``status``, ``seal`` and ``rotate``."""
        sub = parser.add_subparsers(dest="action", required=True, metavar="generate|status|seal|rotate")
        generate = sub.add_parser("generate", help=_("Tạo tệp khóa chủ mới (quyền 0600)."))
        generate.add_argument("--out", required=True, type=Path, metavar="FILE", help=_("Tệp khóa sẽ tạo."))
        sub.add_parser("status", help=_("Số đối tượng mã hóa theo từng khóa chủ."))
        sub.add_parser("seal", help=_("Mã hóa các đối tượng của tài liệu mật còn lưu ở dạng rõ."))
        rotate = sub.add_parser("rotate", help=_("Bọc lại mọi khóa dữ liệu bằng khóa chủ mới."))
        rotate.add_argument("--new-key-file", required=True, type=Path, metavar="FILE", help=_("Tệp khóa chủ mới."))
        rotate.add_argument("--batch", type=int, default=200, metavar="N", help=_("Số đối tượng mỗi giao dịch."))

    def run(self, *args: Any, **options: Any) -> None:
        """Dispatch to the subcommand."""
        getattr(self, f"_{options['action']}")(options)

    def _generate(self, options: dict[str, Any]) -> None:
        key = generate_key_file(options["out"])
        self.emit(
            {"ok": True, "key_id": key.key_id, "path": str(options["out"])},
            lambda: self.say(
                _("Đã tạo khóa chủ %(key_id)s trong %(path)s. Giữ tệp này ngoài thư mục dữ liệu và sao lưu riêng.")
                % {"key_id": key.key_id, "path": options["out"]}
            ),
        )

    def _status(self, options: dict[str, Any]) -> None:
        status = key_status()
        self.emit(status, lambda: self._print_status(status))
        if not status["ok"]:
            raise ProblemsFoundError(_("Có đối tượng mật chưa mã hóa hoặc mã hóa bằng khóa khác."))

    def _print_status(self, status: dict[str, Any]) -> None:
        self.say(_("Khóa chủ đang cấu hình: %(key)s") % {"key": status["configured_key_id"] or "-"})
        for key_id, count in sorted(status["encrypted"].items()):
            self.say(_("  %(key)s: %(count)s đối tượng mã hóa") % {"key": key_id, "count": count})
        self.say(_("Đối tượng lưu dạng rõ: %(count)s") % {"count": status["plaintext"]})
        self.say(_("Đối tượng mật còn ở dạng rõ: %(count)s") % {"count": status["classified_in_plain"]})

    def _seal(self, options: dict[str, Any]) -> None:
        report = SealClassifiedAction().execute()
        self.emit(
            {"ok": True, **report.as_dict()},
            lambda: self.say(_("Đã mã hóa %(count)s đối tượng.") % {"count": len(report.sealed)}),
        )

    def _rotate(self, options: dict[str, Any]) -> None:
        if options["batch"] < 1:
            raise BadInputError(_("--batch cần một số nguyên dương, nhận được %(value)s."), value=options["batch"])
        new_key = read_key_file(options["new_key_file"])
        action = RotateKeysAction(new_key, batch=options["batch"])
        total = Blob.objects.exclude(key_id="").exclude(key_id=new_key.key_id).count()
        with self.progress(total, _("Bọc lại khóa dữ liệu")) as advance:
            report = action.execute(progress=advance)
        self.emit(
            {"ok": True, **report.as_dict()},
            lambda: self.say(
                _(
                    "Đã bọc lại %(count)s khóa dữ liệu từ khóa %(old)s sang %(new)s. "
                    "Giờ hãy đặt KHO_MASTER_KEY_FILE trỏ tới khóa mới."
                )
                % {"count": report.rewrapped, "old": report.old_key_id, "new": report.new_key_id}
            ),
        )
