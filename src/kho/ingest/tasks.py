"""Background digitization of upload batches (style.md rule 8: tasks take IDs, never model instances)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from kho.core.exceptions import KhoError
from kho.core.taskrecovery import register_recovery
from kho.ingest.models import UploadBatch, UploadStatus
from kho.ingest.uploads import begin_attempt, enqueue_batch, failure_reason, record_failure, run_upload_batch

__all__ = ["digitize_upload_task"]

logger = logging.getLogger(__name__)


@task(queue_name="ocr")
def digitize_upload_task(batch_id: int) -> dict[str, Any]:
    """Digitize upload batch ``batch_id``; runs in ``kho worker`` after the start action committed.

    Bounded retry: an unexpected exception counts one attempt and queues the batch again while
    ``attempts < max_attempts``; after that the batch is marked failed with a reason the UI shows. An
    expected ``KhoError`` (closed fonds, TUYỆT MẬT record, missing record) fails the batch at once:
    running it again would give the same answer.

    Returns:
        The batch summary, or ``{"skipped": True}`` when the batch is already finished.
    """
    if not begin_attempt(batch_id):
        return {"skipped": True}
    try:
        return run_upload_batch(batch_id)
    except KhoError as error:
        record_failure(batch_id, error.render(), retry=False)
        return {"failed": True, "code": error.code}
    except Exception as error:
        logger.exception("upload batch %s: digitization attempt failed", batch_id)
        if record_failure(batch_id, failure_reason(error)):
            transaction.on_commit(lambda: enqueue_batch(batch_id))
        raise


def recover_upload_task(task_id: str, args: list[Any], kwargs: dict[str, Any], reason: str) -> bool:
    """Retry policy of a lost ``digitize_upload_task`` (its worker died): the batch's own attempt counter.

    Runs inside ``recover_lost_tasks``' transaction. A batch already done or failed, or whose current task
    is another one, is left alone. Otherwise the lost run counts as an attempt (also when the worker died
    before ``begin_attempt``) and, while attempts remain, the batch is queued again; else it is marked
    failed with ``reason``, which the upload batch page shows.
    """
    batch_id = kwargs.get("batch_id", args[0] if args else None)
    if not isinstance(batch_id, int):
        return False
    batch = UploadBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or batch.status in {UploadStatus.DONE, UploadStatus.FAILED}:
        return False
    if batch.task_id and batch.task_id != task_id:
        return False
    if batch.status == UploadStatus.PENDING:
        UploadBatch.objects.filter(pk=batch.pk).update(attempts=batch.attempts + 1)
    if not record_failure(batch.pk, reason):
        return False
    enqueue_batch(batch.pk)
    return True


register_recovery(digitize_upload_task.module_path, recover_upload_task)
