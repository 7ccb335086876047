"""Build the inventories of a fonds from the database: records, documents per record, secret documents.

Querysets come in already policy-filtered (``documents.handover_querysets``); this module only reads them
and words the rows, reusing the records inventory's columns, value formats and total line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from kho.core import codetables as ct
from kho.core.numwords import number_to_vietnamese_words
from kho.handover.layout.model import (
    DocumentInventory,
    DocumentRow,
    InventoryRow,
    RecordDocuments,
    RecordInventory,
    SecretList,
    SecretRow,
)
from kho.records.inventory import values as v
from kho.records.inventory.columns import INVENTORY_COLUMNS
from kho.records.inventory.exporter import total_line
from kho.records.models import Document, Fonds, Record

__all__ = ["document_inventory", "record_inventory", "secret_list"]

DOCUMENT_COLUMNS = [
    "STT",
    "Số, ký hiệu văn bản",
    "Ngày tháng năm",
    "Tên loại và trích yếu",
    "Tác giả",
    "Tờ số/Trang số",
    "Ghi chú",
]
SECRET_COLUMNS = ["STT", "Hồ sơ / số thứ tự", "Số, ký hiệu", "Ngày tháng năm", "Tên loại và trích yếu", "Độ mật"]
_DOC_FIELDS = (
    "pk",
    "record_id",
    "ordinal",
    "number_symbol",
    "code_number",
    "code_notation",
    "issued_date",
    "type_code",
    "type_name",
    "subject",
    "organ_name",
    "page_from",
    "page_to",
    "number_of_page",
    "description",
    "secrecy_level",
)


def _mark(level: int) -> str:
    return ct.SecrecyLevel(level).mark or ""


def _heading(fonds: Fonds) -> list[str]:
    return [
        _("Phông: %(name)s (mã phông %(code)s)") % {"name": fonds.name, "code": fonds.code},
        _("Cơ quan hình thành phông: %(name)s (mã %(code)s)") % {"name": fonds.agency.name, "code": fonds.agency.code},
    ]


def _counted(count: int, unit: str) -> str:
    """The total line in figures and words, worded like the records inventory's ("Tổng số: 12 văn bản. …")."""
    return _("Tổng số: %(count)s %(unit)s. Viết bằng chữ: %(words)s %(unit)s.") % {
        "count": count,
        "unit": unit,
        "words": number_to_vietnamese_words(count),
    }


def record_inventory(fonds: Fonds, records: QuerySet[Record]) -> RecordInventory:
    """The "Mục lục hồ sơ, tài liệu nộp lưu": ND30 columns, rows by file code, total in figures and words."""
    fields = ("file_code", "file_number", "title", "start_date", "end_date", "maintenance", "number_of_paper")
    rows = []
    values = records.order_by("file_code").values(*fields, "number_of_page", "description", "secrecy_level")
    for seq, r in enumerate(values.iterator(chunk_size=2000), start=1):
        note = " ".join(filter(None, [_mark(r["secrecy_level"]), r["description"]]))
        rows.append(
            InventoryRow(
                seq=seq,
                file_number=r["file_number"] or r["file_code"],
                title=r["title"],
                period=v.format_period(r["start_date"], r["end_date"]),
                retention=ct.RETENTION.get(r["maintenance"], r["maintenance"]),
                sheets_pages=v.format_sheets_pages(r["number_of_paper"], r["number_of_page"]),
                note=note,
            )
        )
    return RecordInventory(
        title=_("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU"),
        heading_lines=_heading(fonds),
        columns=[c.header for c in INVENTORY_COLUMNS],
        rows=rows,
        total_line=total_line(len(rows)),
    )


def _number_symbol(d: dict[str, Any]) -> str:
    return d["number_symbol"] or "/".join(filter(None, (d["code_number"], d["code_notation"])))


def _type_and_subject(d: dict[str, Any]) -> str:
    kind = d["type_name"] or ct.DOC_TYPE.get(d["type_code"], "")
    return " ".join(filter(None, (kind, d["subject"])))


def _pages(d: dict[str, Any]) -> str:
    if d["page_from"] and d["page_to"] and d["page_to"] != d["page_from"]:
        return f"{d['page_from']}-{d['page_to']}"
    if d["page_from"]:
        return str(d["page_from"])
    return str(d["number_of_page"]) if d["number_of_page"] else ""


def _document_row(d: dict[str, Any]) -> DocumentRow:
    return DocumentRow(
        seq=d["ordinal"],
        number_symbol=_number_symbol(d),
        date=v.format_date(d["issued_date"]),
        type_and_subject=_type_and_subject(d),
        author=d["organ_name"],
        pages=_pages(d),
        note=" ".join(filter(None, [_mark(d["secrecy_level"]), d["description"]])),
    )


class _RecordSections:
    """The document list of each record, read from the database each time it is iterated (issue #5).

    Records come in file-code order and their documents from a second query in the same order, merged as
    both are read a chunk at a time, so one record's rows are held at once, never the fonds'. Both queries
    sort on the same column in the database, so the merge never compares texts in Python (collations differ).
    """

    def __init__(self, records: QuerySet[Record], documents: QuerySet[Document]) -> None:
        self.records = records.order_by("file_code", "pk")
        self.documents = documents.filter(record__in=records).order_by("record__file_code", "record_id", "ordinal")
        self.language = translation.get_language()  # the texts are worded in the language of the build

    def __iter__(self) -> Iterator[RecordDocuments]:
        docs = self.documents.values(*_DOC_FIELDS).iterator(chunk_size=2000)
        pending = next(docs, None)
        fields = ("pk", "file_code", "file_number", "title")
        for pk, file_code, file_number, title in self.records.values_list(*fields).iterator(chunk_size=2000):
            rows = []
            while pending is not None and pending["record_id"] == pk:
                rows.append(_document_row(pending))
                pending = next(docs, None)
            with translation.override(self.language):  # not across the yield: the caller's language stays
                heading = _("Hồ sơ số %(number)s (%(code)s): %(title)s") % {
                    "number": file_number or file_code,
                    "code": file_code,
                    "title": title,
                }
                total = _("Hồ sơ có %(count)s văn bản.") % {"count": len(rows)}
            yield RecordDocuments(heading, rows, total)


def document_inventory(fonds: Fonds, records: QuerySet[Record], documents: QuerySet[Document]) -> DocumentInventory:
    """The "Mục lục văn bản, tài liệu trong hồ sơ" of every record, in file-code then ordinal order.

    The rows are not read here: each renderer reads them, a record at a time, as it draws (``records``).
    """
    sections = _RecordSections(records, documents)
    return DocumentInventory(
        title=_("MỤC LỤC VĂN BẢN, TÀI LIỆU TRONG HỒ SƠ"),
        heading_lines=_heading(fonds),
        columns=DOCUMENT_COLUMNS,
        records=sections,
        total_line=_counted(sections.documents.count(), _("văn bản")),
    )


def secret_list(fonds: Fonds, secret: QuerySet[Document], cleared_ids: set[int] | None) -> SecretList:
    """The documents stamped with a secrecy level; details only for those the operator is cleared for.

    Args:
        fonds: the fonds handed over.
        secret: every secret document of the records the operator may see.
        cleared_ids: ids of the documents whose details the operator may read; ``None`` means all of them
            (the local operator at the server's shell).
    """
    rows: list[SecretRow] = []
    values = secret.order_by("record__file_code", "ordinal").values(*_DOC_FIELDS, "record__file_code")
    for seq, d in enumerate(values.iterator(chunk_size=2000), start=1):
        cleared = cleared_ids is None or d["pk"] in cleared_ids
        rows.append(
            SecretRow(
                seq=seq,
                file_code=d["record__file_code"],
                ordinal=d["ordinal"],
                number_symbol=_number_symbol(d) if cleared else "—",
                date=v.format_date(d["issued_date"]) if cleared else "—",
                type_and_subject=_type_and_subject(d) if cleared else _("(không đủ thẩm quyền xem nội dung)"),
                level=_mark(d["secrecy_level"]),
                withheld=not cleared,
            )
        )
    by_level: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        by_level[row.level] += 1
    levels = "; ".join(f"{level}: {count}" for level, count in sorted(by_level.items()))
    withheld = sum(r.withheld for r in rows)
    return SecretList(
        title=_("DANH MỤC TÀI LIỆU CÓ ĐÓNG DẤU CHỈ MỨC ĐỘ MẬT"),
        heading_lines=_heading(fonds),
        columns=SECRET_COLUMNS,
        rows=rows,
        total_line=_counted(len(rows), _("tài liệu mật")) + (f" ({levels})" if levels else ""),
        withheld_text=_(
            "%(count)s tài liệu vượt quá độ mật người lập được tiếp cận: chỉ ghi vị trí và độ mật, "
            "người có thẩm quyền bổ sung nội dung."
        )
        % {"count": withheld}
        if withheld
        else "",
    )
