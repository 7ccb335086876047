"""``/uploads``: open a batch on a record, send scans (one or many per multipart request), start digitization.

The same actions as the web screens (``kho.ingest.uploads``): ``CreateUploadBatchAction``,
``ReceiveUploadAction`` per file (bytes stored before the row) and ``StartDigitizeAction`` (the task is
enqueued after the commit; its id is then readable at ``/tasks/{id}``). A batch is visible through its
record (``records_for``): a missing and a hidden batch answer the same 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, BinaryIO, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status
from pydantic import StringConstraints

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404, not_found
from kho.access.selectors import records_for
from kho.api.errors import error_body
from kho.api.pagination import keyset_page
from kho.api.params import PageParams, UploadBatchIn
from kho.api.routers._common import NOT_FOUND, user_of
from kho.api.schemas import ErrorOut, UploadBatchOut, UploadFilePage, UploadReceiptOut
from kho.core.exceptions import BadInputError
from kho.ingest.models import UploadBatch
from kho.ingest.uploads import (
    CreateUploadBatchAction,
    DuplicateUploadError,
    ReceiveUploadAction,
    StartDigitizeAction,
)
from kho.records.models import Record

router = Router(tags=["uploads"])

REFUSED = {**NOT_FOUND, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}
Group = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")]


def visible_batches(user: Any) -> QuerySet[UploadBatch]:
    """Batches of the records ``user`` may view (the same rule as the web screens)."""
    return UploadBatch.objects.filter(record__in=records_for(user, Action.VIEW)).select_related("record")


def _batch(user: Any, uid: uuid.UUID) -> UploadBatch:
    batch = visible_batches(user).filter(uid=uid).first()
    if batch is None:
        raise not_found()
    return batch


def _status(batch: UploadBatch) -> dict[str, Any]:
    batch.refresh_from_db()
    summary = batch.summary or {}
    return {
        "uid": batch.uid,
        "record_uid": batch.record.uid,
        "record_file_code": batch.record.file_code,
        "status": batch.status,
        "attempts": batch.attempts,
        "max_attempts": batch.max_attempts,
        "error": batch.error,
        "task_id": batch.task_id,
        "file_count": batch.files.count(),
        "done": int(summary.get("done", 0)),
        "total": int(summary.get("total", 0)),
        "created_at": batch.created_at,
    }


@router.post("", response={201: UploadBatchOut, **REFUSED}, summary="Open an upload batch")
def create_batch(request: HttpRequest, body: UploadBatchIn) -> Status[dict[str, Any]]:
    """A new batch on a record the caller may digitize into (403 when they may only view it)."""
    user = user_of(request)
    record = get_visible_or_404(user, Action.VIEW, Record.objects.select_related("fonds"), uid=body.record)
    return Status(201, _status(CreateUploadBatchAction(record, user).execute()))


@router.get("/{uid}", response={200: UploadBatchOut, **NOT_FOUND}, summary="Get a batch's status")
def get_batch(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    """The batch's state, digitization progress (documents done of total) and task id."""
    return _status(_batch(user_of(request), uid))


@router.post("/{uid}/files", response={200: UploadReceiptOut, **REFUSED}, summary="Upload files")
def upload_files(
    request: HttpRequest,
    uid: uuid.UUID,
    files: File[list[UploadedFile]],
    group: Form[Group | None] = None,
) -> dict[str, Any]:
    """Store each file of the multipart field ``files`` (at most 100 per request).

    A file that cannot be used (empty, not PDF/TIFF/JPEG/PNG, too large, a duplicate, a bad name) is
    listed in ``rejected`` and the others are still stored. ``group`` makes every file of the request a
    page of one document (pages in upload order); without it each file is its own document.
    """
    user = user_of(request)
    batch = _batch(user, uid)
    received, rejected = [], []
    for uploaded in files:
        name = uploaded.name or ""
        try:
            stream = cast("BinaryIO", uploaded)  # Django's UploadedFile is a seekable binary file object
            received.append(ReceiveUploadAction(batch, user, name, stream, group=group).execute())
        except (BadInputError, DuplicateUploadError) as error:
            rejected.append({"filename": name[:255], **error_body(error)})
    return {"received": received, "rejected": rejected}


@router.get("/{uid}/files", response={200: UploadFilePage, **NOT_FOUND}, summary="List a batch's files")
def list_files(request: HttpRequest, uid: uuid.UUID, page: Query[PageParams]) -> dict[str, Any]:
    """The batch's files in upload order, with each one's outcome once digitized; keyset-paginated."""
    batch = _batch(user_of(request), uid)
    return keyset_page(batch.files.select_related("blob"), "order", page.cursor, page.limit, cast=int)


@router.post("/{uid}/digitize", response={202: UploadBatchOut, **REFUSED}, summary="Start digitization")
def start_digitize(request: HttpRequest, uid: uuid.UUID) -> Status[dict[str, Any]]:
    """Queue the batch for digitization (or re-queue a failed one); poll the batch or ``/tasks/{task_id}``."""
    user = user_of(request)
    return Status(202, _status(StartDigitizeAction(_batch(user, uid), user).execute()))
