"""Fixtures for the digitization stage tests: synthetic scans, work dirs, OCR availability, corpora."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kho.ingest.engines.recorded import RecordedOcrEngine
from kho.ingest.stages.context import DigitizeOptions, DocContext

from .pagegen import make_page, save_page

SHARED = Path(__file__).resolve().parents[4] / "shared" / "testdata"
CORPUS = SHARED / "verapdf-corpus"
SCANS = SHARED / "vn-admin-scans"


def _tesseract_problem() -> str | None:
    """Why real OCR cannot run here, or None when tesseract and the vie language are installed."""
    if shutil.which("tesseract") is None:
        return "tesseract is not installed (apt-get install tesseract-ocr)"
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    if "vie" not in languages.stdout.split():
        return "the Vietnamese language data is missing (apt-get install tesseract-ocr-vie)"
    if shutil.which("gs") is None:
        return "ghostscript is not installed (apt-get install ghostscript)"
    return None


TESSERACT_PROBLEM = _tesseract_problem()
needs_tesseract = pytest.mark.skipif(TESSERACT_PROBLEM is not None, reason=TESSERACT_PROBLEM or "")


@pytest.fixture
def ctx(tmp_path: Path) -> DocContext:
    """A document context with default options and a fresh work dir."""
    return DocContext(tmp_path / "work", DigitizeOptions())


@pytest.fixture
def scan(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``scan("p1.png", dpi=300, mode="RGB", ...)`` writes a synthetic page, returns its path."""

    def make(name: str, dpi: int | None = 300, **kwargs: object) -> Path:
        inputs = tmp_path / "in"
        inputs.mkdir(exist_ok=True)
        image = make_page(dpi or 300, **kwargs)  # type: ignore[arg-type]
        return save_page(image, inputs / name, dpi)

    return make


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The veraPDF corpus, extracted once per session."""
    archive = CORPUS / "verapdf-corpus-pdfa-1b-2b-2u-3b.tar.xz"
    if not archive.exists():
        pytest.skip(f"veraPDF corpus not found at {archive}")
    target = tmp_path_factory.mktemp("verapdf")
    with tarfile.open(archive) as tar:
        # Python 3.11.2 has no extraction filters: accept only plain files and dirs inside target.
        members = [
            m
            for m in tar.getmembers()
            if (m.isfile() or m.isdir()) and not m.name.startswith("/") and ".." not in Path(m.name).parts
        ]
        tar.extractall(target, members=members)  # noqa: S202 - members checked above
    return target


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory where recorded OCR results live for this session."""
    return tmp_path_factory.mktemp("ocr-recordings")


@pytest.fixture(scope="session")
def recorded_engine(ocr_cache: Path) -> RecordedOcrEngine:
    """A replaying engine that records with the real OCRmyPDF engine on first use (needs tesseract)."""
    if TESSERACT_PROBLEM is not None:
        pytest.skip(TESSERACT_PROBLEM)
    from kho.ingest.engines.ocrmypdf_engine import OcrmypdfEngine

    return RecordedOcrEngine(ocr_cache, recorder=OcrmypdfEngine())
