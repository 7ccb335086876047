"""check_pdfa() on hand-made violations of a conforming PDF/A-2b file, and extract_text()."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from kho.ingest.stages import DocContext, assemble_pdf, check_pdfa, extract_text, identify, is_pdfa, validate_pdfa
from kho.ingest.stages.errors import PdfaNonConformingError

from .conftest import CORPUS, SCANS
from .pagegen import font_path

BASE = (
    CORPUS
    / "samples/PDF_A-2b/6.6 Metadata/6.6.4 Version and conformance level identification"
    / "veraPDF test suite 6-6-4-t01-pass-a.pdf"
)
VIETNAMESE = "Quyết định số 12/QĐ-TTg về việc lưu trữ hồ sơ Đảng"


def errors(path: Path, expect: str = "2B") -> set[str]:
    return {f.code for f in check_pdfa(path, expect=expect, require_text=False) if f.severity == "error"}


@pytest.fixture
def mutate(tmp_path: Path) -> Callable[..., Path]:
    """Copy the conforming base file through pikepdf, applying ``change(pdf)`` first."""
    if not BASE.exists():
        pytest.skip(f"veraPDF sample not found: {BASE}")

    def make(change: Callable[[pikepdf.Pdf], None], **save: object) -> Path:
        out = tmp_path / f"mutated-{len(list(tmp_path.iterdir()))}.pdf"
        with pikepdf.open(BASE) as pdf:
            change(pdf)
            pdf.save(out, **save)  # type: ignore[arg-type]
        return out

    return make


def add_text(pdf: pikepdf.Pdf, operators: bytes) -> None:
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page = pdf.pages[0]
    page.obj.Resources.Font = pikepdf.Dictionary(F1=pdf.make_indirect(font))
    page.contents_add(pdf.make_stream(b"BT /F1 12 Tf 72 72 Td " + operators + b" (text) Tj ET"))


def test_base_file_conforms() -> None:
    if not BASE.exists():
        pytest.skip("veraPDF sample missing")
    assert errors(BASE) == set()
    assert is_pdfa(BASE)


def test_resaving_keeps_conformance(mutate: Callable[..., Path]) -> None:
    assert errors(mutate(lambda pdf: None)) == set()


def test_encryption(mutate: Callable[..., Path]) -> None:
    locked = mutate(lambda pdf: None, encryption=pikepdf.Encryption(user="", owner="chủ sở hữu"))
    assert "encrypted" in errors(locked)
    password = mutate(lambda pdf: None, encryption=pikepdf.Encryption(user="mật", owner="chủ"))
    assert errors(password) == {"encrypted"}


def test_missing_identification(mutate: Callable[..., Path]) -> None:
    def drop_pdfaid(pdf: pikepdf.Pdf) -> None:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            del meta["pdfaid:part"]
            del meta["pdfaid:conformance"]

    assert errors(mutate(drop_pdfaid)) == {"pdfaid_missing"}


def test_level_mismatch(mutate: Callable[..., Path]) -> None:
    assert "pdfaid_level" in errors(mutate(lambda pdf: None), expect="1B")
    assert "pdfaid_level" in errors(mutate(lambda pdf: None), expect="2U")


def test_info_xmp_mismatch_is_an_error_for_1b_and_a_warning_for_2b(mutate: Callable[..., Path]) -> None:
    def producer(pdf: pikepdf.Pdf) -> None:
        pdf.docinfo["/Producer"] = "pyHanko 0.38.0"

    path = mutate(producer)
    findings = check_pdfa(path, require_text=False)
    assert [(f.code, f.severity) for f in findings] == [("info_xmp_mismatch", "warning")]
    assert "info_xmp_mismatch" in errors(path, expect="1B")


def test_javascript_action(mutate: Callable[..., Path]) -> None:
    def script(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))

    assert errors(mutate(script)) == {"forbidden_action"}


def test_launch_action_in_a_link(mutate: Callable[..., Path]) -> None:
    def launch(pdf: pikepdf.Pdf) -> None:
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[0, 0, 10, 10],
            F=4,
            A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))

    assert "forbidden_action" in errors(mutate(launch))


def test_visible_text_in_a_font_that_is_not_embedded(mutate: Callable[..., Path]) -> None:
    assert errors(mutate(lambda pdf: add_text(pdf, b"0 Tr"))) == {"font_not_embedded"}


def test_invisible_ocr_text_needs_no_embedded_font(mutate: Callable[..., Path]) -> None:
    assert errors(mutate(lambda pdf: add_text(pdf, b"3 Tr"))) == set()


def test_device_colour_without_output_intent(mutate: Callable[..., Path]) -> None:
    def strip(pdf: pikepdf.Pdf) -> None:
        del pdf.Root["/OutputIntents"]
        pdf.pages[0].contents_add(pdf.make_stream(b"1 0 0 rg 0 0 10 10 re f"))

    assert errors(mutate(strip)) == {"output_intent_missing"}


def test_unreadable_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    assert errors(junk) == {"header", "unreadable"}


def test_image_only_pdf_has_no_text_layer_and_no_pdfa(scan: Callable[..., Path], ctx: DocContext) -> None:
    pdf = assemble_pdf(identify([scan("p.png", dpi=200, size_mm=(80, 60))], ctx), ctx)
    findings = check_pdfa(pdf)
    codes = {f.code for f in findings if f.severity == "error"}
    assert {"text_layer_missing", "xmp_missing", "output_intent_missing"} <= codes
    with pytest.raises(PdfaNonConformingError) as info:
        validate_pdfa(pdf)
    assert info.value.params["details"] == findings


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_extract_text_is_nfc(tmp_path: Path, form: str) -> None:
    pdfmetrics.registerFont(TTFont("KhoSerif", str(font_path())))
    path = tmp_path / f"{form}.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("KhoSerif", 14)
    page.drawString(72, 700, unicodedata.normalize(form, VIETNAMESE))
    page.showPage()
    page.drawString(72, 700, "Trang 2")
    page.save()
    pages = extract_text(path).split("\f")
    assert pages[0].strip() == unicodedata.normalize("NFC", VIETNAMESE)
    assert pages[1].strip() == "Trang 2"


def test_real_scans_are_not_pdfa() -> None:
    if not (SCANS / "1.pdf").exists():
        pytest.skip("vn-admin-scans test data not found")
    assert not is_pdfa(SCANS / "1.pdf")
    assert not is_pdfa(SCANS / "2.pdf")
