"""Background digitization of upload batches (style.md rule 8: tasks take IDs, never model instances)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from kho.core.exceptions import KhoError
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
