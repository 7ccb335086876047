"""Event vocabulary: PREMIS 3 event types (id.loc.gov/vocabulary/preservation/eventType) plus Kho's own.

Pure module. Outcomes follow PREMIS ``eventOutcome`` practice: success, failure, warning.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """What happened. PREMIS terms first; Kho's access and organisational terms after."""

    CAPTURE = "capture"
    CREATION = "creation"
    DELETION = "deletion"
    DIGITAL_SIGNATURE_GENERATION = "digital signature generation"
    DIGITAL_SIGNATURE_VALIDATION = "digital signature validation"
    ENCRYPTION = "encryption"
    FIXITY_CHECK = "fixity check"
    FORMAT_IDENTIFICATION = "format identification"
    INFORMATION_PACKAGE_CREATION = "information package creation"
    INGESTION = "ingestion"
    MESSAGE_DIGEST_CALCULATION = "message digest calculation"
    METADATA_EXTRACTION = "metadata extraction"
    METADATA_MODIFICATION = "metadata modification"
    MIGRATION = "migration"
    NORMALIZATION = "normalization"
    REPLICATION = "replication"
    TRANSFER = "transfer"
    ACCESSION = "accession"
    VALIDATION = "validation"
    # Kho's own terms (not in the PREMIS vocabulary)
    OCR = "ocr"
    VERIFICATION = "verification"
    ACCESS = "access"
    SIGN_IN = "sign-in"
    REORGANIZATION = "reorganization"
    CUSTODY_TRANSFER = "custody transfer"
    STORAGE_SWEEP = "storage sweep"
    TASK_RECOVERY = "task recovery"  # a task whose worker stopped responding, failed and retried or not


class Outcome(StrEnum):
    """The result of an event."""

    SUCCESS = "success"
    FAILURE = "failure"
    WARNING = "warning"
