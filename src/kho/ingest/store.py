"""Store one digitized document: blobs first, then its rows and PREMIS events in one transaction."""

from __future__ import annotations

import io
from pathlib import Path

from django.db import transaction
from django.db.models import Max

from kho.audit import log
from kho.audit.vocabulary import EventType, Outcome
from kho.core.text import nfc
from kho.ingest.metadata import MEDIA_TYPES, document_fields, parse_iso_date
from kho.ingest.pipeline import DocumentResult
from kho.records.choices import DigitizationStatus, ObjectRole
from kho.records.models import DigitalObject, Document, DocumentReference, Record
from kho.storage.models import Blob
from kho.storage.store import put_blob, put_path


def existing_document(digests: tuple[str, ...]) -> str | None:
    """The doc code already holding all these master scans, or None (resume and idempotency)."""
    if not digests:
        return None
    found = DigitalObject.objects.filter(blob__digest__in=digests, role=ObjectRole.MASTER).select_related("document")
    documents = {o.document.doc_code for o in found}
    return documents.pop() if len(documents) == 1 and found.count() == len(set(digests)) else None


def _events(doc_code: str, result: DocumentResult, agent: str, digests: list[str]) -> list[log.NewEvent]:
    md = result.metadata
    problems = [f for f in result.findings if f.severity in {"error", "warning"}]

    def event(
        kind: EventType, detail: str, data: dict[str, object], outcome: Outcome = Outcome.SUCCESS
    ) -> log.NewEvent:
        return log.NewEvent(
            kind, outcome=outcome, agent=agent, object_type="document", object_id=doc_code, detail=detail, data=data
        )

    return [
        event(EventType.CAPTURE, "scans received", {"pages": result.pages, "masters": digests}),
        event(
            EventType.VALIDATION,
            "image QC and PDF/A-2b check",
            {"findings": [{"severity": f.severity, "code": f.code, "page": f.page} for f in result.findings]},
            Outcome.WARNING if problems else Outcome.SUCCESS,
        ),
        event(
            EventType.OCR,
            "OCR to two-layer PDF/A-2b",
            {"seconds": result.timings.get("ocr"), "characters": len(result.text)},
        ),
        event(
            EventType.METADATA_EXTRACTION,
            "metadata read from the page",
            {"confidence": md.confidence, "review": md.review_fields()},
        ),
        *(
            [
                event(
                    EventType.DIGITAL_SIGNATURE_GENERATION,
                    "organisation signature (PAdES B-B) on the PDF/A copy",
                    {"organisation": result.signed_by},
                )
            ]
            if result.signed_by
            else []
        ),
        event(EventType.INGESTION, "digitized document stored", {"timings": result.timings}),
    ]


def store_result(
    record: Record,
    result: DocumentResult,
    *,
    order: int | None,
    agent: str,
    filenames: tuple[str, ...] | None = None,
) -> str:
    """Write the masters, access copy and text, then the document and its events; return its doc code.

    ``filenames`` names the master scans when their paths do not (uploads are read from the object store).
    """
    names = filenames if filenames and len(filenames) == len(result.source.files) else None
    secret = max(record.secrecy_level, document_fields(result.metadata)["secrecy_level"]) > 0  # encrypted at rest
    files = result.source.files
    masters = [(Path(names[i]) if names else p, put_path(p, classified=secret)[0]) for i, p in enumerate(files)]
    access = put_path(result.pdfa, classified=secret)[0] if result.pdfa else None
    text = put_blob(io.BytesIO(result.text.encode("utf-8")), classified=secret)[0]
    master_type = MEDIA_TYPES.get(str(result.source.format), "application/octet-stream")
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        already = existing_document(tuple(b.digest for _, b in masters))
        if already:
            return already
        taken = set(locked.documents.values_list("ordinal", flat=True))
        ordinal = order if order and order not in taken else (max(taken, default=0) + 1)
        document = Document.objects.create(
            record=locked,
            ordinal=ordinal,
            doc_id=f"{locked.file_code}.{ordinal}",
            doc_code=f"{locked.file_code}.{ordinal:07d}",
            maintenance=locked.maintenance,
            confidence_level="02",
            **document_fields(result.metadata),
        )
        _create_objects(document, masters, access, text, master_type)
        _create_references(document, result)
        count = locked.documents.aggregate(n=Max("ordinal"))["n"] or 0
        Record.objects.filter(pk=locked.pk).update(
            total_doc=max(count, locked.documents.count()),
            digitization_status=DigitizationStatus.DIGITIZED,
            confidence_level="02" if locked.confidence_level != "01" else "03",
        )
        log.append_many(_events(document.doc_code, result, agent, [b.digest for _, b in masters]))
    return document.doc_code


def _create_objects(
    document: Document, masters: list[tuple[Path, Blob]], access: Blob | None, text: Blob, master_type: str
) -> None:
    objects = [
        DigitalObject(
            document=document, blob=blob, role=ObjectRole.MASTER, media_type=master_type, filename=nfc(path.name)[:255]
        )
        for path, blob in masters
    ]
    if access is not None:
        objects.append(
            DigitalObject(
                document=document,
                blob=access,
                role=ObjectRole.ACCESS,
                media_type="application/pdf",
                filename=f"{document.doc_code}.pdf",
            )
        )
    objects.append(
        DigitalObject(
            document=document,
            blob=text,
            role=ObjectRole.TEXT,
            media_type="text/plain; charset=utf-8",
            filename=f"{document.doc_code}.txt",
        )
    )
    DigitalObject.objects.bulk_create(objects)


def _create_references(document: Document, result: DocumentResult) -> None:
    unique = {r["number_symbol"]: r for r in result.references if r["number_symbol"] != document.number_symbol}
    DocumentReference.objects.bulk_create(
        [
            DocumentReference(
                document=document,
                number_symbol=ref["number_symbol"][:50],
                doc_type=(ref.get("doc_type") or "")[:100],
                issuer=(ref.get("issuer") or "")[:200],
                cited_date=parse_iso_date(ref.get("date")),
            )
            for ref in unique.values()
        ]
    )
