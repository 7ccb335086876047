"""``kho fixity [--all | --sample N]``: re-hash stored objects and report every mismatch and missing object."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.db.models import Sum
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError, ProblemsFoundError
from kho.storage.actions import FixityCheckAction, FixityReport
from kho.storage.models import Blob


class Command(KhoCommand):
    """Fixity check of the object store; one PREMIS fixity event per object."""

    help = _("Kiểm tra toàn vẹn: băm lại các đối tượng đã lưu, ghi sự kiện, báo mọi sai lệch.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """``--all`` or ``--sample N``."""
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help=_("Kiểm tra mọi đối tượng (mặc định)."))
        group.add_argument("--sample", type=int, metavar="N", help=_("Kiểm tra N đối tượng chọn ngẫu nhiên."))
        parser.add_argument(
            "--decrypt",
            action="store_true",
            help=_("Giải mã cả đối tượng mã hóa để kiểm tra bản rõ (cần khóa chủ)."),
        )

    def run(self, *args: Any, **options: Any) -> None:
        """Check; exit 1 if any object is missing or altered."""
        sample = options.get("sample")
        if sample is not None and sample < 1:
            raise BadInputError(_("--sample cần một số nguyên dương, nhận được %(value)s."), value=sample)
        action = FixityCheckAction(sample=sample, decrypt=options.get("decrypt", False))
        total = Blob.objects.aggregate(total=Sum("size"))["total"] or 0
        with self.progress(total, _("Kiểm tra toàn vẹn")) as advance:
            report = action.execute(progress=advance)
        self.emit({"ok": not report.problems, **report.as_dict()}, lambda: self._print(report))
        if report.problems:
            raise ProblemsFoundError(_("%(count)s đối tượng không toàn vẹn."), count=len(report.problems))

    def _print(self, report: FixityReport) -> None:
        self.say(
            _("Đã kiểm tra %(checked)s đối tượng (%(bytes)s byte): %(ok)s toàn vẹn.")
            % {"checked": report.checked, "bytes": report.bytes, "ok": report.ok}
        )
        for problem in report.problems:
            label = _("THIẾU") if problem.kind == "missing" else _("SAI LỆCH")
            used = ", ".join(problem.used_by) or "-"
            self.stderr.write(f"{label} {problem.digest} ({used})")
