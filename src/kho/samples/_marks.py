"""Ink marks drawn over the printed page: red stamps, a blue signature scribble, a red round seal.

Each mark is drawn as a coverage mask (supersampled for smooth edges), tinted, and *multiplied* onto
the page, so black text under the ink stays visible as on a real stamped document.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageChops, ImageDraw

from kho.samples._fonts import FontSet
from kho.samples._layout import RED, Seal, Signature, Stamp

__all__ = ["draw_seal", "draw_signature", "draw_stamp"]

BLUE = (28, 52, 158)
SEAL_RED = (214, 38, 44)
_SUPERSAMPLE = 2


def _multiply(page: Image.Image, mask: Image.Image, color: tuple[int, int, int], xy: tuple[int, int]) -> None:
    """Multiply ``color`` with coverage ``mask`` onto ``page`` at ``xy`` (clipped to the page)."""
    x, y = xy
    box = (max(x, 0), max(y, 0), min(x + mask.width, page.width), min(y + mask.height, page.height))
    if box[0] >= box[2] or box[1] >= box[3]:
        return
    mask = mask.crop((box[0] - x, box[1] - y, box[2] - x, box[3] - y))
    ink = Image.composite(Image.new("RGB", mask.size, color), Image.new("RGB", mask.size, "white"), mask)
    page.paste(ImageChops.multiply(page.crop(box), ink), box[:2])


def _ink_texture(mask: Image.Image, rng: random.Random, low: int = 150) -> Image.Image:
    """Make ink uneven: multiply the mask by a smooth random field in [low, 255]."""
    grid = Image.new("L", (9, 9))
    grid.putdata([rng.randint(low, 255) for _ in range(81)])
    field = grid.resize(mask.size, Image.Resampling.BICUBIC)
    return ImageChops.multiply(mask, field)


def draw_stamp(page: Image.Image, op: Stamp, scale: float, fonts: FontSet, rng: random.Random) -> None:
    """Draw a red boxed secrecy or urgency mark, tilted by up to 1.5 degrees."""
    w, h = round(op.w * scale), round(op.h * scale)
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    border = max(2, round(1.3 * scale))
    draw.rectangle((0, 0, w - 1, h - 1), outline=255, width=border)
    font = fonts.font("bold", op.size * scale)
    draw.text((w / 2, h / 2), op.text, font=font, fill=255, anchor="mm")
    mask = _ink_texture(mask, rng, low=190).rotate(
        rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, expand=True
    )
    _multiply(page, mask, RED, (round(op.x * scale), round(op.y * scale)))


def _catmull_rom(points: list[tuple[float, float]], steps: int = 10) -> list[tuple[float, float]]:
    """Smooth a polyline through its points (uniform Catmull-Rom spline)."""
    padded = [points[0], *points, points[-1]]
    out: list[tuple[float, float]] = []
    for i in range(1, len(padded) - 2):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = padded[i - 1 : i + 3]
        for step in range(steps):
            t = step / steps
            a, b, c = (2 * x0 - 5 * x1 + 4 * x2 - x3), (-x0 + 3 * x1 - 3 * x2 + x3), (-x0 + x2)
            x = 0.5 * (2 * x1 + c * t + a * t * t + b * t**3)
            a, b, c = (2 * y0 - 5 * y1 + 4 * y2 - y3), (-y0 + 3 * y1 - 3 * y2 + y3), (-y0 + y2)
            y = 0.5 * (2 * y1 + c * t + a * t * t + b * t**3)
            out.append((x, y))
    out.append(points[-1])
    return out


def _scribble_points(rng: random.Random, w: float, h: float) -> list[tuple[float, float]]:
    """A slanted cursive signature: a tall initial, a run of humps and loops, a flourish underneath."""
    u = rng.uniform
    ctrl = [(0.04, 0.72), (0.1, u(0.02, 0.12)), (0.09, u(0.8, 0.9)), (0.17, 0.5)]
    x = 0.2
    for i in range(rng.randint(6, 10)):
        x += u(0.045, 0.085)
        if rng.random() < 0.2:
            ctrl += [(x, u(0.05, 0.2)), (x - 0.02, 0.62)]  # ascender loop
        else:
            ctrl.append((x, u(0.35, 0.5) if i % 2 == 0 else u(0.6, 0.72)))
    end = min(x + 0.05, 0.86)
    ctrl += [(end, 0.45), (u(0.9, 0.97), u(0.3, 0.4)), (u(0.55, 0.7), u(0.8, 0.88)), (u(0.1, 0.2), u(0.86, 0.95))]
    slant = u(0.15, 0.3)
    pts = [(cx * w + (1 - cy) * h * slant, cy * h) for cx, cy in ctrl]
    return _catmull_rom(pts)


def draw_signature(page: Image.Image, op: Signature, scale: float, rng: random.Random) -> None:
    """Draw a blue pen signature inside the box."""
    ss = scale * _SUPERSAMPLE
    w, h = (op.x1 - op.x0) * ss, (op.y1 - op.y0) * ss
    mask = Image.new("L", (round(w), round(h)), 0)
    draw = ImageDraw.Draw(mask)
    width = max(2, round(1.1 * ss))
    draw.line(_scribble_points(rng, w, h), fill=255, width=width, joint="curve")
    mask = mask.resize((round(w / _SUPERSAMPLE), round(h / _SUPERSAMPLE)), Image.Resampling.LANCZOS)
    _multiply(page, _ink_texture(mask, rng, low=200), BLUE, (round(op.x0 * scale), round(op.y0 * scale)))


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _ring_text(mask: Image.Image, text: str, radius: float, size: float, fonts: FontSet) -> None:
    """Write ``text`` clockwise around the centre of ``mask``, centred on the top."""
    font = fonts.font("bold", size)
    cx, cy = mask.width / 2, mask.height / 2
    widths = [font.getlength(ch) + size * 0.08 for ch in text]
    span = min(sum(widths) / radius, math.radians(330))
    stretch = span / (sum(widths) / radius)
    angle = -span / 2
    cell = round(size * 2)
    for ch, w in zip(text, widths, strict=True):
        theta = angle + (w * stretch / 2) / radius
        angle += w * stretch / radius
        if ch == " ":
            continue
        glyph = Image.new("L", (cell, cell), 0)
        ImageDraw.Draw(glyph).text((cell / 2, cell / 2), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(theta), resample=Image.Resampling.BICUBIC)
        x = cx + radius * math.sin(theta) - cell / 2
        y = cy - radius * math.cos(theta) - cell / 2
        mask.paste(255, (round(x), round(y)), glyph)


def draw_seal(page: Image.Image, op: Seal, scale: float, fonts: FontSet, rng: random.Random) -> None:
    """Draw a round red seal: two rings, the organisation name around, a star in the middle."""
    ss = scale * _SUPERSAMPLE
    r = op.r * ss
    side = round(2 * r + 8 * ss)
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    c = side / 2
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=round(1.8 * ss))
    draw.ellipse((c - 0.92 * r, c - 0.92 * r, c + 0.92 * r, c + 0.92 * r), outline=255, width=round(0.5 * ss))
    inner = 0.62 * r
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=round(0.9 * ss))
    draw.polygon(_star(c, c, 0.42 * r), fill=255)
    size = 0.19 * r
    circumference = (0.77 * r) * math.radians(330)
    while fonts.font("bold", size).getlength(op.ring) * 1.1 > circumference and size > 0.09 * r:
        size *= 0.94
    _ring_text(mask, op.ring, 0.77 * r, size, fonts)
    mask = mask.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BICUBIC)
    mask = mask.resize((round(side / _SUPERSAMPLE),) * 2, Image.Resampling.LANCZOS)
    mask = _ink_texture(mask, rng, low=120).point(lambda v: min(255, int(v * 0.92)))
    half = mask.width / 2
    _multiply(page, mask, SEAL_RED, (round(op.cx * scale - half), round(op.cy * scale - half)))
