"""``/tasks/{id}``: the state of a background task (django-tasks result): status, times, error classes.

A task is visible only through the upload batch that started it (a batch the caller may see, see
``routers.uploads``); any other id answers 404, as a missing one. Arguments, return values and
tracebacks are never returned: they may name documents or paths the caller may not see.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django_tasks import default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist
from ninja import Path, Router
from pydantic import StringConstraints

from kho.access.policies import not_found
from kho.api.exceptions import TaskStatusUnavailableError
from kho.api.routers._common import NOT_FOUND, user_of
from kho.api.routers.uploads import visible_batches
from kho.api.schemas import ErrorOut, TaskOut

router = Router(tags=["tasks"])

TaskId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


def task_state(user: Any, task_id: str) -> dict[str, Any]:
    """The public state of task ``task_id``; ``NotFoundError`` when it is unknown or not the user's to see."""
    if not visible_batches(user).filter(task_id=task_id).exists():
        raise not_found()
    backend = default_task_backend
    if not backend.supports_get_result:
        raise TaskStatusUnavailableError
    try:
        result = backend.get_result(task_id)
    except TaskResultDoesNotExist:
        raise not_found() from None
    return {
        "id": str(result.id),
        "task": result.task.module_path,
        "status": str(result.status),
        "enqueued_at": result.enqueued_at,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "errors": [error.exception_class_path for error in result.errors],
    }


@router.get("/{task_id}", response={200: TaskOut, **NOT_FOUND, 503: ErrorOut}, summary="Get a task's state")
def get_task(request: HttpRequest, task_id: Path[TaskId]) -> dict[str, Any]:
    """Status (READY, RUNNING, SUCCESSFUL, FAILED), times and the classes of any errors."""
    return task_state(user_of(request), task_id)
