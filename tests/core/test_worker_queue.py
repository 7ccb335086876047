"""Several real ``kho worker`` processes share one database queue (issue #4).

On PostgreSQL django-tasks-db claims a task with ``SELECT … FOR UPDATE SKIP LOCKED`` and marks it RUNNING in
the same transaction; on SQLite it takes an EXCLUSIVE transaction (WAL) instead. Either way no task may run
twice. A worker killed with SIGKILL leaves the task it claimed RUNNING: django-tasks-db 0.13 has no lease or
heartbeat, and Kho's recovery (``kho.core.taskrecovery``) waits until the dead worker's heartbeat is older
than ``KHO_TASK_LEASE_SECONDS`` (120 s here) — so within this test the task is neither run again nor marked
failed. tests/core/test_worker_recovery.py runs the recovery itself with a short lease.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import REPO, kho_subprocess
from tests.isolated import isolated_archive

TASKS = 60
WAIT_SECONDS = 180.0


def _workers_for_this_database() -> int:
    return 3 if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else 2


def _django(env: dict[str, str], code: str) -> Any:
    """Run ``code`` (which prints JSON) with Django set up on the isolated archive; return the parsed output."""
    done = subprocess.run(
        [sys.executable, "-c", "import django,json;django.setup()\n" + code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "kho.config.settings"},
    )
    return json.loads(done.stdout)


def _enqueue(env: dict[str, str], call: str, module: str = "tests.core.worker_tasks") -> list[str]:
    code = f"import {module} as t\nids=[str(r.id) for r in {call}]\nprint(json.dumps(ids))"
    ids: list[str] = _django(env, code)
    return ids


def _results(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    code = (
        "from django_tasks_db.models import DBTaskResult\n"
        "print(json.dumps({str(r.id): {'status': r.status, 'workers': r.worker_ids}"
        " for r in DBTaskResult.objects.all()}))"
    )
    results: dict[str, dict[str, Any]] = _django(env, code)
    return results


def _events(log: Path) -> list[tuple[str, str, str]]:
    if not log.exists():
        return []
    return [(e, t, p) for e, t, p in (line.split() for line in log.read_text().splitlines())]


def _wait_for(predicate: Any, what: str, procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        assert all(p.returncode == -signal.SIGKILL or p.poll() is None for p in procs), "a worker exited"
        time.sleep(0.1)


@contextmanager
def _workers(env: dict[str, str], count: int, logs: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs = []
    for n in range(count):
        out = (logs / f"worker-{n}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "kho", "worker"],
                cwd=REPO,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        )
        out.close()
    try:
        yield procs
    finally:
        stop_workers(procs)


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every worker still running (they finish their task), then wait; kill one that hangs."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_workers_share_the_queue_and_a_killed_worker_leaves_its_task_running(tmp_path: Path) -> None:
    count, log = _workers_for_this_database(), tmp_path / "runs.log"
    with isolated_archive(tmp_path / "archive") as env:
        assert kho_subprocess(["init"], env, cwd=REPO).returncode == 0
        with _workers(env, count, tmp_path) as procs:
            _share_and_kill(env, count, log, procs)


def _share_and_kill(env: dict[str, str], count: int, log: Path, procs: list[subprocess.Popen[bytes]]) -> None:
    # The first `count` tasks wait until `count` worker processes have each started a task.
    ids = _enqueue(
        env,
        f"[t.record_run.enqueue({str(log)!r}, {count} if i < {count} else 0) for i in range({TASKS})]",
    )
    _wait_for(lambda: sum(e == "done" for e, _, _ in _events(log)) >= TASKS, f"{TASKS} finished runs", procs)

    events = _events(log)
    starts = Counter(t for e, t, _ in events if e == "start")
    assert sorted(starts) == sorted(ids), "a task ran that was not enqueued, or an enqueued one never ran"
    assert set(starts.values()) == {1}, f"tasks run more than once: {[t for t, n in starts.items() if n > 1]}"
    pids = {p for e, _, p in events if e == "start"}
    assert pids <= {str(p.pid) for p in procs}
    assert len(pids) == count, f"only {len(pids)} of {count} workers ran tasks"
    results = _results(env)
    assert {results[i]["status"] for i in ids} == {"SUCCESSFUL"}
    assert all(len(results[i]["workers"]) == 1 for i in ids)
    _kill_during_a_task(env, log, procs)


def _kill_during_a_task(env: dict[str, str], log: Path, procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGKILL the worker in the middle of a task: within the lease the task stays RUNNING, not run again nor failed."""
    (held,) = _enqueue(env, f"[t.hold.enqueue({str(log)!r}, 600)]")
    _wait_for(lambda: any(e == "start" and t == held for e, t, _ in _events(log)), "the held task to start", procs)
    victim = next(p for p in procs if str(p.pid) == next(p for e, t, p in _events(log) if t == held))
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    # The surviving workers keep serving the queue (a later task runs) but never touch the killed task.
    (after,) = _enqueue(env, f"[t.record_run.enqueue({str(log)!r}, 0)]")
    _wait_for(lambda: any(e == "done" and t == after for e, t, _ in _events(log)), "a task after the kill", procs)
    held_result = _results(env)[held]
    assert held_result["status"] == "RUNNING"
    assert len(held_result["workers"]) == 1
    assert [e for e, t, _ in _events(log) if t == held] == ["start"]
