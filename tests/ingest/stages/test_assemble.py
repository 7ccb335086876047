"""assemble_pdf(): lossless embedding, alpha flattening, multi-page TIFF, PDF pass-through."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from kho.ingest.stages import DocContext, assemble_pdf, identify

from .pagegen import make_page
from .test_identify import image_pdf


def page_images(pdf_path: Path) -> list[Image.Image]:
    """Decode the one image of every page (decoded while the PDF is open)."""
    with pikepdf.open(pdf_path) as pdf:
        return [pikepdf.PdfImage(next(iter(page.get_images().values()))).as_pil_image() for page in pdf.pages]


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.mode == b.mode and ImageChops.difference(a, b).getbbox() is None


def test_png_is_embedded_losslessly(scan: Callable[..., Path], ctx: DocContext) -> None:
    png = scan("p1.png", dpi=200)
    out = assemble_pdf(identify([png], ctx), ctx)
    assert out == ctx.work_path("assembled.pdf")
    [image] = page_images(out)
    with Image.open(png) as original:
        assert same_pixels(image, original.convert("RGB"))


def test_page_size_follows_dpi(scan: Callable[..., Path], ctx: DocContext) -> None:
    out = assemble_pdf(identify([scan("a4.png", dpi=200)], ctx), ctx)
    with pikepdf.open(out) as pdf:
        _, _, width, height = (float(v) for v in pdf.pages[0].mediabox)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)


def test_jpeg_bytes_are_kept_as_they_are(scan: Callable[..., Path], ctx: DocContext) -> None:
    jpeg = scan("p1.jpg", dpi=200)
    out = assemble_pdf(identify([jpeg], ctx), ctx)
    with pikepdf.open(out) as pdf:
        stream = next(iter(pdf.pages[0].get_images().values()))
        assert stream.Filter == pikepdf.Name.DCTDecode
        assert stream.read_raw_bytes() == jpeg.read_bytes()


def test_alpha_is_flattened_onto_white(tmp_path: Path, ctx: DocContext) -> None:
    rgba = make_page(200, size_mm=(60, 40)).convert("RGBA")
    rgba.putalpha(128)
    path = tmp_path / "alpha.png"
    rgba.save(path, dpi=(200, 200))
    out = assemble_pdf(identify([path], ctx), ctx)
    expected = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    [image] = page_images(out)
    assert same_pixels(image, expected)
    flattened = ctx.work_path("page-00001-flat.png")
    with Image.open(flattened) as flat:
        assert flat.info["dpi"] == pytest.approx((200, 200), abs=0.01)


def test_multipage_tiff_in_order_with_other_pages(scan: Callable[..., Path], tmp_path: Path, ctx: DocContext) -> None:
    frames = [make_page(200, lines=(f"Trang {n}",), size_mm=(80, 60)) for n in range(3)]
    tiff = tmp_path / "scan.tif"
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(200, 200), compression="tiff_lzw")
    last = scan("last.png", dpi=200, size_mm=(80, 60), lines=("Trang cuối",))
    out = assemble_pdf(identify([tiff, last], ctx), ctx)
    images = page_images(out)
    assert len(images) == 4
    for frame, image in zip(frames, images[:3], strict=True):
        assert same_pixels(image, frame)


def test_pdf_passes_through_unchanged(tmp_path: Path, ctx: DocContext) -> None:
    pdf = image_pdf(tmp_path / "scan.pdf")
    before = pdf.read_bytes()
    assert assemble_pdf(identify([pdf], ctx), ctx) == pdf
    assert pdf.read_bytes() == before
    assert not ctx.work_dir.exists() or not any(ctx.work_dir.iterdir())


def test_output_is_deterministic(scan: Callable[..., Path], tmp_path: Path) -> None:
    png = scan("p.png", dpi=200, size_mm=(50, 50))
    first = DocContext(tmp_path / "w1")
    second = DocContext(tmp_path / "w2")
    a = assemble_pdf(identify([png], first), first)
    b = assemble_pdf(identify([png], second), second)
    assert a.read_bytes() == b.read_bytes()
