"""Plain data of the handover documents and the readiness report: built from the ORM, then rendered.

Pure module (no Django import): the renderers in this package only ever see these dataclasses, so the
package exporter, the CLI and tests can build and draw them independently. Texts are final (Vietnamese,
already formatted): a renderer places them, it does not compute or translate anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "DocumentInventory",
    "DocumentRow",
    "HandoverBundle",
    "HandoverRecord",
    "InventoryRow",
    "Party",
    "ReadinessReport",
    "ReadinessSection",
    "RecordDocuments",
    "RecordInventory",
    "SecretList",
    "SecretRow",
]


@dataclass(frozen=True, slots=True)
class Party:
    """One side of a handover: the agency and its representative (blank lines when not given)."""

    agency_name: str
    parent_name: str = ""
    representative: str = ""
    position: str = ""


@dataclass(frozen=True, slots=True)
class HandoverRecord:
    """The "Biên bản giao nhận hồ sơ, tài liệu" (ND30 Annex V): every line already worded."""

    party_header: bool  # a Party fonds: "ĐẢNG CỘNG SẢN VIỆT NAM" instead of the national motto
    issuer: Party
    place_date: str
    title: str
    subtitle: str
    legal_basis: list[str]
    giver: Party
    receiver: Party
    fonds_line: str
    time_span: str
    quantity_lines: list[str]
    condition_lines: list[str]
    inventory_line: str
    root_hash_line: str
    closing: str


@dataclass(frozen=True, slots=True)
class InventoryRow:
    """One row of the "Mục lục hồ sơ" (ND30 columns)."""

    seq: int
    file_number: str
    title: str
    period: str
    retention: str
    sheets_pages: str
    note: str


@dataclass(frozen=True, slots=True)
class RecordInventory:
    """The "Mục lục hồ sơ, tài liệu nộp lưu" of one fonds, with its total in figures and words."""

    title: str
    heading_lines: list[str]
    columns: list[str]
    rows: list[InventoryRow]
    total_line: str


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One row of the "Mục lục văn bản, tài liệu trong hồ sơ"."""

    seq: int
    number_symbol: str
    date: str
    type_and_subject: str
    author: str
    pages: str
    note: str


@dataclass(frozen=True, slots=True)
class RecordDocuments:
    """The documents of one record, under the record's heading line."""

    heading: str
    rows: list[DocumentRow]
    total_line: str


@dataclass(frozen=True, slots=True)
class DocumentInventory:
    """The document lists of every record of a fonds.

    ``records`` can be iterated more than once (each renderer reads it); built from the database it reads
    the rows anew each time, a record at a time, so a large fonds is never held whole.
    """

    title: str
    heading_lines: list[str]
    columns: list[str]
    records: Iterable[RecordDocuments]
    total_line: str


@dataclass(frozen=True, slots=True)
class SecretRow:
    """One secret document; ``withheld`` rows show the position and level only (operator not cleared)."""

    seq: int
    file_code: str
    ordinal: int
    number_symbol: str
    date: str
    type_and_subject: str
    level: str
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class SecretList:
    """The list of documents stamped with a secrecy level (16/2014/TT-BNV)."""

    title: str
    heading_lines: list[str]
    columns: list[str]
    rows: list[SecretRow]
    total_line: str
    withheld_text: str


@dataclass(frozen=True, slots=True)
class HandoverBundle:
    """Everything ``build_handover_documents`` renders; ``stem`` is the file-name-safe fonds code."""

    stem: str
    record: HandoverRecord
    inventory: RecordInventory
    documents: DocumentInventory
    secrets: SecretList


@dataclass(frozen=True, slots=True)
class ReadinessSection:
    """One check of the readiness report: its title, how many items fail, and the rows shown."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    count: int
    more_text: str = ""


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    """The readiness of one agency's holdings before the agency ends."""

    agency_code: str
    agency_name: str
    title: str
    heading_lines: list[str]
    today: dt.date
    end_date: dt.date | None
    days_left: int | None
    fixity_days: int
    fonds: list[str]
    totals: dict[str, int]
    sections: list[ReadinessSection] = field(default_factory=list)
    summary_line: str = ""

    @property
    def ready(self) -> bool:
        """True when no check found anything."""
        return all(section.count == 0 for section in self.sections)
