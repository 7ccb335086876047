"""``kho inspect FILE… [--json]`` and ``kho inspect --text FILE.txt``: run the pipeline, store nothing.

With ``--json`` each document is printed as one JSON object per line with exactly the keys of
``ExtractedMetadata.as_dict()`` (other tools rely on them). A folder argument is one document whose pages
are its image files in natural order.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError, NotFoundError, ProblemsFoundError
from kho.ingest.digitize import _reason, options_from_settings, plan_paths
from kho.ingest.engine_config import get_engine
from kho.ingest.extract import ExtractedMetadata, extract_metadata
from kho.ingest.pipeline import PRELOAD, DocumentJob, DocumentResult, deadline, run_pipeline
from kho.ingest.procpool import run_jobs


class Command(KhoCommand):
    """Show what Kho reads from scans or text, without storing anything."""

    help = _("Chạy quy trình số hóa trên tệp mà không lưu gì; in siêu dữ liệu đọc được.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Files or folders, or ``--text`` for the extractor alone."""
        parser.add_argument("paths", nargs="*", type=Path, metavar="FILE", help=_("Tệp ảnh/PDF hoặc thư mục."))
        parser.add_argument("--text", type=Path, metavar="FILE.txt", help=_("Chỉ trích xuất từ văn bản thuần."))
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N")

    def run(self, *args: Any, **options: Any) -> None:
        """Inspect and print."""
        if options["text"]:
            self._show(extract_metadata(_read_text(options["text"])).as_dict())
            return
        if not options["paths"]:
            raise BadInputError(_("Cần ít nhất một tệp, thư mục, hoặc --text."))
        planned = plan_paths("-", options["paths"])
        work = Path(tempfile.mkdtemp(prefix="kho-inspect-"))
        engine, opts = get_engine(), options_from_settings()
        jobs = [DocumentJob(str(i), doc.paths, work / str(i), opts, engine) for i, doc in enumerate(planned)]
        failures = []
        try:
            for outcome in sorted(
                run_jobs(run_pipeline, jobs, workers=max(1, options["jobs"]), timeout_of=deadline, preload=PRELOAD),
                key=lambda o: int(o.job.key),
            ):
                if isinstance(outcome.value, DocumentResult):
                    self._show(outcome.value.metadata.as_dict())
                else:
                    failures.append(f"{planned[int(outcome.job.key)].paths[0]}: {_reason(outcome.error)}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if failures:
            raise ProblemsFoundError(_("%(count)s tài liệu không xử lý được."), details=failures, count=len(failures))

    def _show(self, data: dict[str, Any]) -> None:
        if self.json_mode:
            self._emitted = True
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for key, value in data.items():
            if key != "text":
                self.stdout.write(f"{key:>18}: {value}")
        self.stdout.write("")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(_("Không tìm thấy tệp “%(path)s”."), path=str(path)) from None
    except (UnicodeDecodeError, OSError) as error:
        raise BadInputError(
            _("Không đọc được %(path)s dạng UTF-8: %(reason)s"), path=str(path), reason=str(error)
        ) from error


__all__ = ["Command", "ExtractedMetadata"]
