"""The lean inventory table of the handover PDFs: wrapping, page splits with the header repeated, text kept."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kho.handover._inventories import DOCUMENT_COLUMNS
from kho.handover.layout import _pdfkit, pdf
from kho.handover.layout._pdfgrid import PADDING, GridStyle, TextGrid, wrap_text
from kho.handover.layout._pdfkit import FONT, data_table, styles
from kho.handover.layout.model import DocumentInventory, DocumentRow, RecordDocuments

from .conftest import pdf_text

TITLE = "Về việc thành lập Ban chỉ đạo cải cách hành chính của Ủy ban nhân dân phường Hồng Gai"


@pytest.fixture
def font() -> str:
    styles()  # registers the embedded font (FontNotAvailableError names the package when it is missing)
    return FONT


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_wrap_text_fits_the_width_and_keeps_every_word(font: str, form: str) -> None:
    text = unicodedata.normalize(form, TITLE)
    lines = wrap_text(text, font, 10.5, 80)
    assert len(lines) > 2
    assert all(stringWidth(line, font, 10.5) <= 80 for line in lines)
    assert " ".join(lines) == text


def test_wrap_text_collapses_white_space_and_splits_long_words(font: str) -> None:
    assert wrap_text("  a \n\t b  ", font, 10.5, 200) == ["a b"]
    assert wrap_text("", font, 10.5, 200) == []
    long = "H49.64.33.2001.160.0000001/QĐ-UBND"
    lines = wrap_text(long, font, 10.5, 40)
    assert "".join(lines) == long
    assert len(lines) > 1
    assert all(stringWidth(line, font, 10.5) <= 40 for line in lines)


def _grid(rows: int, font: str) -> TextGrid:
    style = GridStyle(font, f"{font}-Bold", 10.5, 12.81)
    return TextGrid.from_text(["STT", "Tiêu đề"], [[str(n), f"Hồ sơ {n}"] for n in range(rows)], [40, 200], style)


def test_split_repeats_the_header_and_keeps_every_row(font: str) -> None:
    grid = _grid(50, font)
    width, height = grid.wrap(500, 10_000)
    assert width == 240
    assert height == pytest.approx(grid.head_height + 50 * (2 * PADDING + 12.81))
    first, rest = grid.split(500, 300)
    assert first.head == rest.head == grid.head
    assert first.wrap(500, 300)[1] <= 300
    assert first.rows + rest.rows == grid.rows
    assert grid.split(500, grid.head_height + 1) == []  # not even one row fits: next page
    assert _grid(0, font).wrap(500, 100)[1] == grid.head_height


def test_long_inventory_pdf_has_every_row_and_a_header_on_each_page(font: str, tmp_path: Path) -> None:
    rows = [
        DocumentRow(n, f"{n}/QĐ", "05/03/2001", f"Quyết định {TITLE} số {n}", "UBND", "1", "") for n in range(1, 301)
    ]
    inventory = DocumentInventory(
        title="MỤC LỤC VĂN BẢN, TÀI LIỆU TRONG HỒ SƠ",
        heading_lines=["Phông: thử"],
        columns=DOCUMENT_COLUMNS,
        records=[RecordDocuments("Hồ sơ số 1", rows, "Hồ sơ có 300 văn bản.")],
        total_line="Tổng số: 300 văn bản.",
    )
    path = pdf.document_inventory_pdf(inventory, tmp_path / "muc-luc.pdf")
    text = pdf_text(path)
    assert text.count("Tên loại và trích yếu") > 5  # the header on every page
    for n in (1, 150, 300):
        assert f"{n}/QĐ" in text
        assert f"số {n} " in text or text.endswith(f"số {n}")
    assert "Tổng số: 300 văn bản." in text


def test_data_table_uses_the_cell_style(font: str) -> None:
    table = data_table(["A"], [["x"]], [100])
    assert isinstance(table, TextGrid)
    assert table.style == GridStyle(FONT, f"{FONT}-Bold", styles().cell.fontSize, styles().cell.leading)


def test_pages_compressed_as_they_end_give_the_bytes_reportlab_gives_at_save(
    font: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_CompactCanvas`` (issue #5: finished pages not held uncompressed) must not change a byte."""
    rows = [DocumentRow(n, f"{n}/QĐ", "05/03/2001", f"{TITLE} {n}", "UBND", "1", "") for n in range(1, 121)]
    inventory = DocumentInventory(
        title="MỤC LỤC",
        heading_lines=[],
        columns=DOCUMENT_COLUMNS,
        records=[RecordDocuments(f"Hồ sơ số {k}", rows, "") for k in (1, 2)],
        total_line="",
    )
    compact = pdf.document_inventory_pdf(inventory, tmp_path / "compact.pdf").read_bytes()
    monkeypatch.setattr(_pdfkit, "_CompactCanvas", Canvas)
    plain = pdf.document_inventory_pdf(inventory, tmp_path / "plain.pdf").read_bytes()
    assert compact.count(b"/Type /Page\n") > 5 and compact == plain
