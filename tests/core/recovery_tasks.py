"""Test-only tasks for tests/core/test_worker_recovery.py, run by real ``kho worker`` processes.

Each task appends ``<event> <task id> <pid>`` lines to a log file (``O_APPEND``, one ``write`` per line), as in
``tests.core.worker_tasks``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import TaskContext, task

from tests.core.worker_tasks import _append


@task(takes_context=True)
def hold_the_first_time(context: TaskContext, log: str, marker: str) -> str:
    """The first run (no ``marker`` yet) creates it and blocks (the test kills its worker); later runs finish."""
    task_id, pid = str(context.task_result.id), str(os.getpid())
    first = not Path(marker).exists()
    Path(marker).touch()
    _append(log, f"start {task_id} {pid}")
    if first:
        time.sleep(600)
    _append(log, f"done {task_id} {pid}")
    return pid


@task(takes_context=True)
def crash_the_worker(context: TaskContext, log: str) -> None:
    """Log the start, then end the worker process at once (as a segfault or the OOM killer would)."""
    _append(log, f"start {context.task_result.id} {os.getpid()}")
    os._exit(3)
