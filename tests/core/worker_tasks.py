"""Test-only tasks for tests/core/test_worker_queue.py, run by real ``kho worker`` processes.

Every task appends one line per event to a log file opened with ``O_APPEND`` (one ``write`` per line, so lines
from several processes never interleave): ``<event> <task id> <pid>``. The test reads the file to find
duplicates, missing runs and which worker process ran what.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import TaskContext, task

BARRIER_TIMEOUT_SECONDS = 120.0


def _append(log: str, line: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _pids(log: str) -> set[str]:
    return {line.split()[2] for line in Path(log).read_text().splitlines() if line.startswith("start ")}


@task(takes_context=True)
def record_run(context: TaskContext, log: str, barrier: int) -> str:
    """Log start and end of this run; with ``barrier > 0`` wait until that many worker processes have started one.

    The barrier makes the test deterministic instead of timing-based: while fewer than ``barrier`` processes
    have started a task, the waiting task holds its worker, so the remaining tasks can only be claimed by the
    other workers.
    """
    task_id, pid = str(context.task_result.id), str(os.getpid())
    _append(log, f"start {task_id} {pid}")
    deadline = time.monotonic() + BARRIER_TIMEOUT_SECONDS
    while barrier and len(_pids(log)) < barrier and time.monotonic() < deadline:
        time.sleep(0.05)
    _append(log, f"done {task_id} {pid}")
    return pid


@task(takes_context=True)
def hold(context: TaskContext, log: str, seconds: float) -> None:
    """Log the start, then block (the test kills the worker running it)."""
    _append(log, f"start {context.task_result.id} {os.getpid()}")
    time.sleep(seconds)
    _append(log, f"done {context.task_result.id} {os.getpid()}")
