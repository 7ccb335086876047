"""Degradations: pure, deterministic, size- and dpi-preserving; the mild profile matches toolnotes."""

from __future__ import annotations

import hashlib
import random

import pytest
from PIL import Image, ImageStat

from kho.samples import DEGRADATIONS, MILD, PROFILES, degrade
from kho.samples.degrade import blur, gaussian_noise, grey_paper, low_contrast, rotate


def _page() -> Image.Image:
    img = Image.new("RGB", (400, 560), "white")
    img.paste((0, 0, 0), (60, 100, 340, 130))
    img.info["dpi"] = (200, 200)
    return img


def _digest(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(DEGRADATIONS))
def test_each_degradation_is_pure_and_deterministic(name):
    page = _page()
    before = _digest(page)
    first = DEGRADATIONS[name](page, random.Random(3))
    second = DEGRADATIONS[name](page, random.Random(3))
    assert _digest(page) == before  # input untouched
    assert first is not page
    assert _digest(first) == _digest(second)
    assert _digest(first) != before
    assert first.size == page.size
    assert first.mode == "RGB"
    assert first.info["dpi"] == (200, 200)


def test_noise_sigma_is_close_to_requested():
    grey = Image.new("RGB", (500, 500), (128, 128, 128))
    stddev = ImageStat.Stat(gaussian_noise(grey, 18.0, random.Random(1))).stddev
    assert all(15.5 < s < 20.5 for s in stddev)


def test_paper_blur_rotation_contrast():
    page = _page()
    assert 220 < ImageStat.Stat(grey_paper(page, random.Random(1)).crop((0, 0, 50, 50))).mean[0] < 250
    assert len(set(blur(page, 0.7).crop((60, 95, 340, 105)).get_flattened_data())) > 1
    assert _digest(rotate(page, 0.0)) == _digest(page)
    assert _digest(rotate(page, 1.5)) != _digest(page)
    low, high = low_contrast(page).getextrema()[0]
    assert (low, high) == (70, 232)


def test_profiles_and_unknown_names():
    assert PROFILES["mild"] == MILD == ("grey_paper", "dust", "rotate", "blur", "gaussian_noise")
    assert PROFILES["none"] == ()
    page = _page()
    assert degrade(page, (), random.Random(0)) is page
    with pytest.raises(ValueError, match="unknown degradations"):
        degrade(page, ["coffee_stain"], random.Random(0))


def test_mild_profile_is_deterministic():
    page = _page()
    assert _digest(degrade(page, MILD, random.Random(5))) == _digest(degrade(page, MILD, random.Random(5)))
    assert _digest(degrade(page, MILD, random.Random(5))) != _digest(degrade(page, MILD, random.Random(6)))
