"""Real OCR of Vietnamese with Tesseract through OCRmyPDF (skipped when tesseract or vie is missing)."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from kho.ingest.engines.ocrmypdf_engine import OcrmypdfEngine
from kho.ingest.engines.recorded import RecordedOcrEngine
from kho.ingest.stages import (
    DigitizeOptions,
    DocContext,
    OcrResult,
    assemble_pdf,
    check_pdfa,
    extract_text,
    identify,
    ocr,
)
from kho.ingest.stages.errors import EncryptedPdfError, PriorTextError

from .conftest import SCANS, needs_tesseract
from .pagegen import BODY, HEADER_LEFT, HEADER_RIGHT, page_lines
from .test_identify import image_pdf, text_pdf
from .textmetrics import best_cer, cer

pytestmark = needs_tesseract

# Tesseract reads the two header columns either column by column or row by row.
READING_ORDERS = [
    "\n".join(page_lines()),
    "\n".join(
        [f"{a} {b}" for a, b in zip(HEADER_LEFT, HEADER_RIGHT, strict=False)] + list(HEADER_LEFT[2:]) + list(BODY)
    ),
]
# Calibrated on 4_1.jpg (576 x 960 px, no dpi): 0.119 measured here with deskew and rotate_pages
# (README: 0.110 with plain tesseract); 4_2.jpg gives 0.090. Margin for Tesseract point releases.
ADMIN_SCAN_MAX_CER = 0.15


def digitize(paths: list[Path], ctx: DocContext, engine: object) -> OcrResult:
    src = identify(paths, ctx)
    return ocr(assemble_pdf(src, ctx), ctx, engine)  # type: ignore[arg-type]


def pdftotext(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_recorded_engine_replays_a_real_pdfa(
    recorded_engine: RecordedOcrEngine, scan: Callable[..., Path], ctx: DocContext, tmp_path: Path
) -> None:
    page = scan("p1.png", dpi=300)
    first = digitize([page], ctx, recorded_engine)
    again_ctx = DocContext(tmp_path / "again")
    started = time.monotonic()
    second = digitize([page], again_ctx, recorded_engine)
    assert time.monotonic() - started < 2.0  # replayed, not OCRed again
    assert second.pdf.read_bytes() == first.pdf.read_bytes()
    assert [f for f in check_pdfa(second.pdf) if f.severity == "error"] == []
    with pikepdf.open(second.pdf) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    assert "Hà Nội" in second.text
    assert "Hà Nội" in extract_text(second.pdf)


@pytest.mark.slow
def test_vietnamese_page_at_300_dpi(scan: Callable[..., Path], ctx: DocContext) -> None:
    result = digitize([scan("p1.png", dpi=300)], ctx, OcrmypdfEngine())
    assert result.pages == 1
    assert [f.render() for f in check_pdfa(result.pdf) if f.severity == "error"] == []
    with pikepdf.open(result.pdf) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    assert best_cer(pdftotext(result.pdf), READING_ORDERS) < 0.05
    assert best_cer(result.text, READING_ORDERS) < 0.05
    assert best_cer(extract_text(result.pdf), READING_ORDERS) < 0.05


@pytest.mark.slow
def test_real_administrative_scan(ctx: DocContext) -> None:
    image, truth = SCANS / "4_1.jpg", SCANS / "4_1_gt.txt"
    if not image.exists():
        pytest.skip(f"{image} not found")
    result = digitize([image], ctx, OcrmypdfEngine())
    assert [f.render() for f in check_pdfa(result.pdf) if f.severity == "error"] == []
    assert cer(result.text, truth.read_text(encoding="utf-8")) < ADMIN_SCAN_MAX_CER
    assert "1906" in result.text


def test_engine_refuses_encrypted_pdf(tmp_path: Path) -> None:
    plain = image_pdf(tmp_path / "plain.pdf")
    with pikepdf.open(plain) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="mật", owner="chủ"))
    with pytest.raises(EncryptedPdfError):
        OcrmypdfEngine().ocr_pdf(
            tmp_path / "locked.pdf", tmp_path / "o.pdf", language="vie", deskew=True, rotate_pages=True, timeout=60
        )
    assert not (tmp_path / "o.pdf").exists()


def test_engine_refuses_pdf_with_text(tmp_path: Path) -> None:
    with pytest.raises(PriorTextError):
        OcrmypdfEngine().ocr_pdf(
            text_pdf(tmp_path / "digital.pdf"),
            tmp_path / "o.pdf",
            language="vie",
            deskew=False,
            rotate_pages=False,
            timeout=60,
        )


def _ocr_in_worker(src: Path, work: Path) -> str:
    ctx = DocContext(work)
    return ocr(src, ctx, OcrmypdfEngine()).text


@pytest.mark.slow
def test_engine_runs_in_a_spawned_worker_process(scan: Callable[..., Path], ctx: DocContext, tmp_path: Path) -> None:
    pdf = assemble_pdf(identify([scan("p.png", dpi=200, size_mm=(148, 105))], ctx), ctx)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        text = pool.submit(_ocr_in_worker, pdf, tmp_path / "worker").result(timeout=300)
    assert "Hà Nội" in text


@pytest.mark.slow
def test_scanned_pixels_survive_ocr_without_deskew(scan: Callable[..., Path], tmp_path: Path) -> None:
    ctx = DocContext(tmp_path / "w", DigitizeOptions(deskew=False))
    jpeg = scan("p.jpg", dpi=200, size_mm=(148, 105))
    result = digitize([jpeg], ctx, OcrmypdfEngine())
    with pikepdf.open(result.pdf) as pdf, Image.open(jpeg) as original:
        [stream] = pdf.pages[0].get_images().values()
        decoded = pikepdf.PdfImage(stream).as_pil_image()
        assert ImageChops.difference(decoded.convert("RGB"), original.convert("RGB")).getbbox() is None
