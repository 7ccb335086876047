"""What the E-ARK writer takes (:class:`PackageSpec` and its parts) and returns (:class:`PackageManifest`).

All types are frozen, slotted dataclasses without Django (style rules 3-4): the Django layer builds
them from the ORM and hands them to :func:`kho.packages.formats.eark.write_package`. Every ``str``
field is NFC-normalised on construction (style rule 16). Field names follow ``kho.records.models``;
the TT05 name of each field is listed in :data:`RECORD_FIELDS` and :data:`DOCUMENT_FIELDS`.

Timestamps are passed in, never read from the clock, so two exports of the same fonds are
byte-identical. They must be timezone-aware (TT05 wants ISO 8601 with the Vietnamese offset).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Protocol

from kho import __version__
from kho.core.text import nfc

__all__ = [
    "DOCUMENT_FIELDS",
    "RECORD_FIELDS",
    "AgentSpec",
    "Agency",
    "DocumentSpec",
    "DocumentationFile",
    "EventSpec",
    "FileRole",
    "FileSpec",
    "ManifestEntry",
    "OrderedEvents",
    "PackageManifest",
    "PackageSpec",
    "PackageType",
    "RecordSpec",
    "Records",
    "Source",
    "Tt05Kind",
]

#: A file to copy into the package: a path, or a readable binary stream (read once, in blocks).
Source = Path | IO[bytes]


#: Field names of each spec class (``dataclasses.fields`` builds its tuple anew on every call: one per file).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _normalise(obj: object) -> None:
    """NFC-normalise every ``str`` field of a frozen dataclass instance in place."""
    names = _FIELD_NAMES.get(type(obj))
    if names is None:
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))  # type: ignore[arg-type]
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, str):
            object.__setattr__(obj, name, nfc(value))
        elif isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
            object.__setattr__(obj, name, tuple(nfc(v) for v in value))


class PackageType(StrEnum):
    """OAIS package type, written to ``metsHdr/@csip:OAISPACKAGETYPE``."""

    SIP = "SIP"
    AIP = "AIP"
    DIP = "DIP"


class Tt05Kind(StrEnum):
    """TT05 package kind (standards.md §1): one record (hồ sơ) or loose documents (tài liệu)."""

    RECORD = "hoso"
    DOCUMENTS = "tailieu"


class FileRole(StrEnum):
    """What a content file is for; written to METS ``file/@USE``."""

    PRESERVATION = "preservation"
    ACCESS = "access"
    TEXT = "text"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Agency:
    """An agency (cơ quan) or fonds: its code (mã định danh) and name."""

    code: str
    name: str

    def __post_init__(self) -> None:
        _normalise(self)


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """A PREMIS agent (software, organisation or person) that events link to by ``identifier``.

    Attributes:
        identifier: Value of ``agentIdentifierValue``; events refer to the agent by it.
        name: ``agentName``.
        agent_type: PREMIS ``agentType`` (``software``, ``organization``, ``person``, ``hardware``).
        identifier_type: ``agentIdentifierType``.
        version: ``agentVersion`` (software).
        note: ``agentNote``.
    """

    identifier: str
    name: str
    agent_type: str
    identifier_type: str = "local"
    version: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        _normalise(self)


@dataclass(frozen=True, slots=True)
class EventSpec:
    """A PREMIS event; ``event_type`` is taken as given (e.g. ``transfer`` for a TT05 digitisation).

    Attributes:
        identifier: ``eventIdentifierValue`` (a UUID string, say).
        event_type: PREMIS event type term.
        date_time: When it happened (timezone-aware).
        outcome: ``eventOutcome`` (``success``, ``failure``, ``warning``).
        detail: ``eventDetail``.
        outcome_detail: ``eventOutcomeDetailNote``.
        agents: ``(agent identifier, role)`` pairs, e.g. ``("kho", "executing program")``.
        objects: Package paths of the files the event concerns (:attr:`FileSpec.path_in_package`
            or ``documentation/...``).
        identifier_type: ``eventIdentifierType``.
    """

    identifier: str
    event_type: str
    date_time: datetime
    outcome: str = "success"
    detail: str = ""
    outcome_detail: str = ""
    agents: tuple[tuple[str, str], ...] = ()
    objects: tuple[str, ...] = ()
    identifier_type: str = "UUID"

    def __post_init__(self) -> None:
        _normalise(self)


@dataclass(frozen=True, slots=True)
class FileSpec:
    """A content file of a document or record, copied to ``representations/<rep>/data/<package_path>``.

    Attributes:
        package_path: ``/``-separated path below the representation's ``data/`` folder.
        source: Where to read the bytes (a path, or a binary stream read once).
        media_type: IANA media type, e.g. ``application/pdf``.
        created: File creation time for METS ``@CREATED`` (timezone-aware).
        role: What the file is for.
        representation: Representation folder name (``rep1`` = preservation masters).
        sha256: Expected digest, ``sha256:<hex>`` (style rule 15) or bare hex; verified while copying.
        size: Expected size in bytes; verified while copying.
        format_name: PREMIS ``formatName`` (defaults to the media type).
        format_version: PREMIS ``formatVersion``, e.g. ``1b`` for PDF/A-1b.
        format_registry_key: PRONOM PUID, e.g. ``fmt/477`` (PDF/A-2b).
    """

    package_path: str
    source: Source
    media_type: str
    created: datetime
    role: FileRole = FileRole.PRESERVATION
    representation: str = "rep1"
    sha256: str | None = None
    size: int | None = None
    format_name: str = ""
    format_version: str = ""
    format_registry_key: str = ""

    def __post_init__(self) -> None:
        _normalise(self)

    @property
    def path_in_package(self) -> str:
        """The file's path from the package root: ``representations/<rep>/data/<package_path>``."""
        return f"representations/{self.representation}/data/{self.package_path}"


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A document (văn bản) with the 21 TT05 ``EAD_doc`` fields (AIP: plus ``arcFileCode``, ``docOrdinal``).

    Dates are a :class:`~datetime.date` or TT05 text (``DD/MM/YYYY``, ``MM/YYYY`` or ``YYYY``).
    Codes are TT05 codes (``kho.core.codetables``); ``type_code`` is TT05 ``typeName``.
    """

    doc_id: str
    doc_code: str
    ordinal: int
    subject: str
    type_code: str = ""
    type_name: str = ""
    code_number: str = ""
    code_notation: str = ""
    issued_date: date | str | None = None
    organ_name: str = ""
    maintenance: str = ""
    language: tuple[str, ...] = ("01",)
    number_of_page: int | None = None
    infor_sign: str = ""
    keyword: str = ""
    mode: str = "01"
    confidence_level: str = "02"
    autograph: str = ""
    format: str = "01"
    risk_recovery: bool = False
    risk_recovery_status: str = ""
    process: bool = False
    description: str = ""
    arc_file_code: str = ""
    files: tuple[FileSpec, ...] = ()

    def __post_init__(self) -> None:
        _normalise(self)


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """A record (hồ sơ) with the 18 TT05 ``EAD`` fields, its documents and whole-record files."""

    file_code: str
    title: str
    maintenance: str = "01"
    mode: str = "01"
    language: tuple[str, ...] = ("01",)
    start_date: date | str | None = None
    end_date: date | str | None = None
    keyword: str = ""
    total_doc: int = 0
    number_of_paper: int | None = None
    number_of_page: int | None = None
    format: str = "01"
    infor_sign: str = ""
    confidence_level: str = "02"
    paper_file_code: str = ""
    risk_recovery: bool = False
    risk_recovery_status: str = ""
    description: str = ""
    arc_file_code: str = ""
    documents: tuple[DocumentSpec, ...] = ()
    files: tuple[FileSpec, ...] = ()

    def __post_init__(self) -> None:
        _normalise(self)


class Records(Protocol):
    """The records of a package: a tuple, or anything that can be iterated more than once and counted.

    The writers only iterate it (once per pass) and take its ``len()``, so a caller may pass a sequence
    that reads each record back from disk when asked (Kho's export spools them: issue #5).
    """

    def __iter__(self) -> Iterator[RecordSpec]: ...

    def __len__(self) -> int: ...


class OrderedEvents(Protocol):
    """PREMIS events held outside memory (:class:`kho.packages.formats.premis.EventLog`), read back in order.

    The PREMIS writer takes them instead of a tuple of :class:`EventSpec` for packages with many events
    (Kho's export: issue #5): it never holds them all, nor a list of events per file.
    """

    def __iter__(self) -> Iterator[EventSpec]:
        """Every event, in PREMIS order: by ISO 8601 date and time, then identifier."""
        ...

    def __len__(self) -> int: ...

    def links(self) -> Iterator[tuple[str, str, str]]:
        """``(path, identifier type, identifier)`` per object of every event, by path, then in event order."""
        ...

    def has_duplicate(self) -> bool:
        """Whether two events share an identifier."""
        ...

    def agent_uses(self) -> Iterator[tuple[str, str]]:
        """``(agent identifier, identifier of the first event naming it)`` for every agent named."""
        ...


@dataclass(frozen=True, slots=True)
class DocumentationFile:
    """A file for ``documentation/`` (handover record, inventories), referenced from the root METS."""

    package_path: str
    source: Source
    media_type: str
    created: datetime

    def __post_init__(self) -> None:
        _normalise(self)

    @property
    def path_in_package(self) -> str:
        """The file's path from the package root: ``documentation/<package_path>``."""
        return f"documentation/{self.package_path}"


@dataclass(frozen=True, slots=True)
class PackageSpec:
    """Everything needed to lay out one E-ARK CSIP package.

    Attributes:
        package_id: ``mets/@OBJID``; the package root folder should carry the same name (CSIP1).
        label: ``mets/@LABEL`` and the EAD title.
        created: ``metsHdr/@CREATEDATE``/``@LASTMODDATE`` and the default of every ``CREATED``.
        submitting_agency: The sending agency (metsHdr agent ``CREATOR``/``ORGANIZATION``).
        records: The records (for ``AIP_tailieu``, one record holding the loose documents); iterated once
            per writer pass, never indexed (:class:`Records`).
        package_type: ``AIP`` (TT05: never ``SIP``) or another OAIS type.
        tt05_kind: ``hoso`` or ``tailieu``; written as ``altRecordID[@TYPE='TT05PACKAGE']``.
        archival_agency: The receiving archive (metsHdr agent ``PRESERVATION``), if known.
        fonds: The fonds (phông) the records belong to; EAD ``archdesc``.
        events: PREMIS events (a tuple, or :class:`OrderedEvents` kept on disk).
        agents: PREMIS agents the events refer to.
        documentation: Files for ``documentation/``.
        schema_files: XSD files to copy into ``schemas/`` (referenced from the Schemas file group).
        content_category: ``mets/@TYPE`` (CSIP vocabulary).
        content_information_type: ``@csip:CONTENTINFORMATIONTYPE`` (CSIP vocabulary).
        record_status: ``metsHdr/@RECORDSTATUS``.
        software_name: Name of the creating software agent (CSIP14).
        software_version: Its version (CSIP15/16).
    """

    package_id: str
    label: str
    created: datetime
    submitting_agency: Agency
    records: Records
    package_type: PackageType = PackageType.AIP
    tt05_kind: Tt05Kind = Tt05Kind.RECORD
    archival_agency: Agency | None = None
    fonds: Agency | None = None
    events: tuple[EventSpec, ...] | OrderedEvents = ()
    agents: tuple[AgentSpec, ...] = ()
    documentation: tuple[DocumentationFile, ...] = ()
    schema_files: tuple[Path, ...] = ()
    content_category: str = "Mixed"
    content_information_type: str = "MIXED"
    record_status: str = "NEW"
    software_name: str = "Kho"
    software_version: str = __version__

    def __post_init__(self) -> None:
        _normalise(self)

    def content_files(self) -> Iterator[FileSpec]:
        """Every content file of every record and document, in spec order (one record in memory at a time)."""
        for record in self.records:
            yield from record.files
            for document in record.documents:
                yield from document.files


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One file the writer put into the package.

    Attributes:
        path: Path from the package root (``/``-separated, NFC).
        digest: ``sha256:<lower-case hex>`` (style rule 15).
        size: Size in bytes.
        media_type: IANA media type.
        use: ``content``, ``documentation``, ``schema`` or ``metadata``.
    """

    path: str
    digest: str
    size: int
    media_type: str
    use: str


@dataclass(frozen=True, slots=True)
class PackageManifest:
    """What :func:`~kho.packages.formats.eark.write_package` wrote, sorted by path.

    Attributes:
        root: The package root directory.
        package_id: ``mets/@OBJID``.
        entries: Every file in the package (METS files included), in path order; the writer's are read
            from its file list (on disk for a large package) each time they are iterated.
    """

    root: Path
    package_id: str
    entries: Collection[ManifestEntry]

    @property
    def total_bytes(self) -> int:
        """Sum of all file sizes."""
        return sum(entry.size for entry in self.entries)

    def get(self, path: str) -> ManifestEntry | None:
        """Return the entry for a package path, or None."""
        return next((entry for entry in self.entries if entry.path == path), None)


#: ``(attribute, TT05 name)`` of the 18 record fields (standards.md §2.2), ``arcFileCode`` for AIPs.
RECORD_FIELDS: tuple[tuple[str, str], ...] = (
    ("file_code", "fileCode"),
    ("title", "title"),
    ("maintenance", "maintenance"),
    ("mode", "mode"),
    ("language", "language"),
    ("start_date", "startDate"),
    ("end_date", "endDate"),
    ("keyword", "keyword"),
    ("total_doc", "totalDoc"),
    ("number_of_paper", "numberOfPaper"),
    ("number_of_page", "numberOfPage"),
    ("format", "format"),
    ("infor_sign", "inforSign"),
    ("confidence_level", "confidenceLevel"),
    ("paper_file_code", "paperFileCode"),
    ("risk_recovery", "riskRecovery"),
    ("risk_recovery_status", "riskRecoveryStatus"),
    ("description", "description"),
)

#: ``(attribute, TT05 name)`` of the 21 document fields (standards.md §2.3) plus the AIP additions.
DOCUMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("doc_id", "docId"),
    ("doc_code", "docCode"),
    ("maintenance", "maintenance"),
    ("type_code", "typeName"),
    ("code_number", "codeNumber"),
    ("code_notation", "codeNotation"),
    ("issued_date", "issuedDate"),
    ("organ_name", "organName"),
    ("subject", "subject"),
    ("language", "language"),
    ("number_of_page", "numberOfPage"),
    ("infor_sign", "inforSign"),
    ("keyword", "keyword"),
    ("mode", "mode"),
    ("confidence_level", "confidenceLevel"),
    ("autograph", "autograph"),
    ("format", "format"),
    ("risk_recovery", "riskRecovery"),
    ("risk_recovery_status", "riskRecoveryStatus"),
    ("process", "process"),
    ("description", "description"),
)
