"""Response schemas of the API (shapes only: no business rule lives here); request shapes are in ``params``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    """The body of every error response."""

    code: str
    message: str
    details: list[Any] | None = None


class AgencyOut(Schema):
    """An agency (cơ quan)."""

    uid: uuid.UUID
    code: str
    legacy_code: str
    name: str
    short_name: str
    level: str
    system: str
    status: str
    parent_uid: uuid.UUID | None = Field(None, alias="parent.uid")
    valid_from: dt.date | None
    valid_to: dt.date | None


class AgencyPage(Schema):
    """A page of agencies."""

    items: list[AgencyOut]
    next_cursor: str | None


class FondsOut(Schema):
    """A fonds (phông lưu trữ)."""

    uid: uuid.UUID
    code: str
    name: str
    agency_uid: uuid.UUID = Field(alias="agency.uid")
    agency_code: str = Field(alias="agency.code")
    status: str
    closed_on: dt.date | None
    start_year: int | None
    end_year: int | None
    language: str
    risk_recovery: bool


class FondsDetail(FondsOut):
    """A fonds with its history and classification scheme."""

    history: str
    classification_scheme: str
    description: str


class FondsPage(Schema):
    """A page of fonds."""

    items: list[FondsOut]
    next_cursor: str | None


class RecordOut(Schema):
    """A record (hồ sơ): the fields of a list row."""

    uid: uuid.UUID
    fonds_uid: uuid.UUID = Field(alias="fonds.uid")
    fonds_code: str = Field(alias="fonds.code")
    file_code: str
    file_number: str
    year: int | None
    title: str
    maintenance: str
    start_date: dt.date | None
    end_date: dt.date | None
    total_doc: int
    secrecy_level: int
    digitization_status: str


class RecordDetail(RecordOut):
    """A record with every TT05 field and its shelf location."""

    mode: str
    language: str
    keyword: str
    number_of_paper: int | None
    number_of_page: int | None
    format: str
    infor_sign: str
    confidence_level: str
    paper_file_code: str
    risk_recovery: bool
    risk_recovery_status: str
    description: str
    compiled_by: str
    storage_room: str
    shelf: str
    box: str


class RecordPage(Schema):
    """A page of records."""

    items: list[RecordOut]
    next_cursor: str | None


class DocumentOut(Schema):
    """A document (văn bản): the fields of a list row."""

    uid: uuid.UUID
    record_uid: uuid.UUID = Field(alias="record.uid")
    record_file_code: str = Field(alias="record.file_code")
    ordinal: int
    doc_id: str
    doc_code: str
    number_symbol: str
    type_code: str
    type_name: str
    issued_date: dt.date | None
    organ_name: str
    subject: str
    secrecy_level: int
    verification_status: str


class DigitalObjectOut(Schema):
    """A stored file of a document, with its fixity data."""

    uid: uuid.UUID
    role: str
    media_type: str
    filename: str
    sha256: str = Field(alias="blob.digest", description="sha256:<hex> of the stored bytes")
    size: int = Field(alias="blob.size")
    last_fixity_at: dt.datetime | None = Field(None, alias="blob.last_fixity_at")
    last_fixity_ok: bool | None = Field(None, alias="blob.last_fixity_ok")


class ReferenceOut(Schema):
    """A document cited by this one."""

    number_symbol: str
    doc_type: str
    cited_date: dt.date | None
    issuer: str


class DocumentDetail(DocumentOut):
    """A document with its TT05 metadata (TT 05/2025/TT-BNV), the Party superset and its files."""

    maintenance: str
    code_number: str
    code_notation: str
    organ_parent: str
    place: str
    language: str
    number_of_page: int | None
    page_from: int | None
    page_to: int | None
    infor_sign: str
    keyword: str
    mode: str
    confidence_level: str
    autograph: str
    format: str
    risk_recovery: bool
    risk_recovery_status: str
    process: bool
    description: str
    signer: str
    signer_title: str
    signer_authority: str
    urgency: str
    copy_type: str
    topic: str
    recipients: list[Any]
    references: list[ReferenceOut] = []
    digital_objects: list[DigitalObjectOut] = []


class DocumentPage(Schema):
    """A page of documents."""

    items: list[DocumentOut]
    next_cursor: str | None


class SearchHitOut(Schema):
    """One hit: the document, its relevance and a snippet (HTML where only ``<mark>`` is markup)."""

    score: float
    snippet: str
    document: DocumentOut


class FacetsOut(Schema):
    """Counts of every matching document by type code and by year issued."""

    by_type: dict[str, int]
    by_year: dict[str, int]


class SearchOut(Schema):
    """A page of search results with the total and facets of the whole result."""

    total: int = Field(description="Matching documents; a lower bound when total_exact is false")
    total_exact: bool = Field(description="False when more documents match than the backend counts")
    ranked: bool = Field(description="True when hits are ordered by relevance, false when newest first")
    page: int
    page_size: int
    pages: int
    took_ms: float
    hits: list[SearchHitOut]
    facets: FacetsOut


class TaskOut(Schema):
    """The state of a background task."""

    id: str
    task: str
    status: str
    enqueued_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    errors: list[str] = Field(description="Exception classes raised; tracebacks stay in the worker's log.")


class FixityProblemOut(Schema):
    """An object whose bytes are missing or hash to something else."""

    digest: str
    kind: str
    actual: str | None


class FixityReportOut(Schema):
    """What a fixity run found."""

    checked: int
    ok: int
    bytes: int
    mismatched: int
    missing: int
    problems: list[FixityProblemOut]


class FixityEventOut(Schema):
    """One fixity-check event of the audit log."""

    seq: int
    occurred_at: dt.datetime
    outcome: str
    agent: str
    digest: str = Field(alias="object_id")
    detail: str


class FixityEventsOut(Schema):
    """The latest fixity events, newest first."""

    items: list[FixityEventOut]


class UploadFileOut(Schema):
    """One uploaded file and what became of it."""

    order: int
    filename: str
    group: str
    sha256: str = Field(alias="blob.digest")
    size: int = Field(alias="blob.size")
    status: str
    doc_code: str
    reason: str


class UploadRejectOut(Schema):
    """A file of the request that was not stored, with the reason."""

    filename: str
    code: str
    message: str


class UploadReceiptOut(Schema):
    """The files of one multipart request: those stored and those refused."""

    received: list[UploadFileOut]
    rejected: list[UploadRejectOut]


class UploadBatchOut(Schema):
    """An upload batch: its state, digitization progress and task; files are listed at ``/files``."""

    uid: uuid.UUID
    record_uid: uuid.UUID
    record_file_code: str
    status: str
    attempts: int
    max_attempts: int
    error: str
    task_id: str
    file_count: int
    done: int
    total: int
    created_at: dt.datetime


class UploadFilePage(Schema):
    """A page of a batch's files, in upload order."""

    items: list[UploadFileOut]
    next_cursor: str | None
