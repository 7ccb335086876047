"""check_images(): resolution, colour depth, blank pages, skew and page count findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import img2pdf
import pytest
from PIL import Image, ImageChops, ImageFilter

from kho.ingest.stages import DigitizeOptions, DocContext, Finding, check_images, identify
from kho.ingest.stages.qc import estimate_skew

from .pagegen import make_page


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def run_qc(paths: list[Path], ctx: DocContext) -> list[Finding]:
    return check_images(identify(paths, ctx), ctx)


def test_clean_colour_page_has_no_findings(scan: Callable[..., Path], ctx: DocContext) -> None:
    assert run_qc([scan("ok.png", dpi=300)], ctx) == []


def test_low_resolution_is_an_error(scan: Callable[..., Path], ctx: DocContext) -> None:
    findings = run_qc([scan("low.png", dpi=150)], ctx)
    assert codes(findings) == ["resolution_too_low"]
    assert findings[0].severity == "error"
    assert findings[0].params == {"page": 1, "dpi": 150, "min_dpi": 200}
    assert "150 dpi" in findings[0].render()


def test_missing_resolution_is_a_warning(scan: Callable[..., Path], ctx: DocContext) -> None:
    findings = run_qc([scan("nodpi.png", dpi=None)], ctx)
    assert codes(findings) == ["resolution_unknown"]
    assert findings[0].severity == "warning"


@pytest.mark.parametrize(("mode", "kind"), [("L", "greyscale"), ("1", "bilevel"), ("P", "palette")])
def test_not_colour(scan: Callable[..., Path], ctx: DocContext, mode: str, kind: str) -> None:
    findings = run_qc([scan(f"{mode}.png", mode=mode)], ctx)
    assert codes(findings) == ["not_colour"]
    assert findings[0].params["kind"] == kind


def test_greyscale_allowed_when_colour_not_required(scan: Callable[..., Path], tmp_path: Path) -> None:
    lax = DocContext(tmp_path / "w", DigitizeOptions(require_colour=False))
    assert run_qc([scan("grey.png", mode="L")], lax) == []


def test_blank_page(scan: Callable[..., Path], ctx: DocContext) -> None:
    findings = run_qc([scan("text.png"), scan("blank.png", blank=True)], ctx)
    assert codes(findings) == ["blank_page"]
    assert findings[0].page == 2


def test_noisy_blank_page_is_blank_and_one_line_is_not(tmp_path: Path, ctx: DocContext) -> None:
    def noisy(image: Image.Image) -> Image.Image:
        noise = Image.effect_noise(image.size, 18).convert("RGB")
        return ImageChops.add(image, noise, 1, -128).filter(ImageFilter.GaussianBlur(0.7))

    blank, short = tmp_path / "blank.jpg", tmp_path / "short.jpg"
    noisy(make_page(200, blank=True)).save(blank, dpi=(200, 200), quality=90)
    noisy(make_page(200, lines=("Trang 2",))).save(short, dpi=(200, 200), quality=90)
    findings = run_qc([blank, short], ctx)
    assert [(f.code, f.page) for f in findings] == [("blank_page", 1)]


def test_skew_of_three_degrees(scan: Callable[..., Path], ctx: DocContext) -> None:
    findings = run_qc([scan("skewed.png", rotate=3)], ctx)
    assert codes(findings) == ["skewed"]
    assert findings[0].params["degrees"] == pytest.approx(3.0, abs=0.3)


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.0, 0.7, 2.0])
def test_skew_estimate_accuracy(angle: float) -> None:
    page = make_page(200, rotate=angle).convert("L")
    page = page.reduce(2)
    assert estimate_skew(page) == pytest.approx(angle, abs=0.25)


def test_small_skew_is_tolerated(scan: Callable[..., Path], ctx: DocContext) -> None:
    assert run_qc([scan("slight.png", rotate=0.5)], ctx) == []


def test_expected_sheets_mismatch(scan: Callable[..., Path], tmp_path: Path) -> None:
    counted = DocContext(tmp_path / "w", DigitizeOptions(expected_sheets=3))
    findings = run_qc([scan("p1.png"), scan("p2.png")], counted)
    assert codes(findings) == ["page_count_mismatch"]
    assert findings[0].severity == "warning"
    assert findings[0].page is None
    assert findings[0].params == {"pages": 2, "expected": 3}


def test_expected_sheets_match(scan: Callable[..., Path], tmp_path: Path) -> None:
    counted = DocContext(tmp_path / "w", DigitizeOptions(expected_sheets=2))
    assert run_qc([scan("p1.png"), scan("p2.png")], counted) == []


def test_pdf_page_resolution_from_image_and_page_size(tmp_path: Path, ctx: DocContext) -> None:
    # A 150 dpi JPEG scan placed on an A4 page: 150 dpi is derived from pixels / page inches.
    jpeg = tmp_path / "p.jpg"
    make_page(150).save(jpeg, dpi=(150, 150), quality=90)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(img2pdf.convert(str(jpeg)))
    findings = run_qc([pdf], ctx)
    assert codes(findings) == ["resolution_too_low"]
    assert findings[0].params["dpi"] == 150


def test_multipage_tiff_frames_are_checked(tmp_path: Path, ctx: DocContext) -> None:
    frames = [make_page(300), make_page(300, blank=True), make_page(300).convert("L")]
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300), compression="tiff_lzw")
    assert [(f.code, f.page) for f in run_qc([path], ctx)] == [("blank_page", 2), ("not_colour", 3)]
