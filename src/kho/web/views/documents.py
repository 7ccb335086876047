"""The document page, its PDF shown inline and its page images (all access-checked)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kho.access.levels import Action
from kho.access.policies import can
from kho.copies import serve as copies
from kho.copies.models import CopyKind
from kho.records.models import DigitalObject
from kho.signing.report import copy_report
from kho.storage.store import open_blob
from kho.web import thumbs
from kho.web.actions import low_confidence_fields
from kho.web.errors import page_view
from kho.web.queries import document_events, document_objects, readable_pdf, visible_document

MAX_THUMBS = 60


def _is_classified(obj: DigitalObject) -> bool:
    return max(obj.document.secrecy_level, obj.document.record.secrecy_level) > 0


def _page_total(pdf: DigitalObject | None) -> int:
    return thumbs.page_count(pdf.blob.digest) if pdf else 0


@page_view
def document_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Every TT05 field, page thumbnails, files with digests, cited documents and the event history."""
    document = visible_document(request.user, code)
    objects = list(document_objects(request.user, document))
    pdf = None
    if can(request.user, Action.DOWNLOAD, document):
        pdf = next((o for o in objects if o.role == "access" and o.media_type == "application/pdf"), None)
        pdf = pdf or next((o for o in objects if o.role == "original" and o.media_type == "application/pdf"), None)
    pages = _page_total(pdf)
    access = next((o for o in objects if o.role == "access" and o.media_type == "application/pdf"), None)
    context = {
        "document": document,
        "record": document.record,
        "objects": objects,
        "pdf": pdf,
        "pages": range(1, min(pages, MAX_THUMBS) + 1),
        "page_total": pages,
        "low": low_confidence_fields(document),
        "references": document.references.all(),
        "events": document_events(document),
        "can_verify": bool(can(request.user, Action.VERIFY, document)),
        "copy_report": copy_report(access.blob) if access else None,
    }
    return render(request, "web/document.html", context)


@require_GET
@page_view
def document_pdf(request: HttpRequest, code: str) -> HttpResponseBase:
    """The PDF for the browser's own viewer (``Content-Disposition: inline``); logged by the access log."""
    pdf = readable_pdf(request.user, code)
    if copies.is_classified(pdf.document):  # only a marked copy, entered in the copy register, leaves
        return copies.marked_file_response(request, pdf, CopyKind.DOWNLOAD)
    response = FileResponse(
        open_blob(pdf.blob),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{pdf.document.doc_code}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@page_view
def page_image(request: HttpRequest, code: str, page: int) -> HttpResponse:
    """One page as JPEG at a fixed width (``?w=``); cached on disk unless the document is classified."""
    pdf = readable_pdf(request.user, code)
    try:
        width = int(request.GET.get("w", thumbs.WIDTHS[0]))
    except ValueError:
        width = thumbs.WIDTHS[0]
    classified = _is_classified(pdf)
    data = thumbs.thumbnail(pdf.blob.digest, page, width, cache=not classified)
    if classified:
        data = copies.marked_page_image(request, pdf, page, data, preview=width == thumbs.WIDTHS[0])
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store" if classified else "private, max-age=3600"
    return response
