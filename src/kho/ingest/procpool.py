"""Run picklable jobs in child processes, at most N at a time, each with a hard time limit.

Unlike ``ProcessPoolExecutor``, a crashing or hanging job cannot break the pool: each job has its own
process, killed when its deadline passes. Processes come from a ``forkserver`` that has imported the
``preload`` modules once, so a job starts in milliseconds and never inherits the parent's database
connections. Jobs, functions and results must be picklable. Pure module (no Django).
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")
_POLL_SECONDS = 0.5


class JobTimeoutError(Exception):
    """A job ran past its deadline and was killed."""


class JobCrashedError(Exception):
    """A job's process died without returning (killed, out of memory, a crash in native code)."""


@dataclass(slots=True)
class Outcome(Generic[J, R]):
    """The end of one job: its value or the exception it raised (possibly a timeout or crash)."""

    job: J
    value: R | None = None
    error: BaseException | None = None
    seconds: float = 0.0


def _child(function: Callable[[Any], Any], job: Any, conn: Connection) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # toolnotes §1: Tesseract is slower and erratic with more
    try:
        conn.send((True, function(job)))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent as data
        try:
            conn.send((False, error))
        except Exception:  # noqa: BLE001 - the error itself may not pickle
            conn.send((False, RuntimeError("".join(traceback.format_exception_only(error)).strip())))
    finally:
        conn.close()


@dataclass(slots=True)
class _Running:
    job: Any
    process: Any
    conn: Connection
    started: float
    deadline: float


def _context(preload: tuple[str, ...]) -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


def run_jobs(
    function: Callable[[J], R],
    jobs: Iterable[J],
    *,
    workers: int,
    timeout_of: Callable[[J], float],
    preload: tuple[str, ...] = (),
) -> Iterator[Outcome[J, R]]:
    """Yield an ``Outcome`` per job as each finishes; at most ``workers`` run at once."""
    context = _context(preload)
    pending = iter(jobs)
    running: dict[Connection, _Running] = {}
    exhausted = False
    while True:
        while not exhausted and len(running) < max(1, workers):
            job = next(pending, None)
            if job is None:
                exhausted = True
                break
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(function, job, sender), daemon=True)
            process.start()
            sender.close()
            now = time.monotonic()
            running[receiver] = _Running(job, process, receiver, now, now + timeout_of(job))
        if not running:
            return
        for conn in wait(list(running), timeout=_POLL_SECONDS):
            yield _collect(running.pop(conn))  # type: ignore[call-overload]
        yield from _expire(running)


def _collect(item: _Running) -> Outcome[Any, Any]:
    seconds = time.monotonic() - item.started
    try:
        ok, payload = item.conn.recv()
    except (EOFError, OSError):
        item.process.join()
        return Outcome(item.job, error=JobCrashedError(f"exit code {item.process.exitcode}"), seconds=seconds)
    finally:
        item.conn.close()
    item.process.join()
    return (
        Outcome(item.job, value=payload, seconds=seconds) if ok else Outcome(item.job, error=payload, seconds=seconds)
    )


def _expire(running: dict[Connection, _Running]) -> Iterator[Outcome[Any, Any]]:
    now = time.monotonic()
    for conn, item in list(running.items()):
        if now >= item.deadline:
            item.process.kill()
            item.process.join()
            conn.close()
            del running[conn]
            yield Outcome(item.job, error=JobTimeoutError(f"{now - item.started:.0f} s"), seconds=now - item.started)
