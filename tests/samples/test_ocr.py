"""Real Tesseract (``vie``) reads the number/symbol and the place-date line of a rendered 300 dpi page."""

from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest

from kho.core.text import clean
from kho.samples import random_spec, render_pages


def _tesseract_vie_missing() -> str | None:
    if shutil.which("tesseract") is None:
        return "the tesseract binary is not installed (apt-get install tesseract-ocr)"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=60)
    if "vie" not in (langs.stdout + langs.stderr).split():
        return "the Vietnamese model is not installed (apt-get install tesseract-ocr-vie)"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("system", ["state", "party"])
def test_tesseract_reads_number_and_place_date(tmp_path, system):
    reason = _tesseract_vie_missing()
    if reason:
        pytest.skip(reason)
    spec = random_spec(random.Random(2025), system=system)
    page = tmp_path / "page.png"
    render_pages(spec, 300)[0].save(page, dpi=(300, 300))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    result = subprocess.run(
        ["tesseract", str(page), "-", "-l", "vie"], capture_output=True, text=True, timeout=300, env=env, check=True
    )
    text = clean(result.stdout)
    assert spec.number_symbol in text.replace(" ", ""), text[:400]
    assert spec.place_date_line in text, text[:400]
