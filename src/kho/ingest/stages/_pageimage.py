"""Load each page of a source document as a small greyscale sample for quality checks."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image

from kho.ingest.stages.errors import CorruptFileError
from kho.ingest.stages.identify import PageRef, SourceDocument, SourceFormat

__all__ = ["PageSample", "iter_samples", "to_grey"]

# Longest side of the analysis sample: enough for skew to ~0.1 degree and for blank detection.
SAMPLE_SIDE = 1000
_READ_ERRORS = (OSError, SyntaxError, ValueError, EOFError)
_MIN_CREDIBLE_DPI = 2.0


@dataclass(frozen=True, slots=True)
class PageSample:
    """What the quality checks need to know about one page.

    Attributes:
        page: 1-based page number.
        mode: Pillow mode of the stored page image ("RGB", "L", "1", "P" ...); "" if none.
        width: Stored image width in pixels (0 if none).
        height: Stored image height in pixels (0 if none).
        dpi: Resolution (the lower of both axes), None if unknown.
        grey: A greyscale sample at most ``SAMPLE_SIDE`` pixels long, None if not decodable.
        has_image: Whether the page has a raster image at all (PDF pages may not).
    """

    page: int
    mode: str
    width: int
    height: int
    dpi: float | None
    grey: Image.Image | None
    has_image: bool = True


def iter_samples(src: SourceDocument) -> Iterator[PageSample]:
    """Yield one sample per page of ``src``, in page order.

    Raises:
        CorruptFileError: An image file cannot be decoded.
    """
    if src.is_pdf:
        yield from _pdf_samples(src.files[0])
        return
    for number, ref in enumerate(src.pages, start=1):
        yield _image_sample(ref, number)


def to_grey(image: Image.Image) -> Image.Image:
    """Convert any Pillow image to mode "L", flattening transparency onto white paper."""
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    if image.mode.startswith("I;16") or image.mode in {"I", "F"}:
        # Pillow clips 16-bit values when converting to "L"; scale to 8 bits first.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("L")


def _shrink(image: Image.Image) -> Image.Image:
    factor = max(1, -(-max(image.size) // SAMPLE_SIDE))
    return image.reduce(factor) if factor > 1 else image


def _dpi_from_info(info: Mapping[Any, object]) -> float | None:
    dpi = info.get("dpi")
    if not isinstance(dpi, tuple) or len(dpi) != 2:
        return None
    low = float(min(dpi))
    return low if low >= _MIN_CREDIBLE_DPI else None


def _image_sample(ref: PageRef, number: int) -> PageSample:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # identify checked the size
            with Image.open(ref.path) as image:
                image.seek(ref.index)
                mode, size, dpi = image.mode, image.size, _dpi_from_info(image.info)
                if ref.format is SourceFormat.JPEG:
                    # Let libjpeg decode at 1/2..1/8 scale: much faster and smaller than full size.
                    scale = SAMPLE_SIDE / max(size)
                    image.draft("L", (int(size[0] * scale) + 1, int(size[1] * scale) + 1))
                grey = _shrink(to_grey(image))
    except _READ_ERRORS as exc:
        raise CorruptFileError(name=str(ref.path), format=ref.format.value.upper()) from exc
    return PageSample(number, mode, size[0], size[1], dpi, grey)


def _pdf_samples(path: Path) -> Iterator[PageSample]:
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            yield _pdf_page_sample(page, number)


def _pdf_page_sample(page: pikepdf.Page, number: int) -> PageSample:
    images = [obj for obj in page.get_images().values() if isinstance(obj, pikepdf.Stream)]
    if not images:
        return PageSample(number, "", 0, 0, None, None, has_image=False)
    stream = max(images, key=lambda obj: int(obj.get("/Width", 0)) * int(obj.get("/Height", 0)))
    width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    dpi = _pdf_dpi(page, width, height)
    try:
        pil = pikepdf.PdfImage(stream).as_pil_image()
    except (pikepdf.PdfError, NotImplementedError, *_READ_ERRORS):
        # JBIG2 or unusual colour spaces: resolution is still known, pixels are not analysed.
        return PageSample(number, "", width, height, dpi, None)
    return PageSample(number, pil.mode, width, height, dpi, _shrink(to_grey(pil)))


def _pdf_dpi(page: pikepdf.Page, width: int, height: int) -> float | None:
    """Resolution of the largest image, assuming that a scan fills the page."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    page_w, page_h = abs(x1 - x0) / 72, abs(y1 - y0) / 72
    if page_w <= 0 or page_h <= 0 or width <= 0 or height <= 0:
        return None
    if (width > height) != (page_w > page_h):
        page_w, page_h = page_h, page_w  # image placed turned by 90 degrees
    return min(width / page_w, height / page_h)
