"""``kho worker``: run one background worker on the database task queue (django-tasks-db).

Kho's wrapper adds a heartbeat and the recovery of tasks whose worker died (``kho.core.taskrecovery``):
the worker registers its heartbeat before it may claim a task, recovers lost tasks at start and every
``KHO_TASK_RECOVER_SECONDS``, and removes its heartbeat when it exits cleanly.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.core.taskrecovery import Heartbeat, new_worker_id


class Command(KhoCommand):
    """Run queued tasks; several workers, on several machines sharing PostgreSQL, share the queue."""

    help = _("Chạy một tiến trình xử lý nền (OCR, lập chỉ mục…).")

    def add_arguments(self, parser: CommandParser) -> None:
        """Queue selection and batch mode."""
        parser.add_argument("--queue", default="*", help=_("Hàng đợi cần xử lý (mặc định: tất cả)."))
        parser.add_argument("--batch", action="store_true", help=_("Xử lý hết việc đang chờ rồi thoát."))

    def run(self, *args: Any, **options: Any) -> None:
        """Start the heartbeat, then delegate to django-tasks-db's worker loop under the same worker id."""
        worker_id = new_worker_id()
        heartbeat = Heartbeat(worker_id, settings.KHO_TASK_LEASE)
        heartbeat.start()
        try:
            call_command(
                "db_worker",
                queue_name=options["queue"],
                batch=options["batch"],
                startup_delay=False,
                reload=False,
                worker_id=worker_id,
            )
        finally:
            heartbeat.stop()
