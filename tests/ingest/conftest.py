"""Digitization fixtures: generated sample scans and an OCR engine that records real Tesseract output once.

Recordings live in ``.cache/ocr-recordings`` (ignored by git) keyed by the input's SHA-256, so the
PostgreSQL run replays what the SQLite run recorded (style.md rule 26: real OCR, recorded for the fast path).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kho.samples import generate_corpus
from tests.conftest import RECORDINGS, REPO, recorded_ocr  # noqa: F401 - imported by other test modules


def tesseract_ready() -> bool:
    import subprocess

    if shutil.which("tesseract") is None:
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    return "vie" in langs.split()


needs_tesseract = pytest.mark.skipif(
    not tesseract_ready(), reason="tesseract-ocr-vie is not installed (make test installs it)"
)


@pytest.fixture(scope="session")
def corpus_50_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    """About 50 rendered pages, one folder per document, at 200 and 300 dpi (mild degradation)."""
    root = tmp_path_factory.mktemp("corpus50")
    docs, pages, seed = [], 0, 11
    while pages < 50:
        batch = generate_corpus(root / f"b{seed}", count=4, seed=seed, dpis=(200, 300))
        docs += batch
        pages += sum(len(d.files) for d in batch)
        seed += 1
    return root, docs
