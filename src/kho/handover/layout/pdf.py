"""Draw the handover documents as PDF (reportlab): record, inventory of records, document lists, secret list.

Input is ``kho.handover.layout.model`` data only; no database access happens here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from kho.handover.layout._pdfkit import FONT, TEXT_WIDTH, data_table, escape, para, styles, write_pdf
from kho.handover.layout.model import (
    DocumentInventory,
    HandoverRecord,
    Party,
    ReadinessReport,
    RecordInventory,
    SecretList,
)

__all__ = [
    "document_inventory_pdf",
    "handover_record_pdf",
    "readiness_pdf",
    "record_inventory_pdf",
    "secret_list_pdf",
]

STATE_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PARTY_MOTTO = ("ĐẢNG CỘNG SẢN VIỆT NAM", "")
DOTS = "……………………………………"
# Relative column widths (scaled to the text width).
INVENTORY_WIDTHS = (1.1, 2.2, 6.2, 2.4, 1.9, 1.6, 1.6)
DOCUMENT_WIDTHS = (1.0, 2.6, 2.0, 5.0, 2.6, 2.0, 1.6)
SECRET_WIDTHS = (1.0, 3.2, 2.8, 2.0, 5.2, 1.8)


def _rule(text: str, font: str, size: float, share: float = 1.0) -> HRFlowable:
    """A centred rule under a header line, ``share`` of the line's printed width (ND30 zones 2 and 3)."""
    width = stringWidth(text, font, size) * share
    return HRFlowable(width=width, thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=3)


def _header(doc: HandoverRecord) -> Table:
    """ND30 zones 1–4: issuer top left, motto top right, number and place/date under them."""
    st = styles()
    issuer = doc.issuer.agency_name.upper()
    left: list[Flowable] = []
    if doc.issuer.parent_name:
        left.append(para(doc.issuer.parent_name.upper(), st.header))
    left += [para(f"<b>{escape(issuer)}</b>", st.header, markup=True)]
    left.append(para("*", st.header) if doc.party_header else _rule(issuer, f"{FONT}-Bold", 12, 0.4))
    motto = PARTY_MOTTO if doc.party_header else STATE_MOTTO
    right: list[Flowable] = [para(f"<b>{motto[0]}</b>", st.header, markup=True)]
    if motto[1]:
        right.append(para(f"<b>{motto[1]}</b>", st.center, markup=True))
    right.append(_rule(motto[1] or motto[0], f"{FONT}-Bold", 13 if motto[1] else 12))
    number = para("Số: ……/BB-……", st.header)
    place = para(f"<i>{escape(doc.place_date)}</i>", st.center, markup=True)
    motto_width = 9.0 * cm  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" is 8.83 cm in bold 12 pt
    table = Table([[left, right], [number, place]], colWidths=[TEXT_WIDTH - motto_width, motto_width])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _party(label: str, party: Party) -> list[Flowable]:
    st = styles()
    name = escape(party.representative) if party.representative else DOTS
    position = escape(party.position) if party.position else DOTS
    return [
        para(f"<b>{escape(label)}:</b> {escape(party.agency_name)}", st.plain, markup=True),
        para(f"Đại diện là ông (bà): {name}", st.plain, markup=True),
        para(f"Chức vụ công tác/chức danh: {position}", st.plain, markup=True),
    ]


def _signatures(doc: HandoverRecord) -> Table:
    st = styles()

    def column(label: str, party: Party) -> list[Flowable]:
        return [
            para(f"<b>{label}</b>", st.center, markup=True),
            para("<i>(Ký, ghi rõ họ tên)</i>", st.center, markup=True),
            Spacer(1, 2.0 * cm),
            para(f"<b>{escape(party.representative)}</b>", st.center, markup=True),
        ]

    table = Table(
        [[column("ĐẠI DIỆN BÊN GIAO", doc.giver), column("ĐẠI DIỆN BÊN NHẬN", doc.receiver)]],
        colWidths=[TEXT_WIDTH / 2] * 2,
    )
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def handover_record_pdf(doc: HandoverRecord, path: Path) -> Path:
    """Write the "Biên bản giao nhận hồ sơ, tài liệu" to ``path``."""
    st = styles()
    story: list[Flowable] = [_header(doc), para(doc.title, st.title), para(doc.subtitle, st.subtitle)]
    story += [para(line, st.body) for line in doc.legal_basis]
    story.append(para("Chúng tôi gồm:", st.body))
    story += _party("BÊN GIAO", doc.giver) + _party("BÊN NHẬN", doc.receiver)
    story.append(para("Thống nhất lập biên bản giao nhận tài liệu với những nội dung cụ thể như sau:", st.body))
    story.append(para(doc.fonds_line, st.body))
    story.append(para(doc.time_span, st.body))
    story.append(para("3. Số lượng tài liệu:", st.body))
    story += [para(f"- {line}", st.dash) for line in doc.quantity_lines]
    story.append(para("4. Tình trạng tài liệu giao nộp:", st.body))
    story += [para(f"- {line}", st.dash) for line in doc.condition_lines]
    story.append(para(doc.inventory_line, st.body))
    story.append(Spacer(1, 4))
    story.append(para(doc.root_hash_line, st.small))
    # The closing sentence never leaves the signatures alone on a page.
    story.append(KeepTogether([para(doc.closing, st.body), Spacer(1, 6), _signatures(doc)]))
    write_pdf(path, story, title=doc.title, subject=doc.subtitle)
    return path


def _title_block(title: str, lines: list[str]) -> list[Flowable]:
    st = styles()
    return [para(title, st.title), *[para(line, st.center) for line in lines], Spacer(1, 8)]


def _widths(cm_widths: tuple[float, ...]) -> list[float]:
    scale = TEXT_WIDTH / (sum(cm_widths) * cm)
    return [w * cm * scale for w in cm_widths]


def record_inventory_pdf(doc: RecordInventory, path: Path) -> Path:
    """Write the "Mục lục hồ sơ, tài liệu nộp lưu" to ``path``."""
    rows = [[str(r.seq), r.file_number, r.title, r.period, r.retention, r.sheets_pages, r.note] for r in doc.rows]
    story = _title_block(doc.title, doc.heading_lines)
    story += [data_table(doc.columns, rows, _widths(INVENTORY_WIDTHS)), Spacer(1, 8)]
    story.append(Paragraph(f"<b>{escape(doc.total_line)}</b>", styles().plain))
    write_pdf(path, story, title=doc.title)
    return path


def document_inventory_pdf(doc: DocumentInventory, path: Path) -> Path:
    """Write the "Mục lục văn bản, tài liệu trong hồ sơ" of every record to ``path``, a record at a time."""
    write_pdf(path, _document_story(doc), title=doc.title)
    return path


def _document_story(doc: DocumentInventory) -> Iterator[Flowable]:
    """The title, then each record's heading, grid and total as the layout reaches it, then the total."""
    st = styles()
    yield from _title_block(doc.title, doc.heading_lines)
    for record in doc.records:
        rows = [
            [str(r.seq), r.number_symbol, r.date, r.type_and_subject, r.author, r.pages, r.note] for r in record.rows
        ]
        yield para(f"<b>{escape(record.heading)}</b>", st.plain, markup=True)
        if rows:
            yield data_table(doc.columns, rows, _widths(DOCUMENT_WIDTHS))
        yield from (para(record.total_line, st.small), Spacer(1, 8))
    yield para(f"<b>{escape(doc.total_line)}</b>", st.plain, markup=True)


def secret_list_pdf(doc: SecretList, path: Path) -> Path:
    """Write the list of documents stamped with a secrecy level to ``path``."""
    st = styles()
    rows = [
        [
            str(r.seq),
            f"{r.file_code} / {r.ordinal}",
            r.number_symbol,
            r.date,
            r.type_and_subject,
            r.level,
        ]
        for r in doc.rows
    ]
    story = _title_block(doc.title, doc.heading_lines)
    if rows:
        story.append(data_table(doc.columns, rows, _widths(SECRET_WIDTHS)))
    story += [Spacer(1, 8), para(f"<b>{escape(doc.total_line)}</b>", st.plain, markup=True)]
    if doc.withheld_text:
        story.append(para(doc.withheld_text, st.small))
    write_pdf(path, story, title=doc.title)
    return path


def readiness_pdf(report: ReadinessReport, path: Path) -> Path:
    """Write the readiness report: heading, the summary table, then the rows of each check."""
    st = styles()
    story = _title_block(report.title, report.heading_lines)
    summary = [[str(n), s.title, str(s.count)] for n, s in enumerate(report.sections, start=1)]
    story.append(data_table(["STT", "Nội dung kiểm tra", "Số lượng"], summary, _widths((1.2, 12.6, 3.2))))
    story += [Spacer(1, 6), para(f"<b>{escape(report.summary_line)}</b>", st.plain, markup=True)]
    for n, section in enumerate(report.sections, start=1):
        story.append(para(f"<b>{n}. {escape(section.title)} ({section.count})</b>", st.plain, markup=True))
        if section.rows:
            widths = _widths(tuple(1.0 if i == 0 else 4.0 for i in range(len(section.columns))))
            story.append(data_table(section.columns, section.rows, widths))
        if section.more_text:
            story.append(para(section.more_text, st.small))
        story.append(Spacer(1, 8))
    write_pdf(path, story, title=report.title)
    return path
