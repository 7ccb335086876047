"""Rendered pages: A4 at the requested dpi, deterministic pixels, ink marks present, font discovery."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from PIL import Image

from kho.samples import DocumentSpec, FontNotFoundError, a4_size, random_spec, render_pages
from kho.samples._fonts import _draws_vietnamese, find_fonts


def _digest(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


def _count(img: Image.Image, predicate) -> int:
    small = img.resize((img.width // 4, img.height // 4), Image.Resampling.BOX)
    return sum(1 for px in small.get_flattened_data() if predicate(px))


@pytest.fixture(scope="module")
def spec() -> DocumentSpec:
    return random_spec(random.Random(7))


@pytest.mark.parametrize(("dpi", "size"), [(200, (1654, 2339)), (300, (2480, 3508))])
def test_pages_are_a4_rgb_with_dpi(spec, dpi, size):
    pages = render_pages(spec, dpi)
    assert len(pages) == spec.pages
    assert a4_size(dpi) == size
    for page in pages:
        assert page.mode == "RGB"
        assert page.size == size
        assert page.info["dpi"] == (dpi, dpi)


def test_same_spec_gives_same_pixels(spec):
    first = [_digest(p) for p in render_pages(spec, 200)]
    second = [_digest(p) for p in render_pages(spec, 200)]
    assert first == second
    other = [_digest(p) for p in render_pages(spec, 200, rng=random.Random(99))]
    assert other[-1] != first[-1]  # the signature and seal come from the rng


def test_ink_marks_are_drawn():
    spec = next(
        s for s in (random_spec(random.Random(i)) for i in range(200)) if s.classification and s.urgency is None
    )
    first, last = render_pages(spec, 200)[0], render_pages(spec, 200)[-1]
    is_red = lambda px: px[0] > 150 and px[1] < 120 and px[2] < 120  # noqa: E731
    is_blue = lambda px: px[2] > 120 and px[0] < 100  # noqa: E731
    is_black = lambda px: max(px) < 90  # noqa: E731
    assert _count(first, is_red) > 50  # secrecy stamp under the number
    assert _count(last, is_red) > 150  # the seal
    assert _count(last, is_blue) > 20  # the signature
    assert _count(first, is_black) > 2000  # text


def test_rejects_bad_dpi(spec):
    with pytest.raises(ValueError, match="dpi"):
        render_pages(spec, 0)


def test_missing_fonts_name_the_debian_package(tmp_path):
    with pytest.raises(FontNotFoundError, match="fonts-noto-core"):
        find_fonts((tmp_path,))


def test_chosen_family_draws_vietnamese(fonts):
    assert all(_draws_vietnamese(path) for style, path in fonts.paths.items() if style in ("regular", "bold"))


def test_fonts_without_vietnamese_are_skipped(fonts):
    legacy = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
    if not legacy.exists() or _draws_vietnamese(legacy):
        pytest.skip("Liberation Serif 1.x (no Vietnamese glyphs) is not installed, nothing to fall back from")
    assert legacy not in fonts.paths.values()
