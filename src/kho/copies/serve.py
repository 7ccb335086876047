"""Serving marked copies: the glue the web views and the API call for files of classified documents.

``kho.web.views.documents`` and ``kho.api.routers.documents`` keep their own lookups (a missing and a
hidden file answer the same 404 there); for a classified document they hand the file over to these
functions, which run ``MakeMarkedCopyAction`` and wrap its bytes in a response that is never cached.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from kho.copies.actions import MakeMarkedCopyAction, MarkedCopy, copy_mark, is_classified
from kho.copies.models import CopyKind
from kho.copies.watermark import mark_image
from kho.records.models import DigitalObject

__all__ = ["is_classified", "marked_file_response", "marked_page_image", "repr_digest"]


def repr_digest(data: bytes) -> str:
    """RFC 9530 ``Repr-Digest`` of the bytes served."""
    return f"sha-256=:{base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')}:"


def _response(copy: MarkedCopy, *, as_attachment: bool) -> HttpResponse:
    response = HttpResponse(copy.data, content_type=copy.media_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, copy.filename) or ""
    response["Cache-Control"] = "private, no-store"
    response["Repr-Digest"] = repr_digest(copy.data)
    response["X-Kho-Copy-Number"] = copy.entry.register_no
    return response


def marked_file_response(
    request: HttpRequest,
    obj: DigitalObject,
    kind: CopyKind,
    *,
    user: Any = None,
    purpose: str = "",
    as_attachment: bool = False,
) -> HttpResponse:
    """A marked, registered copy of ``obj`` (the caller has found it among the files the user may download).

    ``user`` defaults to ``request.user`` (the API passes the token's user).
    """
    who = request.user if user is None else user
    action = MakeMarkedCopyAction(who, obj, kind, purpose=purpose, request_meta=request.META)
    return _response(action.execute(), as_attachment=as_attachment)


def marked_page_image(request: HttpRequest, obj: DigitalObject, page: int, jpeg: bytes, *, preview: bool) -> bytes:
    """The page image ``jpeg`` of a classified PDF with the copy mark drawn on it (JPEG).

    A ``preview`` (a list thumbnail, too small to read) carries the user, time and level but no copy
    number and is not entered in the register; every readable page image is a registered copy.
    """
    if preview:
        mark = copy_mark(request.user, obj.document, timezone.now(), "")
        return mark_image(jpeg, mark, image_format="JPEG")
    action = MakeMarkedCopyAction(
        request.user, obj, CopyKind.PAGE_IMAGE, request_meta=request.META, page=page, image=jpeg
    )
    return action.execute().data
