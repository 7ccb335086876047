"""Recovery of tasks whose worker died (``kho.core.taskrecovery``): unit tests on fake rows, then real workers.

The unit tests build RUNNING task rows and heartbeat rows by hand and run one recovery step. The slow tests
start real ``kho worker`` processes with a short lease, SIGKILL one in the middle of a task, or run a task
that ends its worker with ``os._exit``, and check that the task runs again exactly once, or ends FAILED
after the bounded number of attempts with the reason.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kho.audit.models import Event
from kho.config.env import ConfigError, TaskLeasePolicy, get_task_lease_policy
from kho.core.models import TaskRetry, WorkerHeartbeat
from kho.core.taskrecovery import WORKER_LOST_PATH, Heartbeat, recover_lost_tasks
from kho.ingest.models import UploadBatch
from kho.ingest.tasks import digitize_upload_task
from kho.ingest.uploads import CreateUploadBatchAction
from tests import factories
from tests.access.helpers import user as make_user
from tests.conftest import REPO, kho_subprocess
from tests.core import worker_tasks
from tests.core.test_worker_queue import WAIT_SECONDS, _django, _enqueue, _events, stop_workers
from tests.isolated import isolated_archive

RECOVERY = "tests.core.recovery_tasks"

POLICY = TaskLeasePolicy(heartbeat_seconds=1, lease_seconds=60, recover_seconds=1, max_attempts=3)
LONG_AGO = timedelta(hours=1)


def running(result: Any, worker: str, *, started: timedelta = LONG_AGO) -> DBTaskResult[Any, Any]:
    """Mark an enqueued task RUNNING on ``worker`` since ``started`` ago."""
    row = DBTaskResult.objects.get(pk=result.id)
    row.status, row.started_at, row.worker_ids = "RUNNING", timezone.now() - started, [worker]
    row.save()
    return row


def heartbeat(worker: str, *, age: timedelta) -> None:
    when = timezone.now() - age
    WorkerHeartbeat.objects.create(worker_id=worker, host="h", pid=1, started_at=when, beat_at=when)


def status(result: Any) -> str:
    return str(DBTaskResult.objects.get(pk=result.id).status)


def new_rows(*known: Any) -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.exclude(pk__in=[r.id for r in known]))


# --- settings ------------------------------------------------------------------------------------------


def test_lease_policy_defaults_and_values():
    assert get_task_lease_policy({}) == TaskLeasePolicy(15, 120, 60, 3)
    env = {
        "KHO_TASK_HEARTBEAT_SECONDS": "2",
        "KHO_TASK_LEASE_SECONDS": "8",
        "KHO_TASK_RECOVER_SECONDS": "5",
        "KHO_TASK_MAX_ATTEMPTS": "1",
    }
    assert get_task_lease_policy(env) == TaskLeasePolicy(2, 8, 5, 1)


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"KHO_TASK_LEASE_SECONDS": "ten"}, "KHO_TASK_LEASE_SECONDS='ten': expected a whole number"),
        ({"KHO_TASK_HEARTBEAT_SECONDS": "0"}, "KHO_TASK_HEARTBEAT_SECONDS='0': must be at least 1"),
        ({"KHO_TASK_MAX_ATTEMPTS": "0"}, "KHO_TASK_MAX_ATTEMPTS='0': must be at least 1"),
        ({"KHO_TASK_RECOVER_SECONDS": "-1"}, "KHO_TASK_RECOVER_SECONDS='-1': must be at least 1"),
        ({"KHO_TASK_LEASE_SECONDS": "3"}, "KHO_TASK_LEASE_SECONDS='3': must be at least 4"),
        ({"KHO_TASK_LEASE_SECONDS": "30", "KHO_TASK_HEARTBEAT_SECONDS": "10"}, "at least 4 × KHO_TASK_HEARTBEAT"),
    ],
)
def test_lease_policy_refuses_bad_values_naming_the_variable(env, names):
    with pytest.raises(ConfigError, match=names.replace("(", r"\(")):
        get_task_lease_policy(env)


# --- one recovery step on fake rows -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dead_workers_task_fails_with_the_reason_and_runs_again(tmp_path):
    lost = worker_tasks.hold.enqueue(str(tmp_path / "log"), 1)
    running(lost, "dead-worker")
    heartbeat("dead-worker", age=LONG_AGO)

    (item,) = recover_lost_tasks(POLICY)

    row = DBTaskResult.objects.get(pk=lost.id)
    assert row.status == "FAILED" and row.finished_at is not None
    assert row.exception_class_path == WORKER_LOST_PATH and "dead-worker" in row.traceback
    assert item.worker_id == "dead-worker" and item.requeued and "dead-worker" in item.reason
    (again,) = new_rows(lost)
    assert again.status == "READY" and again.task_path == row.task_path and again.args_kwargs == row.args_kwargs
    retry = TaskRetry.objects.get(task_id=again.id)
    assert retry.attempt == 2 and retry.first_task_id == uuid.UUID(str(lost.id))
    event = Event.objects.get(object_type="task", object_id=str(lost.id))
    assert event.outcome == "failure" and json.loads(event.data)["worker"] == "dead-worker"
    assert not WorkerHeartbeat.objects.exists(), "the stale heartbeat row is removed"
    assert recover_lost_tasks(POLICY) == [], "a second step finds nothing more"


@pytest.mark.django_db
def test_a_live_workers_long_task_is_never_touched(tmp_path):
    long_task = worker_tasks.hold.enqueue(str(tmp_path / "log"), 1)
    running(long_task, "busy-worker", started=timedelta(days=2))
    heartbeat("busy-worker", age=timedelta(seconds=1))
    assert recover_lost_tasks(POLICY) == []
    assert status(long_task) == "RUNNING" and WorkerHeartbeat.objects.filter(pk="busy-worker").exists()


@pytest.mark.django_db
def test_without_a_heartbeat_only_a_task_older_than_the_lease_is_recovered(tmp_path):
    fresh = worker_tasks.hold.enqueue(str(tmp_path / "log"), 1)
    old = worker_tasks.hold.enqueue(str(tmp_path / "log"), 2)
    running(fresh, "plain-worker", started=timedelta(seconds=5))
    running(old, "plain-worker")
    recovered = recover_lost_tasks(POLICY)
    assert [r.task_id for r in recovered] == [str(old.id)]
    assert status(fresh) == "RUNNING" and status(old) == "FAILED"


@pytest.mark.django_db
def test_ready_and_finished_tasks_are_left_alone(tmp_path):
    ready = worker_tasks.hold.enqueue(str(tmp_path / "log"), 1)
    done = worker_tasks.hold.enqueue(str(tmp_path / "log"), 2)
    DBTaskResult.objects.filter(pk=done.id).update(status="SUCCESSFUL", started_at=timezone.now() - LONG_AGO)
    assert recover_lost_tasks(POLICY) == []
    assert (status(ready), status(done)) == ("READY", "SUCCESSFUL")


@pytest.mark.django_db
def test_the_last_attempt_is_not_queued_again(tmp_path):
    third = worker_tasks.hold.enqueue(str(tmp_path / "log"), 1)
    TaskRetry.objects.create(task_id=third.id, first_task_id=uuid.uuid4(), attempt=3)
    running(third, "dead-worker")
    (item,) = recover_lost_tasks(POLICY)
    assert not item.requeued and status(third) == "FAILED" and new_rows(third) == []


@pytest.mark.django_db
def test_a_task_whose_code_is_gone_is_failed_but_not_queued_again(tmp_path):
    gone = worker_tasks.hold.enqueue(str(tmp_path / "log"), 1)
    DBTaskResult.objects.filter(pk=gone.id).update(task_path="tests.core.no_such_module.task")
    running(gone, "dead-worker")
    (item,) = recover_lost_tasks(POLICY)
    assert not item.requeued and status(gone) == "FAILED" and new_rows(gone) == []


# --- upload batches: their own attempt counter and the reason on the batch --------------------------------


@pytest.fixture
def upload(db: Any) -> UploadBatch:
    agency = factories.agency("H49.64.33")
    record = factories.record("H49.64.33.2024.01.VP", in_fonds=factories.fonds(owner=agency))
    return CreateUploadBatchAction(record, make_user("clerk", role="clerk", agencies=[agency])).execute()


def lost_upload(batch: UploadBatch, *, attempts: int, state: str = "running") -> Any:
    result = digitize_upload_task.enqueue(batch.pk)
    UploadBatch.objects.filter(pk=batch.pk).update(status=state, attempts=attempts, task_id=str(result.id))
    running(result, "dead-worker")
    return result


def test_a_lost_upload_run_counts_an_attempt_and_queues_the_batch_again(upload):
    lost = lost_upload(upload, attempts=1)
    (item,) = recover_lost_tasks(POLICY)
    upload.refresh_from_db()
    (again,) = new_rows(lost)
    assert item.requeued and upload.status == "pending" and "dead-worker" in upload.error
    assert upload.task_id == str(again.id) and upload.attempts == 1
    assert not TaskRetry.objects.exists(), "upload batches count attempts on the batch"


def test_a_lost_upload_run_on_the_last_attempt_fails_the_batch_with_the_reason(upload):
    lost = lost_upload(upload, attempts=upload.max_attempts)
    (item,) = recover_lost_tasks(POLICY)
    upload.refresh_from_db()
    assert not item.requeued and upload.status == "failed" and "dead-worker" in upload.error
    assert new_rows(lost) == [] and status(lost) == "FAILED"


def test_a_worker_dying_before_the_attempt_began_still_counts_it(upload):
    lost = lost_upload(upload, attempts=upload.max_attempts - 1, state="pending")
    (item,) = recover_lost_tasks(POLICY)
    upload.refresh_from_db()
    assert not item.requeued and upload.status == "failed" and upload.attempts == upload.max_attempts
    assert new_rows(lost) == []


@pytest.mark.parametrize(("state", "current"), [("done", True), ("failed", True), ("pending", False)])
def test_a_finished_batch_or_a_superseded_task_leaves_the_batch_alone(upload, state, current):
    lost = lost_upload(upload, attempts=1, state=state)
    if not current:
        UploadBatch.objects.filter(pk=upload.pk).update(task_id=str(uuid.uuid4()))
    before = UploadBatch.objects.values("status", "attempts", "error", "task_id").get(pk=upload.pk)
    (item,) = recover_lost_tasks(POLICY)
    assert not item.requeued and status(lost) == "FAILED" and new_rows(lost) == []
    assert UploadBatch.objects.values("status", "attempts", "error", "task_id").get(pk=upload.pk) == before


# --- heartbeat and self-fencing -----------------------------------------------------------------------


class Fenced(Exception):
    pass


def fence(why: str) -> None:
    raise Fenced(why)


@pytest.mark.django_db
def test_the_heartbeat_registers_renews_and_removes_its_row():
    beat = Heartbeat("w-1", POLICY, fence=fence)
    beat.register()
    try:
        row = WorkerHeartbeat.objects.get(pk="w-1")
        WorkerHeartbeat.objects.filter(pk="w-1").update(beat_at=row.beat_at - LONG_AGO)
        beat.beat()
        assert WorkerHeartbeat.objects.get(pk="w-1").beat_at > row.beat_at - LONG_AGO
    finally:
        beat.stop()
    assert not WorkerHeartbeat.objects.filter(pk="w-1").exists()


@pytest.mark.django_db
def test_a_worker_whose_heartbeat_row_was_removed_stops_itself():
    beat = Heartbeat("w-2", POLICY, fence=fence)
    with pytest.raises(Fenced, match="w-2 was removed"):
        beat.beat()


def test_a_worker_silent_for_half_the_lease_stops_itself():
    beat = Heartbeat("w-3", POLICY, fence=fence)
    beat.check_fence()  # just started: fine
    beat._last_ok -= POLICY.lease_seconds / 2 + 1
    with pytest.raises(Fenced, match="could not write its heartbeat"):
        beat.check_fence()


# --- real workers: SIGKILL in the middle of a task, and a task that kills its worker every time -------------

SHORT_LEASE = {
    "KHO_TASK_HEARTBEAT_SECONDS": "1",
    "KHO_TASK_LEASE_SECONDS": "8",
    "KHO_TASK_RECOVER_SECONDS": "1",
    "KHO_TASK_MAX_ATTEMPTS": "3",
}


def _start_worker(env: dict[str, str], logs: Path, n: int) -> subprocess.Popen[bytes]:
    with (logs / f"worker-{n}.log").open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kho", "worker"], cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=out
        )


def _rows(env: dict[str, str]) -> list[dict[str, Any]]:
    code = (
        "from django_tasks_db.models import DBTaskResult\nfrom kho.core.models import TaskRetry\n"
        "tries={str(t.task_id): t.attempt for t in TaskRetry.objects.all()}\n"
        "print(json.dumps([{'id': str(r.id), 'status': r.status, 'workers': r.worker_ids, 'error': r.traceback,"
        " 'path': r.exception_class_path, 'attempt': tries.get(str(r.id), 1)}"
        " for r in DBTaskResult.objects.order_by('enqueued_at')]))"
    )
    rows: list[dict[str, Any]] = _django(env, code)
    return rows


def _until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_task_of_a_killed_worker_runs_again_exactly_once(tmp_path: Path) -> None:
    log, marker = tmp_path / "runs.log", tmp_path / "marker"
    with isolated_archive(tmp_path / "archive") as base:
        env = {**base, **SHORT_LEASE}
        assert kho_subprocess(["init"], env, cwd=REPO).returncode == 0
        procs = [_start_worker(env, tmp_path, n) for n in range(2)]
        try:
            (held,) = _enqueue(env, f"[t.hold_the_first_time.enqueue({str(log)!r}, {str(marker)!r})]", RECOVERY)
            _until(lambda: any(e == "start" and t == held for e, t, _ in _events(log)), "the held task to start")
            victim = next(p for p in procs if str(p.pid) == next(p for e, t, p in _events(log) if t == held))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            _until(lambda: any(e == "done" for e, _, _ in _events(log)), "the task to run again and finish")
            survivor = next(p for p in procs if p is not victim)
            assert survivor.poll() is None, "the surviving worker keeps running"
            rows = _rows(env)
        finally:
            stop_workers(procs)
    first, again = rows
    assert first["id"] == held and first["status"] == "FAILED" and first["path"] == WORKER_LOST_PATH
    assert first["workers"][-1] in first["error"], "the reason names the worker that stopped responding"
    assert again["status"] == "SUCCESSFUL" and again["attempt"] == 2
    assert [(e, t) for e, t, _ in _events(log)] == [("start", held), ("start", again["id"]), ("done", again["id"])]


@pytest.mark.slow
def test_a_task_that_always_kills_its_worker_ends_failed_after_the_bounded_attempts(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    with isolated_archive(tmp_path / "archive") as base:
        env = {**base, **SHORT_LEASE}
        assert kho_subprocess(["init"], env, cwd=REPO).returncode == 0
        (first,) = _enqueue(env, f"[t.crash_the_worker.enqueue({str(log)!r})]", RECOVERY)
        procs = [_start_worker(env, tmp_path, 0)]
        try:
            # A supervisor (systemd, `make run`) starts a worker again when one dies; so does this loop.
            def settled() -> bool:
                if procs[-1].poll() is not None:
                    assert procs[-1].returncode == 3, "only the crashing task ends a worker"
                    procs.append(_start_worker(env, tmp_path, len(procs)))
                rows = _rows(env)
                return len(rows) == 3 and all(r["status"] == "FAILED" for r in rows)

            _until(settled, "three failed attempts")
            rows = _rows(env)
        finally:
            stop_workers(procs)
    assert [r["attempt"] for r in rows] == [1, 2, 3] and rows[0]["id"] == first
    assert all(r["path"] == WORKER_LOST_PATH and r["workers"][-1] in r["error"] for r in rows)
    starts = [t for e, t, _ in _events(log) if e == "start"]
    assert starts == [r["id"] for r in rows], "each attempt ran once, and no fourth attempt was queued"
