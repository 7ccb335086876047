"""Uploading scans to a record: the page, the small JSON endpoints its script calls, and the batch page.

With JavaScript the page opens a batch, sends every file in its own request as soon as it is chosen or
dropped (so each one is stored on arrival, with upload progress), then starts digitization and polls
the batch status. Without JavaScript the same form posts every file at once to ``upload_page``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kho.access.levels import Action
from kho.access.policies import check, get_visible_or_404
from kho.access.selectors import records_for
from kho.core.exceptions import BadInputError, ConflictError
from kho.ingest.models import UploadBatch, UploadFile, UploadFileStatus, UploadStatus
from kho.ingest.uploads import (
    CreateUploadBatchAction,
    NothingToDigitizeError,
    ReceiveUploadAction,
    StartDigitizeAction,
)
from kho.records.models import Record
from kho.web.errors import error_message, json_view, page_view, wants_json
from kho.web.forms import UploadForm
from kho.web.queries import record_batches, visible_batch

ONE_DOCUMENT_GROUP = "document"


def js_messages() -> dict[str, str]:
    """The upload script's texts, translated here (``%(name)s`` placeholders are filled by the script)."""
    return {
        "uploading": _("Đang tải lên…"),
        "stored": _("Đã lưu vào kho"),
        "error": _("Lỗi"),
        "files": _("%(done)s/%(total)s tệp, %(percent)s%%"),
        "ready": _("Đã tải xong %(count)s tệp. Bấm “Bắt đầu số hóa” khi đã đủ."),
        "queued": _("Đã đưa vào hàng đợi số hóa."),
        "progress": _("%(done)s/%(total)s tài liệu"),
        "finished": _("Số hóa xong."),
        "failed": _("Số hóa thất bại."),
        "network": _("Mất kết nối với máy chủ; hãy thử lại."),
        "verify": _("Kiểm tra"),
        "attempts": _("lần chạy %(n)s/%(m)s"),
    }


def _record(request: HttpRequest, code: str) -> Record:
    records = records_for(request.user, Action.VIEW).select_related("fonds__agency")
    record = get_visible_or_404(request.user, Action.VIEW, records, file_code=code)
    check(request.user, Action.DIGITIZE, record)
    return record


def batch_urls(batch: UploadBatch) -> dict[str, str]:
    """Where the upload script sends files, starts digitization and reads the status."""
    key = {"uid": str(batch.uid)}
    return {
        "files": reverse("web:upload-files", kwargs=key),
        "start": reverse("web:upload-start", kwargs=key),
        "status": reverse("web:upload-status", kwargs=key),
        "page": reverse("web:upload-batch", kwargs=key),
    }


@page_view
def upload_page(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the upload screen. POST (no JavaScript): receive every file, start, go to the batch page."""
    record = _record(request, code)
    form = UploadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        files = request.FILES.getlist("files")
        if not files:
            messages.error(request, error_message(NothingToDigitizeError()))
            return redirect("web:upload", code=code)
        batch = CreateUploadBatchAction(record, request.user).execute()
        group = ONE_DOCUMENT_GROUP if form.cleaned_data["one_document"] else None
        for uploaded in files:
            try:
                ReceiveUploadAction(batch, request.user, uploaded.name or "", uploaded, group=group).execute()
            except (BadInputError, ConflictError) as error:
                messages.error(request, error_message(error))
        if batch.files.exists():
            StartDigitizeAction(batch, request.user).execute()
        return redirect("web:upload-batch", uid=batch.uid)
    context = {"record": record, "form": form, "batches": record_batches(record.pk), "js_messages": js_messages()}
    return render(request, "web/upload.html", context)


@require_POST
@json_view
def create_batch(request: HttpRequest, code: str) -> HttpResponse:
    """Open a batch for the record; answer with the URLs the script uses next."""
    batch = CreateUploadBatchAction(_record(request, code), request.user).execute()
    return JsonResponse({"batch": str(batch.uid), "urls": batch_urls(batch)}, status=201)


@require_POST
@json_view
def receive_file(request: HttpRequest, uid: str) -> HttpResponse:
    """Store one file (form field ``file``; ``group`` to make it a page of a multi-page document)."""
    batch = visible_batch(request.user, uid)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        raise NothingToDigitizeError()
    group = ONE_DOCUMENT_GROUP if request.POST.get("one_document") == "1" else None
    upload = ReceiveUploadAction(batch, request.user, uploaded.name or "", uploaded, group=group).execute()
    return JsonResponse({"file": _file_json(upload)}, status=201)


@require_POST
@page_view
def start_batch(request: HttpRequest, uid: str) -> HttpResponse:
    """Start (or restart a failed) digitization; a plain form post goes back to the batch page."""
    batch = StartDigitizeAction(visible_batch(request.user, uid), request.user).execute()
    if wants_json(request):
        return JsonResponse(_batch_json(batch), status=202)
    return redirect("web:upload-batch", uid=batch.uid)


def _file_json(upload: UploadFile) -> dict[str, Any]:
    document_url = verify_url = None
    if upload.doc_code:
        document_url = reverse("web:document", kwargs={"code": upload.doc_code})
        verify_url = reverse("web:verify", kwargs={"code": upload.doc_code})
    return {
        "order": upload.order,
        "filename": upload.filename,
        "size": upload.blob.size,
        "digest": upload.blob.digest,
        "status": upload.status,
        "status_label": UploadFileStatus(upload.status).label,
        "doc_code": upload.doc_code,
        "reason": upload.reason,
        "document_url": document_url,
        "verify_url": verify_url,
    }


def _batch_json(batch: UploadBatch) -> dict[str, Any]:
    batch.refresh_from_db()
    summary = batch.summary or {}
    return {
        "batch": str(batch.uid),
        "status": batch.status,
        "status_label": UploadStatus(batch.status).label,
        "finished": batch.status in {UploadStatus.DONE, UploadStatus.FAILED},
        "attempts": batch.attempts,
        "max_attempts": batch.max_attempts,
        "error": batch.error,
        "done": summary.get("done", 0),
        "total": summary.get("total", 0),
        "files": [_file_json(f) for f in batch.files.select_related("blob").order_by("order")],
    }


@require_GET
@json_view
def batch_status(request: HttpRequest, uid: str) -> HttpResponse:
    """The batch and per-file status, polled by the page while digitization runs."""
    return JsonResponse(_batch_json(visible_batch(request.user, uid)))


@require_GET
@page_view
def batch_page(request: HttpRequest, uid: str) -> HttpResponse:
    """A batch: its files, their outcomes and links to verify; refreshes itself while it runs."""
    batch = visible_batch(request.user, uid)
    context = {"batch": batch, "status": _batch_json(batch), "urls": batch_urls(batch), "js_messages": js_messages()}
    return render(request, "web/batch.html", context)
