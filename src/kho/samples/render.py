"""Render a :class:`DocumentSpec` to A4 page images, as a clean scan of the printed original.

The layout is computed in points (``_layout``) and rasterised here at any resolution; stamps, the
signature and the seal are multiplied on top (``_marks``). Degradation is a separate step (``degrade``).
"""

from __future__ import annotations

import random
import zlib

from PIL import Image, ImageDraw

from kho.samples._fonts import FontSet
from kho.samples._layout import PAGE_H, PAGE_W, Op, Rule, Seal, Signature, Stamp, Text, layout_document
from kho.samples._marks import draw_seal, draw_signature, draw_stamp
from kho.samples._random import seeded
from kho.samples.spec import DocumentSpec

__all__ = ["a4_size", "render_pages"]


def a4_size(dpi: int) -> tuple[int, int]:
    """Return the pixel size of an A4 page (210 × 297 mm) at ``dpi``: 2480 × 3508 at 300 dpi."""
    return round(PAGE_W / 72 * dpi), round(PAGE_H / 72 * dpi)


def _spec_rng(spec: DocumentSpec) -> random.Random:
    """Seed the ink marks from the spec itself, so rendering without an rng is deterministic."""
    return seeded(zlib.crc32(spec.to_json().encode("utf-8")))


def _draw_ops(page: Image.Image, ops: list[Op], scale: float, fonts: FontSet, rng: random.Random) -> None:
    """Draw text and rules first, then the ink marks in a fixed order (seal last, on top)."""
    draw = ImageDraw.Draw(page)
    for op in ops:
        if isinstance(op, Text):
            font = fonts.font(op.style, op.size * scale)
            draw.text((op.x * scale, op.y * scale), op.text, font=font, fill=op.color, anchor="ls")
        elif isinstance(op, Rule):
            width = max(1, round(op.width * scale))
            draw.line([(op.x0 * scale, op.y * scale), (op.x1 * scale, op.y * scale)], fill=(0, 0, 0), width=width)
    for op in ops:
        if isinstance(op, Stamp):
            draw_stamp(page, op, scale, fonts, rng)
    for op in ops:
        if isinstance(op, Signature):
            draw_signature(page, op, scale, rng)
    for op in ops:
        if isinstance(op, Seal):
            draw_seal(page, op, scale, fonts, rng)


def render_pages(
    spec: DocumentSpec,
    dpi: int = 300,
    rng: random.Random | None = None,
    fonts: FontSet | None = None,
) -> list[Image.Image]:
    """Draw every page of ``spec`` as an RGB A4 image.

    Args:
        spec: The document to draw.
        dpi: Resolution; 200 and 300 are the archive's scan resolutions (standards.md §1).
        rng: Randomness for the hand-made marks (signature shape, seal and stamp tilt); by default
            derived from ``spec`` so that the same spec always gives the same pixels.
        fonts: Font family; defaults to the first installed family with Vietnamese glyphs.

    Returns:
        One image per page, with ``info["dpi"] == (dpi, dpi)``.

    Raises:
        ValueError: ``dpi`` is not positive.
        FontNotFoundError: no usable font is installed.
    """
    if dpi <= 0:
        msg = f"dpi must be positive, not {dpi}"
        raise ValueError(msg)
    layout = layout_document(spec, fonts)
    rng = rng or _spec_rng(spec)
    scale = dpi / 72
    pages = []
    for page_layout in layout.pages:
        page = Image.new("RGB", a4_size(dpi), "white")
        _draw_ops(page, page_layout.ops, scale, layout.fonts, rng)
        page.info["dpi"] = (dpi, dpi)
        pages.append(page)
    return pages
