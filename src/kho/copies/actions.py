"""``MakeMarkedCopyAction``: a marked copy of a classified document, entered in the copy register.

``check()`` asks the access policy for ``download`` on the file; ``execute()`` reads the stored bytes,
then in one transaction takes the next register number of the year (row lock on ``CopyCounter``),
draws the mark carrying that number, writes the ``CopyEntry`` with the digest of the marked bytes and
appends an ACCESS event. A copy that fails to draw rolls everything back: no entry, no number used.

The stored master is only read (``open_blob``: decrypted when classified objects are encrypted at rest);
the marked bytes are returned to the caller and never stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kho.access.levels import Action
from kho.access.policies import can, check
from kho.audit import log
from kho.audit.middleware import client_ip
from kho.audit.vocabulary import EventType
from kho.copies.exceptions import SourceUnavailableError, UnmarkableFileError
from kho.copies.models import CopyCounter, CopyEntry, CopyKind
from kho.copies.selectors import RegisterFilter
from kho.copies.watermark import CopyMark, mark_image, mark_pdf
from kho.core.codetables import SecrecyLevel
from kho.records.models import DigitalObject, Document
from kho.storage.cas import ObjectMissingError
from kho.storage.store import open_blob

__all__ = [
    "MakeMarkedCopyAction",
    "MarkedCopy",
    "copy_mark",
    "document_level",
    "is_classified",
    "log_register_export",
    "next_number",
    "user_display",
]

PDF = "application/pdf"
MARKABLE_IMAGES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/jp2", "image/webp", "image/bmp"})


def document_level(document: Document) -> SecrecyLevel:
    """The effective secrecy level of a document: the higher of its own and its record's."""
    return SecrecyLevel(max(document.secrecy_level, document.record.secrecy_level))


def is_classified(document: Document) -> bool:
    """Whether files of ``document`` leave Kho only as marked, registered copies."""
    return document_level(document) > SecrecyLevel.NONE


def user_display(user: Any) -> str:
    """``"Full Name (username)"``, or the user name alone when no name is set."""
    full = (user.get_full_name() or "").strip()
    return f"{full} ({user.get_username()})" if full else str(user.get_username())


def copy_mark(user: Any, document: Document, when: datetime, copy_no: str) -> CopyMark:
    """The mark for a copy of ``document`` made by ``user`` at ``when`` (``copy_no`` "" for a screen preview)."""
    level = document_level(document)
    return CopyMark(
        organisation=document.record.fonds.agency.name,
        user=user_display(user),
        when=timezone.localtime(when),
        level=level.mark or "",
        copy_no=copy_no,
    )


def next_number(year: int) -> int:
    """Take the next register number of ``year``; must run inside the caller's transaction.

    The counter row is locked with ``select_for_update`` (on SQLite the IMMEDIATE transaction already
    holds the write lock), so two copies never get the same number and a rolled-back copy frees its
    number again. The first copy of a year creates the row; a concurrent creator loses the insert race
    inside a savepoint and then locks the row the winner made.
    """
    counter = CopyCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                CopyCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass
        counter = CopyCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _address(request_meta: dict[str, Any] | None) -> str | None:
    """The client's address as the access log takes it, when it is an IP address.

    :func:`~kho.audit.middleware.client_ip` believes a forwarded hop only from a trusted proxy; a malformed
    address is not stored rather than refused.
    """
    value = client_ip(request_meta or {}, getattr(settings, "KHO_TRUSTED_PROXIES", ()))
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class MarkedCopy:
    """What ``execute`` returns: the marked bytes, how to serve them, and the register entry."""

    data: bytes
    media_type: str
    filename: str
    entry: CopyEntry


class MakeMarkedCopyAction:
    """Make one marked copy of a file of a classified document and enter it in the copy register.

    Args:
        user: who copies (signed in; needs ``download`` on the file).
        obj: the stored file (a PDF, or a raster image for downloads of scans).
        kind: download, print or page image.
        purpose: why (asked on print; optional).
        request_meta: ``request.META``; only the client's address is kept (see :func:`_address`).
        page: the page number, for page images.
        image: the rendered page (JPEG bytes) for ``PAGE_IMAGE``; the file's bytes are used otherwise.
    """

    def __init__(
        self,
        user: Any,
        obj: DigitalObject,
        kind: CopyKind,
        *,
        purpose: str = "",
        request_meta: dict[str, Any] | None = None,
        page: int | None = None,
        image: bytes | None = None,
    ) -> None:
        self.user, self.obj, self.kind = user, obj, CopyKind(kind)
        self.purpose = " ".join(purpose.split())[:500]
        self.address = _address(request_meta)
        self.page, self.image = page, image

    def check(self) -> None:
        """Raise ``AccessDeniedError`` unless the user may download the file; refuse unmarkable files."""
        check(self.user, Action.DOWNLOAD, self.obj)
        if self.image is None and not self._is_pdf() and self.obj.media_type not in MARKABLE_IMAGES:
            raise UnmarkableFileError(media_type=self.obj.media_type)

    def _is_pdf(self) -> bool:
        return self.image is None and self.obj.media_type == PDF

    def _source(self) -> bytes:
        if self.image is not None:
            return self.image
        try:
            with open_blob(self.obj.blob) as stream:
                return stream.read()
        except ObjectMissingError:
            raise SourceUnavailableError() from None

    def _render(self, source: bytes, mark: CopyMark) -> tuple[bytes, str, str]:
        stem = f"{self.obj.document.doc_code}-ban-sao-{mark.copy_no.replace('/', '-')}"
        if self._is_pdf():
            return mark_pdf(source, mark), PDF, f"{stem}.pdf"
        if self.kind == CopyKind.PAGE_IMAGE:
            return mark_image(source, mark, image_format="JPEG"), "image/jpeg", f"{stem}-p{self.page}.jpg"
        return mark_image(source, mark), "image/png", f"{stem}.png"

    def execute(self) -> MarkedCopy:
        """Check, then number, mark, register and log the copy in one transaction; return the marked bytes."""
        self.check()
        source = self._source()
        document = self.obj.document
        with transaction.atomic():
            now = timezone.now()
            year = timezone.localtime(now).year
            seq = next_number(year)
            mark = copy_mark(self.user, document, now, f"{seq}/{year}")
            data, media_type, filename = self._render(source, mark)
            entry = CopyEntry.objects.create(
                year=year,
                seq=seq,
                document=document,
                digital_object=self.obj,
                doc_code=document.doc_code,
                number_symbol=document.number_symbol,
                secrecy_level=int(document_level(document)),
                kind=self.kind,
                page=self.page,
                user=self.user,
                user_display=mark.user[:200],
                made_at=now,
                client_address=self.address,
                purpose=self.purpose,
                digest=f"sha256:{hashlib.sha256(data).hexdigest()}",
            )
            self._log(entry)
        return MarkedCopy(data=data, media_type=media_type, filename=filename, entry=entry)

    def _log(self, entry: CopyEntry) -> None:
        decision = can(self.user, Action.DOWNLOAD, self.obj)
        data: dict[str, Any] = {
            "action": Action.DOWNLOAD.value,
            "allowed": True,
            "reason": decision.reason,
            "params": {key: str(value) for key, value in decision.params.items()},
            "copy": {"register_no": entry.register_no, "kind": entry.kind, "digest": entry.digest},
        }
        if entry.page:
            data["copy"]["page"] = entry.page
        if entry.client_address:
            data["ip"] = entry.client_address
        log.append(
            EventType.ACCESS,
            agent=log.user_agent(self.user),
            object_type=self.obj._meta.label_lower,
            object_id=str(self.obj.uid),
            detail=f"marked copy {entry.register_no} ({entry.kind}) entered in the copy register",
            data=data,
        )


def log_register_export(
    user: Any, count: int, filters: RegisterFilter, request_meta: dict[str, Any] | None = None
) -> None:
    """Append an ACCESS event for an export of the register; must run inside the caller's transaction.

    The event names the filters and the number of lines, never a document (standards.md §6.8).
    """
    data: dict[str, Any] = {
        "action": Action.AUDIT_VIEW.value,
        "allowed": True,
        "export": "copy register",
        "lines": count,
        "filters": {key: str(value) for key, value in dataclasses.asdict(filters).items() if value},
    }
    address = _address(request_meta)
    if address:
        data["ip"] = address
    log.append(
        EventType.ACCESS,
        agent=log.user_agent(user),
        object_type="copies.copyentry",
        detail=f"copy register exported ({count} lines)",
        data=data,
    )
