"""``kho ingest PATH… --record CODE``: store born-digital PDFs and images as documents (no OCR)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.core.exceptions import ProblemsFoundError
from kho.ingest.borndigital import IngestBornDigitalAction, IngestReport


class Command(KhoCommand):
    """Idempotent born-digital ingest: the same bytes twice are one object, reported as a duplicate."""

    help = _("Lưu tài liệu điện tử gốc (PDF, ảnh) vào một hồ sơ; chạy lại không tạo bản trùng.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Paths and the record code."""
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=_("Tệp hoặc thư mục."))
        parser.add_argument("--record", required=True, metavar="CODE", help=_("Mã hồ sơ nhận tài liệu."))

    def run(self, *args: Any, **options: Any) -> None:
        """Ingest; exit 1 if any file was rejected."""
        action = IngestBornDigitalAction(options["record"], options["paths"])
        files = action.check()
        with self.progress(len(files), _("Đang lưu")) as advance:
            report = action.execute(files, progress=advance)
        self.emit({"ok": report.count("rejected") == 0, **report.as_dict()}, lambda: self._print(report))
        if report.count("rejected"):
            raise ProblemsFoundError(_("%(count)s tệp bị từ chối."), count=report.count("rejected"))

    def _print(self, report: IngestReport) -> None:
        for outcome in report.outcomes:
            if outcome.status == "duplicate":
                self.say(_("TRÙNG  %(path)s (đã có: %(doc)s)") % {"path": outcome.path, "doc": outcome.doc_code})
            elif outcome.status == "rejected":
                self.stderr.write(_("TỪ CHỐI %(path)s: %(reason)s") % {"path": outcome.path, "reason": outcome.reason})
        self.say(
            _("Đã lưu %(new)s, trùng %(dup)s, từ chối %(bad)s.")
            % {
                "new": report.count("ingested"),
                "dup": report.count("duplicate"),
                "bad": report.count("rejected"),
            },
            self.style.SUCCESS,
        )
