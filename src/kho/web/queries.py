"""Reads the screens need beyond a plain list, every one starting from ``kho.access.selectors``.

Views call these instead of touching model managers, so that every count, list and lookup on screen is
already narrowed by the access policy in SQL (style.md rule 9).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404, not_found
from kho.access.selectors import agencies_for, digital_objects_for, documents_for, records_for
from kho.agencies.models import Agency, AgencyRelation
from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.ingest.models import UploadBatch
from kho.records.choices import ObjectRole, VerificationStatus
from kho.records.models import DigitalObject, Document

EVENT_LIMIT = 200


def agency_subtree_ids(agency_id: int) -> list[int]:
    """The agency and every agency below it, by one recursive query (ids only, never shown as such)."""
    table = connection.ops.quote_name(Agency._meta.db_table)
    parent = connection.ops.quote_name(Agency._meta.get_field("parent").column)
    sql = (
        f"WITH RECURSIVE subtree(id) AS (SELECT id FROM {table} WHERE id = %s "  # noqa: S608 - names from metadata
        f"UNION SELECT child.id FROM {table} child JOIN subtree ON child.{parent} = subtree.id) "
        f"SELECT id FROM subtree"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id])
        return [row[0] for row in cursor.fetchall()]


def agency_relations(user: Any) -> QuerySet[AgencyRelation]:
    """Lineage links whose two ends the user may both see."""
    visible = agencies_for(user, Action.VIEW)
    return AgencyRelation.objects.filter(predecessor__in=visible, successor__in=visible).select_related(
        "predecessor", "successor"
    )


def visible_document(user: Any, doc_code: str, action: Action = Action.VIEW) -> Document:
    """The document with ``doc_code`` if ``user`` may ``action`` it, else ``NotFoundError`` (missing or hidden)."""
    qs = documents_for(user, action).select_related("record__fonds__agency", "verified_by")
    return get_visible_or_404(user, action, qs, doc_code=doc_code)


def document_objects(user: Any, document: Document) -> QuerySet[DigitalObject]:
    """The files of a document the user may see (none for metadata-only roles)."""
    return digital_objects_for(user, Action.VIEW).filter(document=document).select_related("blob")


def readable_pdf(user: Any, doc_code: str) -> DigitalObject:
    """The PDF a user may open for a document: the PDF/A access copy, else a born-digital PDF original."""
    objects = digital_objects_for(user, Action.DOWNLOAD).filter(document__doc_code=doc_code)
    pdfs = objects.filter(role__in=[ObjectRole.ACCESS, ObjectRole.ORIGINAL], media_type="application/pdf")
    found = pdfs.select_related("blob", "document__record").order_by("role", "-id").first()
    if found is None:  # ORIGINAL sorts after ACCESS, so an access copy wins when both exist
        raise not_found()
    return found


def document_events(document: Document) -> QuerySet[Event]:
    """Preservation events of a document the caller has already shown (access events are the auditors')."""
    return (
        Event.objects.filter(object_type="document", object_id=document.doc_code)
        .exclude(event_type=EventType.ACCESS)
        .order_by("seq")[:EVENT_LIMIT]
    )


def next_to_review(user: Any, document: Document) -> Document | None:
    """The next unverified document the user may verify: later in the record, earlier, then in the fonds."""
    pending = (
        documents_for(user, Action.VERIFY)
        .exclude(verification_status=VerificationStatus.VERIFIED)
        .exclude(pk=document.pk)
    )
    in_record = pending.filter(record_id=document.record_id)
    return (
        in_record.filter(ordinal__gt=document.ordinal).order_by("ordinal").first()
        or in_record.order_by("ordinal").first()
        or pending.filter(record__fonds_id=document.record.fonds_id).order_by("record__file_code", "ordinal").first()
    )


def visible_batch(user: Any, uid: str) -> UploadBatch:
    """An upload batch of a record the user may see, else ``NotFoundError``."""
    try:
        key = UUID(str(uid))
    except ValueError:
        raise not_found() from None
    batch = (
        UploadBatch.objects.filter(record__in=records_for(user, Action.VIEW), uid=key)
        .select_related("record__fonds", "created_by")
        .first()
    )
    if batch is None:
        raise not_found()
    return batch


def record_batches(record_id: int) -> QuerySet[UploadBatch]:
    """The latest upload batches of a record the caller has already shown."""
    return UploadBatch.objects.filter(record_id=record_id).select_related("created_by").order_by("-created_at")[:10]
