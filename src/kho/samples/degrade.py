"""Scan degradations: pure functions image -> new image, deterministic given their ``rng``.

The ``mild`` profile reproduces the "noisy" test page of toolnotes §1 (blur 0.7 px, rotation up to
1.5°, grey paper, Gaussian noise σ = 18, dust specks), on which Tesseract ``vie`` still reads about
99 % of characters. Only Pillow is used (no NumPy); noise comes from ``random.Random.randbytes``.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterable

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from kho.samples._random import seeded

__all__ = [
    "DEGRADATIONS",
    "MILD",
    "PROFILES",
    "blur",
    "degrade",
    "dust",
    "gaussian_noise",
    "grey_paper",
    "jpeg_artifacts",
    "low_contrast",
    "rotate",
]

Degradation = Callable[[Image.Image, random.Random], Image.Image]
_REFERENCE_AREA = 2480 * 3508  # A4 at 300 dpi
_UNIFORM_SD = 255 / 12**0.5


def _keep_info(src: Image.Image, dst: Image.Image) -> Image.Image:
    """Carry the resolution over to the new image (Pillow drops ``info`` on most operations)."""
    if "dpi" in src.info:
        dst.info["dpi"] = src.info["dpi"]
    return dst


def _rgb(img: Image.Image) -> Image.Image:
    return img if img.mode == "RGB" else img.convert("RGB")


def grey_paper(img: Image.Image, rng: random.Random | None = None, tone: int = 236) -> Image.Image:
    """Tint white paper to a slightly uneven warm grey (``tone`` ± 6), multiplying the ink."""
    rng = rng or seeded(0)
    cells = []
    for _ in range(6 * 8):
        v = tone + rng.randint(-6, 6)
        cells.append((v, v - 3, v - 10))
    field = Image.new("RGB", (6, 8))
    field.putdata(cells)
    paper = field.resize(img.size, Image.Resampling.BICUBIC)
    return _keep_info(img, ImageChops.multiply(_rgb(img), paper))


def gaussian_noise(img: Image.Image, sigma: float = 18.0, rng: random.Random | None = None) -> Image.Image:
    """Add grey Gaussian noise of standard deviation ``sigma`` (mean of 4 uniforms, Irwin-Hall)."""
    rng = rng or seeded(0)
    w, h = img.size
    uniforms = [Image.frombytes("L", (w, h), rng.randbytes(w * h)) for _ in range(4)]
    mean = Image.blend(Image.blend(uniforms[0], uniforms[1], 0.5), Image.blend(uniforms[2], uniforms[3], 0.5), 0.5)
    gain = sigma / (_UNIFORM_SD / 2)
    noise = mean.point([max(0, min(255, round(128 + (v - 127.5) * gain))) for v in range(256)])
    rgb_noise = Image.merge("RGB", (noise, noise, noise))
    return _keep_info(img, ImageChops.add(_rgb(img), rgb_noise, scale=1.0, offset=-128))


def blur(img: Image.Image, radius: float = 0.7) -> Image.Image:
    """Gaussian blur of ``radius`` pixels (defocus, scanner optics)."""
    return _keep_info(img, img.filter(ImageFilter.GaussianBlur(radius)))


def rotate(img: Image.Image, deg: float) -> Image.Image:
    """Skew the page by ``deg`` degrees (counter-clockwise), same size, corners filled with paper."""
    corner = img.getpixel((2, 2))
    return _keep_info(img, img.rotate(deg, resample=Image.Resampling.BICUBIC, fillcolor=corner))


def dust(img: Image.Image, rng: random.Random | None = None, density: float = 1.0) -> Image.Image:
    """Scatter dark specks and a few hairs, about 60 specks per A4 page at ``density`` 1."""
    rng = rng or seeded(0)
    out = _rgb(img).copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    scale = (w * h / _REFERENCE_AREA) ** 0.5
    for _ in range(round(60 * density * scale**2)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.6, 3.5) * scale
        v = rng.randint(30, 120)
        draw.ellipse((x - r, y - r * rng.uniform(0.6, 1.4), x + r, y + r), fill=(v, v, v))
    for _ in range(round(4 * density * scale**2)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        points = [(x, y)]
        for _ in range(5):
            x, y = x + rng.uniform(-20, 20) * scale, y + rng.uniform(-20, 20) * scale
            points.append((x, y))
        v = rng.randint(60, 140)
        draw.line(points, fill=(v, v, v), width=max(1, round(scale)), joint="curve")
    return _keep_info(img, out)


def jpeg_artifacts(img: Image.Image, quality: int = 35) -> Image.Image:
    """Round-trip through JPEG at ``quality`` to add block and ringing artefacts."""
    buffer = io.BytesIO()
    _rgb(img).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        out = decoded.convert("RGB")
    return _keep_info(img, out)


def low_contrast(img: Image.Image, black: int = 70, white: int = 232) -> Image.Image:
    """Squeeze the tone range to [``black``, ``white``]: faded ink on a dull page."""
    lut = [round(black + v * (white - black) / 255) for v in range(256)]
    return _keep_info(img, _rgb(img).point(lut * 3))


DEGRADATIONS: dict[str, Degradation] = {
    "grey_paper": lambda img, rng: grey_paper(img, rng),
    "dust": lambda img, rng: dust(img, rng),
    "rotate": lambda img, rng: rotate(img, rng.uniform(-1.5, 1.5)),
    "blur": lambda img, rng: blur(img, 0.7),
    "gaussian_noise": lambda img, rng: gaussian_noise(img, 18.0, rng),
    "low_contrast": lambda img, rng: low_contrast(img),
    "jpeg_artifacts": lambda img, rng: jpeg_artifacts(img, rng.randint(25, 45)),
}
MILD: tuple[str, ...] = ("grey_paper", "dust", "rotate", "blur", "gaussian_noise")
PROFILES: dict[str, tuple[str, ...]] = {
    "none": (),
    "mild": MILD,
    "heavy": (*MILD, "low_contrast", "jpeg_artifacts"),
}


def degrade(img: Image.Image, names: Iterable[str], rng: random.Random) -> Image.Image:
    """Apply the named degradations in order.

    Args:
        img: The clean page.
        names: Keys of :data:`DEGRADATIONS`, e.g. :data:`MILD`.
        rng: Randomness for every step (same seed, same pixels).

    Returns:
        A new image (``img`` itself when ``names`` is empty), with the dpi kept.

    Raises:
        ValueError: an unknown degradation name.
    """
    steps = list(names)
    unknown = [n for n in steps if n not in DEGRADATIONS]
    if unknown:
        msg = f"unknown degradations {unknown}; known: {sorted(DEGRADATIONS)}"
        raise ValueError(msg)
    for name in steps:
        img = DEGRADATIONS[name](img, rng)
    return img
