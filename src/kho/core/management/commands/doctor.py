"""``kho doctor``: report every installation problem with its fix (tools, storage, database, settings)."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.checks import KHO_TAG
from kho.core.command import KhoCommand
from kho.core.exceptions import ProblemsFoundError


class Command(KhoCommand):
    """Run Kho's system checks and print each problem with its hint."""

    help = _("Kiểm tra cài đặt: công cụ OCR, thư mục lưu trữ, cơ sở dữ liệu, cấu hình.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """``--secure`` adds the checks of the air-gapped profile for classified work."""
        parser.add_argument("--secure", action="store_true", help=_("Kiểm tra thêm cấu hình an ninh cho tài liệu mật."))

    def run(self, *args: Any, **options: Any) -> None:
        """Print the findings; exit 1 when any is an error."""
        tags = [KHO_TAG] + (["kho-secure"] if options["secure"] else [])
        found = checks.run_checks(tags=tags, include_deployment_checks=True)
        errors = [m for m in found if m.level >= checks.ERROR]
        rows = [
            {
                "id": str(m.id),
                "level": "error" if m.level >= checks.ERROR else "warning",
                "message": str(m.msg),
                "fix": str(m.hint or ""),
            }
            for m in found
        ]
        self.emit({"ok": not errors, "problems": rows}, lambda: self._print(rows))
        if errors:
            raise ProblemsFoundError(_("%(count)s lỗi cần sửa."), count=len(errors))

    def _print(self, rows: list[dict[str, str]]) -> None:
        if not rows:
            self.say(_("Không phát hiện vấn đề nào."), self.style.SUCCESS)
            return
        for row in rows:
            mark = self.style.ERROR("✗") if row["level"] == "error" else self.style.WARNING("!")
            self.say(f"{mark} [{row['id']}] {row['message']}")
            if row["fix"]:
                self.say(_("    Cách sửa: %(fix)s") % {"fix": row["fix"]})
