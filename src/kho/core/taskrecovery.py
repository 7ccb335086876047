"""Worker heartbeats and the recovery of tasks whose worker died (issue #4: a crashing task is retried, then failed).

django-tasks-db 0.13 marks a task RUNNING when a worker claims it and has no lease: a worker killed with
SIGKILL (or crashed by ``os._exit``, the OOM killer, a power cut) leaves its task RUNNING for ever. Worse,
``DBTaskResult.set_successful`` / ``set_failed`` save the row unconditionally, so a worker that was only
slow would overwrite whatever another process wrote meanwhile. Kho therefore never judges a *task* by its
age — digitizing a large batch may take hours — but the *worker* by its heartbeat:

* ``Heartbeat`` (run by ``kho worker``) writes a ``WorkerHeartbeat`` row before the worker claims anything
  and renews ``beat_at`` every ``KHO_TASK_HEARTBEAT_SECONDS`` with the **database clock**, so workers on
  several machines sharing PostgreSQL compare one clock.
* ``recover_lost_tasks`` (run by every ``kho worker`` at start and every ``KHO_TASK_RECOVER_SECONDS``)
  takes, in one transaction with row locks (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, an
  EXCLUSIVE transaction on SQLite), the RUNNING tasks that started more than ``KHO_TASK_LEASE_SECONDS``
  ago and whose last worker has no heartbeat newer than the lease. Each is marked FAILED with the reason
  "worker X stopped responding at T", an audit event is written, and the task's retry policy decides
  whether a new task for the same IDs is queued (upload batches count attempts on the batch; any other
  task counts them in ``TaskRetry``, up to ``KHO_TASK_MAX_ATTEMPTS``). Stale heartbeat rows are removed.

Guarantee (no task runs twice at the same time, a recovered task's result is never overwritten): a worker
whose heartbeat could not be written for **half the lease** (measured on its own monotonic clock from the
moment it *sent* its last successful heartbeat, which is no later than the database time stored) ends its
own process with ``os._exit`` — from a watchdog thread that never touches the database, so a hung
connection cannot stop it. Its task is recovered only after the **whole lease** has passed on the
database clock, so by then its process is gone and can no longer call ``set_successful``. A worker that is
merely slow keeps beating and is never recovered, however long its task runs. The assumptions: the clocks
of the worker machine and of the database server run at the same rate (offsets do not matter), and a
worker stopped for longer than half the lease without its threads being scheduled (e.g. a suspended VM)
is indistinguishable from a dead one — such a worker may wake after recovery; keep the lease well above
any pause you expect. Tasks claimed by a plain ``db_worker`` (no heartbeat) are recovered once they
started more than a lease ago: run workers only through ``kho worker``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import close_old_connections, connection
from django.db.models import DateTimeField, ExpressionWrapper, Value
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.compat import InvalidTaskBackend, TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome
from kho.config.env import TaskLeasePolicy
from kho.core.models import TaskRetry, WorkerHeartbeat

__all__ = [
    "Heartbeat",
    "RecoveredTask",
    "WorkerLostError",
    "new_worker_id",
    "recover_lost_tasks",
    "register_recovery",
]

logger = logging.getLogger(__name__)

FENCED_EXIT_CODE = 75  # EX_TEMPFAIL: the supervisor may start the worker again
WORKER_LOST_PATH = "kho.core.taskrecovery.WorkerLostError"

# A task's own recovery: called with the lost task's id, args, kwargs and the reason, inside the recovery
# transaction; returns True when it queued the work again. Without one, ``_retry_generic`` applies.
RecoveryPolicy = Callable[[str, list[Any], dict[str, Any], str], bool]
_POLICIES: dict[str, RecoveryPolicy] = {}


class WorkerLostError(Exception):
    """The worker running a task stopped responding; stored as the failed task's exception class."""


@dataclass(frozen=True, slots=True)
class RecoveredTask:
    """One task taken back from a dead worker."""

    task_id: str
    task_path: str
    worker_id: str
    reason: str
    requeued: bool


def register_recovery(task_path: str, policy: RecoveryPolicy) -> None:
    """Give the task at ``task_path`` (module path and name) its own retry policy for lost runs."""
    _POLICIES[task_path] = policy


def new_worker_id() -> str:
    """A worker id unique across machines (at most 64 characters, as django-tasks-db requires)."""
    host = socket.gethostname().split(".")[0][:32] or "host"
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


def _lease_ago(seconds: int) -> ExpressionWrapper[Any]:
    """``now() - seconds`` evaluated by the database (one clock for every machine)."""
    return ExpressionWrapper(Now() - Value(timedelta(seconds=seconds)), output_field=DateTimeField())


def recover_lost_tasks(policy: TaskLeasePolicy | None = None) -> list[RecoveredTask]:
    """Fail (and queue again, within the retry budget) every RUNNING task whose worker is gone.

    Returns:
        The recovered tasks, in the order they were handled.
    """
    policy = policy or settings.KHO_TASK_LEASE
    recovered: list[RecoveredTask] = []
    with exclusive_transaction(DBTaskResult.objects.db):
        cutoff = _lease_ago(policy.lease_seconds)
        alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
        stale = DBTaskResult.objects.running().filter(started_at__lt=cutoff).order_by("started_at")
        for row in stale.select_for_update(skip_locked=True):
            worker = row.worker_ids[-1] if row.worker_ids else ""
            if worker not in alive:
                recovered.append(_recover(row, worker, policy))
        WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()
    for item in recovered:
        logger.warning("task %s (%s) recovered: %s", item.task_id, item.task_path, item.reason)
    return recovered


def _recover(row: DBTaskResult[Any, Any], worker: str, policy: TaskLeasePolicy) -> RecoveredTask:
    last = WorkerHeartbeat.objects.filter(worker_id=worker).values_list("beat_at", flat=True).first()
    seen = timezone.localtime(last or row.started_at).strftime("%Y-%m-%d %H:%M:%S %z")
    reason = _("tiến trình xử lý %(worker)s ngừng phản hồi từ %(time)s") % {"worker": worker or "?", "time": seen}
    row.status, row.finished_at, row.return_value = TaskResultStatus.FAILED, timezone.now(), None
    row.exception_class_path, row.traceback = WORKER_LOST_PATH, f"{WORKER_LOST_PATH}: {reason}\n"
    row.save(update_fields=["status", "finished_at", "return_value", "exception_class_path", "traceback"])
    args, kwargs = row.args_kwargs.get("args", []), row.args_kwargs.get("kwargs", {})
    try:
        row.task  # noqa: B018 - importing the task's module registers its recovery policy
    except (ImportError, SuspiciousOperation, InvalidTaskBackend):
        logger.exception("task %s: cannot import %s; not queued again", row.id, row.task_path)
        requeued = False
    else:
        own = _POLICIES.get(row.task_path)
        requeued = own(str(row.id), args, kwargs, reason) if own else _retry_generic(row, args, kwargs, policy)
    log.append(
        EventType.TASK_RECOVERY,
        outcome=Outcome.FAILURE,
        object_type="task",
        object_id=str(row.id),
        detail="task recovered from a worker that stopped responding",
        data={"task": row.task_path, "worker": worker, "requeued": requeued},
    )
    return RecoveredTask(str(row.id), row.task_path, worker, reason, requeued)


def _retry_generic(
    row: DBTaskResult[Any, Any], args: list[Any], kwargs: dict[str, Any], policy: TaskLeasePolicy
) -> bool:
    """Queue the same task again unless this was attempt ``KHO_TASK_MAX_ATTEMPTS``; count it in ``TaskRetry``."""
    previous = TaskRetry.objects.filter(task_id=row.id).first()
    attempt, first = (previous.attempt, previous.first_task_id) if previous else (1, row.id)
    if attempt >= policy.max_attempts:
        return False
    again = row.task.enqueue(*args, **kwargs)
    TaskRetry.objects.create(task_id=uuid.UUID(str(again.id)), first_task_id=first, attempt=attempt + 1)
    return True


class Heartbeat:
    """The heartbeat, periodic recovery and self-fencing of one ``kho worker`` process (two daemon threads)."""

    def __init__(self, worker_id: str, policy: TaskLeasePolicy, *, fence: Callable[[str], None] | None = None):
        self.worker_id = worker_id
        self.policy = policy
        self._fence = fence or _exit_fenced
        self._stop = threading.Event()
        self._last_ok = time.monotonic()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Register the worker (before it may claim a task), recover once, then start the threads."""
        self.register()
        self.recover()
        for target, name in ((self._beat_loop, "kho-heartbeat"), (self._watchdog_loop, "kho-watchdog")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def register(self) -> None:
        """Write this worker's heartbeat row."""
        sent = time.monotonic()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": Now(), "beat_at": Now()},
        )
        self._last_ok = sent

    def stop(self) -> None:
        """Stop the threads and remove the heartbeat row (a clean exit leaves nothing to recover)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.policy.heartbeat_seconds + 5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def beat(self) -> None:
        """Renew the heartbeat; fence at once if the row is gone (another worker judged this one dead)."""
        sent = time.monotonic()
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(beat_at=Now()):
            self._fence(f"heartbeat row of worker {self.worker_id} was removed")
            return
        self._last_ok = sent

    def recover(self) -> None:
        """Run one recovery step; a database error is logged and retried at the next step."""
        try:
            recover_lost_tasks(self.policy)
        except Exception:
            logger.exception("worker %s: task recovery failed", self.worker_id)

    def check_fence(self) -> None:
        """Fence when the last heartbeat that got through was sent more than half the lease ago."""
        silent = time.monotonic() - self._last_ok
        if silent > self.policy.lease_seconds / 2:
            self._fence(f"worker {self.worker_id} could not write its heartbeat for {silent:.0f} s")

    def _beat_loop(self) -> None:
        next_recovery = time.monotonic() + self.policy.recover_seconds
        try:
            while not self._stop.wait(self.policy.heartbeat_seconds):
                close_old_connections()
                try:
                    self.beat()
                except Exception:
                    logger.exception("worker %s: heartbeat failed", self.worker_id)
                    connection.close()
                    continue
                if time.monotonic() >= next_recovery:
                    self.recover()
                    next_recovery = time.monotonic() + self.policy.recover_seconds
        finally:
            connection.close()

    def _watchdog_loop(self) -> None:
        while not self._stop.wait(max(0.2, self.policy.heartbeat_seconds / 4)):
            self.check_fence()


def _exit_fenced(why: str) -> None:
    """End the whole process now: its task may be handed to another worker, it must not finish it."""
    logger.critical("%s: stopping this worker so that its task is not run twice", why)
    logging.shutdown()
    os._exit(FENCED_EXIT_CODE)
