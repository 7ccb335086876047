"""``kho worker``: run one background worker on the database task queue (django-tasks-db)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand


class Command(KhoCommand):
    """Run queued tasks; several workers, on several machines sharing PostgreSQL, share the queue."""

    help = _("Chạy một tiến trình xử lý nền (OCR, lập chỉ mục…).")

    def add_arguments(self, parser: CommandParser) -> None:
        """Queue selection and batch mode."""
        parser.add_argument("--queue", default="*", help=_("Hàng đợi cần xử lý (mặc định: tất cả)."))
        parser.add_argument("--batch", action="store_true", help=_("Xử lý hết việc đang chờ rồi thoát."))

    def run(self, *args: Any, **options: Any) -> None:
        """Delegate to django-tasks-db's worker loop."""
        call_command(
            "db_worker",
            queue_name=options["queue"],
            batch=options["batch"],
            startup_delay=False,
            reload=False,
        )
