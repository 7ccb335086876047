"""``/documents``: documents the user may view, their files, and file downloads.

Lists and details start from ``kho.access.selectors``; a download is found among the files the user may
``download`` (a missing and a hidden file answer the same 404), streamed from the object store and
recorded as an ACCESS event.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponseBase
from ninja import Query, Router

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404
from kho.access.selectors import digital_objects_for, documents_for
from kho.api.exceptions import ObjectUnavailableError
from kho.api.pagination import keyset_page
from kho.api.params import DocumentFilter
from kho.api.routers._common import ERRORS, NOT_FOUND, user_of
from kho.api.schemas import DigitalObjectOut, DocumentDetail, DocumentPage, ErrorOut
from kho.copies import serve as copies
from kho.copies.models import CopyKind
from kho.records.models import DigitalObject, Document
from kho.storage.cas import ObjectMissingError, parse_digest
from kho.storage.store import open_blob

router = Router(tags=["documents"])

_FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The stored bytes; Repr-Digest carries their SHA-256.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("", response={200: DocumentPage, **ERRORS}, summary="List documents")
def list_documents(request: HttpRequest, filters: Query[DocumentFilter]) -> dict[str, Any]:
    """Documents the user may view, by document code; keyset-paginated (no total count)."""
    qs = documents_for(user_of(request)).select_related("record")
    if filters.record:
        qs = qs.filter(record__uid=filters.record)
    if filters.fonds:
        qs = qs.filter(record__fonds__uid=filters.fonds)
    if filters.type_code:
        qs = qs.filter(type_code=filters.type_code)
    if filters.issued_from:
        qs = qs.filter(issued_date__gte=filters.issued_from)
    if filters.issued_to:
        qs = qs.filter(issued_date__lte=filters.issued_to)
    if filters.number_symbol:
        qs = qs.filter(number_symbol=filters.number_symbol)
    if filters.secrecy_level is not None:
        qs = qs.filter(secrecy_level=filters.secrecy_level)
    if filters.verification_status:
        qs = qs.filter(verification_status=filters.verification_status)
    return keyset_page(qs, "doc_code", filters.cursor, filters.limit)


@router.get("/{uid}", response={200: DocumentDetail, **NOT_FOUND}, summary="Get a document")
def get_document(request: HttpRequest, uid: uuid.UUID) -> DocumentDetail:
    """A document with its TT05 metadata, cited documents and the files the user may see."""
    user = user_of(request)
    document = get_visible_or_404(user, Action.VIEW, Document.objects.select_related("record"), uid=uid)
    files = digital_objects_for(user, Action.VIEW).filter(document=document).select_related("blob")
    detail = DocumentDetail.from_orm(document)
    detail.digital_objects = [DigitalObjectOut.from_orm(obj) for obj in files.order_by("role", "id")]
    return detail


@router.get(
    "/{uid}/files/{file_uid}",
    response={**NOT_FOUND, 503: ErrorOut},
    summary="Download a file of a document",
    openapi_extra=_FILE_RESPONSE,
)
def download_file(request: HttpRequest, uid: uuid.UUID, file_uid: uuid.UUID) -> HttpResponseBase:
    """Stream the file's bytes from the object store; the access log middleware records the download."""
    user = user_of(request)
    files = DigitalObject.objects.select_related("blob", "document__record__fonds").filter(document__uid=uid)
    obj = get_visible_or_404(user, Action.DOWNLOAD, files, uid=file_uid)
    if copies.is_classified(obj.document):  # only a marked copy, entered in the copy register, leaves
        return copies.marked_file_response(request, obj, CopyKind.DOWNLOAD, user=user, as_attachment=True)
    try:
        stream = open_blob(obj.blob)
    except ObjectMissingError:
        raise ObjectUnavailableError from None
    response = FileResponse(stream, as_attachment=True, filename=obj.filename, content_type=obj.media_type)
    response["Repr-Digest"] = _repr_digest(obj.blob.digest)
    response["Cache-Control"] = "private, no-store"
    return response


def _repr_digest(digest: str) -> str:
    """RFC 9530 ``Repr-Digest`` of a stored ``sha256:<hex>`` digest."""
    raw = bytes.fromhex(parse_digest(digest))
    return f"sha-256=:{base64.b64encode(raw).decode('ascii')}:"
