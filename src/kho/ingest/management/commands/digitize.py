"""``kho digitize PATH… (--record CODE | --manifest FILE.csv) [--jobs N]``: scans to PDF/A-2b with OCR."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError, ProblemsFoundError
from kho.ingest.digitize import DigitizeBatchAction, DigitizeReport, plan_paths
from kho.ingest.manifest import read_manifest


class Command(KhoCommand):
    """Digitize scans: one folder per document (pages in natural order) or one file per document."""

    help = _("Số hóa bản quét thành PDF/A-2b hai lớp có nhận dạng tiếng Việt, đọc siêu dữ liệu từ trang.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Paths, the target record or a manifest, and parallelism."""
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=_("Tệp hoặc thư mục tài liệu."))
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--record", metavar="CODE", help=_("Mã hồ sơ nhận tài liệu."))
        target.add_argument("--manifest", type=Path, metavar="FILE.csv", help=_("Tệp CSV: tệp, mã hồ sơ, thứ tự."))
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help=_("Số tài liệu xử lý song song (mặc định: số lõi CPU)."),
        )

    def run(self, *args: Any, **options: Any) -> None:
        """Plan, digitize, print the summary; exit 1 when a document failed or was refused."""
        if options["jobs"] < 1:
            raise BadInputError(_("--jobs cần một số nguyên dương."))
        if options["manifest"]:
            planned = read_manifest(options["manifest"])
        elif options["paths"]:
            planned = plan_paths(options["record"], options["paths"])
        else:
            raise BadInputError(_("Cần ít nhất một tệp hoặc thư mục (hoặc --manifest)."))
        action = DigitizeBatchAction(planned, jobs=options["jobs"])
        with self.progress(len(planned), _("Đang số hóa")) as advance:
            report = action.execute(progress=advance)
        bad = report.count("failed") + report.count("refused")
        self.emit({"ok": bad == 0, **report.as_dict()}, lambda: self._print(report))
        if bad:
            raise ProblemsFoundError(_("%(count)s tài liệu không số hóa được."), count=bad)

    def _print(self, report: DigitizeReport) -> None:
        for item in report.outcomes:
            if item.status in {"failed", "refused"}:
                self.stderr.write(f"{item.status.upper()} {item.source}: {item.reason}")
            elif item.review:
                self.say(
                    _("CẦN XEM LẠI %(doc)s: %(fields)s") % {"doc": item.doc_code, "fields": ", ".join(item.review)}
                )
        summary = report.as_dict()
        self.say(
            _(
                "Số hóa %(ok)s/%(total)s tài liệu (%(pages)s trang, %(ppm)s trang/phút); bỏ qua %(skip)s đã có, "
                "lỗi %(failed)s, từ chối %(refused)s; %(secs)s giây."
            )
            % {
                "ok": summary["digitized"],
                "total": summary["documents"],
                "pages": summary["pages"],
                "ppm": summary["pages_per_minute"],
                "skip": summary["skipped"],
                "failed": summary["failed"],
                "refused": summary["refused"],
                "secs": summary["elapsed_seconds"],
            },
            self.style.SUCCESS,
        )
