"""The pure watermark: every page marked, text extractable, Vietnamese kept, rotations upright, bad input refused."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from kho.copies.exceptions import EncryptedPdfError, UnreadableImageError, UnreadablePdfError
from kho.copies.watermark import CopyMark, mark_font_paths, mark_image, mark_pdf
from tests.copies.conftest import pdf_text, text_pdf

MARK = CopyMark(
    organisation="Ủy ban nhân dân xã Thống Nhất",
    user="Nguyễn Văn Ảnh (nva)",
    when=dt.datetime(2026, 11, 21, 15, 20),
    level="TỐI MẬT",
    copy_no="12/2026",
)
FOOTER = "Bản sao số 12/2026 — Nguyễn Văn Ảnh (nva) — 21/11/2026 15:20 — TỐI MẬT"


def red_rows(image: Image.Image) -> list[int]:
    """The y of every strongly red pixel (the secrecy mark)."""
    rgb = image.convert("RGB")
    pixels = rgb.get_flattened_data() if hasattr(rgb, "get_flattened_data") else rgb.getdata()
    return [i // rgb.width for i, (r, g, b) in enumerate(pixels) if r > 150 and g < 90 and b < 90]


def render(data: bytes, index: int) -> Image.Image:
    pdf = pdfium.PdfDocument(data)
    try:
        return pdf[index].render(scale=1).to_pil()
    finally:
        pdf.close()


def test_every_page_carries_the_footer_level_and_organisation():
    marked = mark_pdf(text_pdf(3), MARK)
    texts = pdf_text(marked)
    assert len(texts) == 3
    for number, text in enumerate(texts, start=1):
        assert FOOTER in text and MARK.organisation in text and "TỐI MẬT" in text
        assert f"Body of page {number}" in text  # the page's own content is still there


def test_the_mark_is_extractable_with_pdftotext_and_uses_an_embedded_truetype_font(tmp_path):
    path = tmp_path / "marked.pdf"
    path.write_bytes(mark_pdf(text_pdf(1), MARK))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert FOOTER in text and MARK.organisation in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    mark_fonts = [line.split() for line in fonts.splitlines() if "NotoSerif" in line or "DejaVuSerif" in line]
    assert mark_fonts and all(cols[1] == "TrueType" and cols[-5:-2] == ["yes", "yes", "yes"] for cols in mark_fonts)


def test_vietnamese_is_kept_composed_even_from_decomposed_input():
    nfd = CopyMark(**{**{f: getattr(MARK, f) for f in MARK.__slots__}, "user": unicodedata.normalize("NFD", MARK.user)})
    assert nfd.footer == FOOTER
    text = pdf_text(mark_pdf(text_pdf(1), nfd))[0]
    assert "Nguyễn Văn Ảnh" in unicodedata.normalize("NFC", text)
    assert "Ủy ban nhân dân xã Thống Nhất" in unicodedata.normalize("NFC", text)


def test_the_font_has_every_vietnamese_letter():
    from fontTools.ttLib import TTFont

    regular, bold = mark_font_paths()
    letters = "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    for path in (regular, bold):
        cmap = TTFont(str(path)).getBestCmap()
        assert all(ord(ch) in cmap and ord(ch.upper()) in cmap for ch in letters), path


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_the_level_is_at_the_top_of_the_page_as_shown_whatever_its_rotation(rotate):
    marked = mark_pdf(text_pdf(1, rotations=(rotate,)), MARK)
    image = render(marked, 0)
    rows = red_rows(image)
    assert rows, "no red mark"
    assert max(rows) < image.height * 0.12  # red only near the top edge as displayed
    assert (image.width > image.height) == (rotate in (90, 270))


def test_pages_of_different_sizes_each_get_a_mark_that_fits():
    a4 = pikepdf.open(io.BytesIO(text_pdf(1)))
    a3 = pikepdf.open(io.BytesIO(text_pdf(1, size=(842, 1191))))
    a4.pages.extend(a3.pages)
    out = io.BytesIO()
    a4.save(out)
    marked = mark_pdf(out.getvalue(), MARK)
    assert all(FOOTER in text for text in pdf_text(marked))
    assert [round(render(marked, i).width) for i in (0, 1)] == [595, 842]


def test_the_source_is_not_changed(tmp_path):
    source = text_pdf(2)
    path = tmp_path / "master.pdf"
    path.write_bytes(source)
    assert FOOTER in pdf_text(mark_pdf(path, MARK))[1]
    assert path.read_bytes() == source
    with path.open("rb") as stream:
        assert FOOTER in pdf_text(mark_pdf(stream, MARK))[0]


@pytest.mark.parametrize(
    "data", [b"", b"not a pdf at all", b"%PDF-1.7\n" + b"\x00" * 50], ids=["empty", "text", "junk"]
)
def test_unreadable_input_is_refused_clearly(data):
    with pytest.raises(UnreadablePdfError) as info:
        mark_pdf(data, MARK)
    assert info.value.http_status == 422 and "kho fixity" in str(info.value)


def test_a_pdf_without_pages_is_refused():
    out = io.BytesIO()
    pikepdf.new().save(out)
    with pytest.raises(UnreadablePdfError, match="no pages"):
        mark_pdf(out.getvalue(), MARK)


@pytest.mark.parametrize("user_password", ["mo", ""], ids=["user-password", "owner-only"])
def test_an_encrypted_pdf_is_refused(user_password):
    pdf = pikepdf.open(io.BytesIO(text_pdf(1)))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="chu", user=user_password))
    with pytest.raises(EncryptedPdfError) as info:
        mark_pdf(out.getvalue(), MARK)
    assert info.value.code == "encrypted_pdf"


def test_a_missing_path_is_refused(tmp_path: Path):
    with pytest.raises(UnreadablePdfError):
        mark_pdf(tmp_path / "absent.pdf", MARK)


def test_page_images_carry_the_mark_in_red_at_the_top_and_the_footer_at_the_bottom():
    blank = io.BytesIO()
    Image.new("RGB", (1100, 1555), "white").save(blank, "JPEG")
    png = mark_image(blank.getvalue(), MARK)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1100, 1555)
    rows = red_rows(image)
    assert rows and max(rows) < image.height * 0.1
    bottom = image.convert("L").crop((0, int(image.height * 0.9), image.width, image.height))
    assert bottom.getextrema()[0] < 100  # dark footer text near the bottom
    jpeg = mark_image(blank.getvalue(), MARK, image_format="JPEG")
    assert Image.open(io.BytesIO(jpeg)).format == "JPEG"


def test_preview_marks_say_they_are_not_numbered_copies():
    preview = CopyMark(MARK.organisation, MARK.user, MARK.when, MARK.level, "")
    assert preview.footer.startswith("Bản xem trước — ") and "Bản sao số" not in preview.footer


@pytest.mark.parametrize("data", [b"", b"GIF89a broken", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20])
def test_unreadable_images_are_refused(data):
    with pytest.raises(UnreadableImageError):
        mark_image(data, MARK)
