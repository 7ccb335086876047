"""make_bad_files: each file really is bad in the way its name says."""

from __future__ import annotations

import struct

import pikepdf
import pytest
from PIL import Image, ImageStat, UnidentifiedImageError

from kho.samples import BAD_PDF_PASSWORD, a4_size, make_bad_files


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return make_bad_files(tmp_path_factory.mktemp("bad"))


def test_all_kinds_exist(bad):
    assert set(bad) == {"zero_byte", "truncated", "garbage", "encrypted_pdf", "bomb", "low_dpi", "greyscale", "blank"}
    assert all(path.exists() for path in bad.values())


def test_zero_byte_and_garbage_are_not_images(bad):
    assert bad["zero_byte"].stat().st_size == 0
    for kind in ("zero_byte", "garbage"):
        with pytest.raises(UnidentifiedImageError):
            Image.open(bad[kind])


def test_truncated_png_fails_to_decode(bad):
    with Image.open(bad["truncated"]) as img, pytest.raises(OSError):
        img.load()


def test_encrypted_pdf_needs_the_password(bad):
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(bad["encrypted_pdf"])
    with pikepdf.open(bad["encrypted_pdf"], password=BAD_PDF_PASSWORD) as pdf:
        assert pdf.is_encrypted
        assert len(pdf.pages) == 1


def test_bomb_declares_huge_size_in_a_small_file(bad):
    data = bad["bomb"].read_bytes()
    assert len(data) < 200_000
    width, height = struct.unpack(">II", data[16:24])  # IHDR, read without decoding
    assert (width, height) == (30000, 30000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(bad["bomb"])


def test_low_resolution_greyscale_and_blank(bad):
    with Image.open(bad["low_dpi"]) as img:
        assert tuple(round(v) for v in img.info["dpi"]) == (100, 100)
        assert img.size == a4_size(100)
    with Image.open(bad["greyscale"]) as img:
        assert img.mode == "L"
        assert tuple(round(v) for v in img.info["dpi"]) == (200, 200)
    with Image.open(bad["blank"]) as img:
        assert img.size == a4_size(200)
        grey = img.convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark / (grey.width * grey.height) < 0.001
        assert ImageStat.Stat(grey).mean[0] > 200
