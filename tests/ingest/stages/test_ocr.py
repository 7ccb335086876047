"""ocr() stage and engines without real OCR: fakes, failure injection, error mapping, replay."""

from __future__ import annotations

import pickle
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from ocrmypdf import exceptions as ocr_exc

from kho.ingest.engines import OcrEngine, ocrmypdf_engine, sidecar_path
from kho.ingest.engines.ocrmypdf_engine import OcrmypdfEngine
from kho.ingest.engines.recorded import RecordedOcrEngine
from kho.ingest.stages import DigitizeOptions, DocContext, ocr
from kho.ingest.stages.errors import (
    CorruptFileError,
    DigitizeError,
    EncryptedPdfError,
    OcrEngineMissingError,
    OcrFailedError,
    OcrOutputInvalidError,
    OcrRecordingMissingError,
    OcrTimeoutError,
    PdfaConversionError,
    PriorTextError,
    SignedPdfError,
)

from .test_identify import image_pdf

TEXT_NFD = unicodedata.normalize("NFD", "Hà Nội, ngày 10 tháng 4 năm 2025\fTrang 2")


@dataclass
class FakeEngine:
    """Copies the input to the output and writes a fixed sidecar; records its calls."""

    text: str = TEXT_NFD
    extra_pages: int = 0
    write: bool = True
    raises: DigitizeError | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def ocr_pdf(self, src: Path, dst: Path, *, language: str, deskew: bool, rotate_pages: bool, timeout: float) -> None:
        self.calls.append({"language": language, "deskew": deskew, "rotate_pages": rotate_pages, "timeout": timeout})
        if self.raises is not None:
            raise self.raises
        if not self.write:
            return
        with pikepdf.open(src) as pdf:
            for _ in range(self.extra_pages):
                pdf.add_blank_page()
            pdf.save(dst)
        sidecar_path(dst).write_text(self.text, encoding="utf-8")


@pytest.fixture
def two_pages(tmp_path: Path) -> Path:
    return image_pdf(tmp_path / "two.pdf", pages=2)


def test_engines_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(OcrmypdfEngine(), OcrEngine)
    assert isinstance(RecordedOcrEngine(tmp_path), OcrEngine)
    assert isinstance(FakeEngine(), OcrEngine)


def test_result_text_is_nfc_and_settings_are_passed(two_pages: Path, tmp_path: Path) -> None:
    options = DigitizeOptions(timeout_seconds=30, deskew=False, ocr_language="vie+eng")
    ctx = DocContext(tmp_path / "w", options)
    engine = FakeEngine()
    result = ocr(two_pages, ctx, engine)
    assert result.pdf == ctx.work_path("ocr.pdf")
    assert result.pages == 2
    assert result.text == unicodedata.normalize("NFC", TEXT_NFD)
    assert engine.calls == [{"language": "vie+eng", "deskew": False, "rotate_pages": True, "timeout": 60}]


def test_wrong_page_count_is_refused(two_pages: Path, ctx: DocContext) -> None:
    with pytest.raises(OcrOutputInvalidError) as info:
        ocr(two_pages, ctx, FakeEngine(extra_pages=1))
    assert info.value.params["expected"] == 2
    assert info.value.params["actual"] == 3


def test_missing_output_is_refused(two_pages: Path, ctx: DocContext) -> None:
    with pytest.raises(OcrOutputInvalidError):
        ocr(two_pages, ctx, FakeEngine(write=False))


def test_engine_errors_propagate(two_pages: Path, ctx: DocContext) -> None:
    with pytest.raises(OcrTimeoutError):
        ocr(two_pages, ctx, FakeEngine(raises=OcrTimeoutError(seconds=1)))


def test_unreadable_input(tmp_path: Path, ctx: DocContext) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\nnothing\n")
    with pytest.raises(CorruptFileError):
        ocr(junk, ctx, FakeEngine())


class TestRecordedEngine:
    def test_miss_without_recorder(self, two_pages: Path, tmp_path: Path) -> None:
        engine = RecordedOcrEngine(tmp_path / "cache")
        with pytest.raises(OcrRecordingMissingError):
            engine.ocr_pdf(two_pages, tmp_path / "o.pdf", language="vie", deskew=True, rotate_pages=True, timeout=9)

    def test_records_once_then_replays(self, two_pages: Path, tmp_path: Path) -> None:
        recorder = FakeEngine()
        engine = RecordedOcrEngine(tmp_path / "cache", recorder=recorder)
        for n in range(3):
            out = tmp_path / f"out{n}.pdf"
            engine.ocr_pdf(two_pages, out, language="vie", deskew=True, rotate_pages=True, timeout=9)
            assert sidecar_path(out).read_text(encoding="utf-8") == TEXT_NFD
        assert len(recorder.calls) == 1
        replay_only = RecordedOcrEngine(tmp_path / "cache")
        replay_only.ocr_pdf(two_pages, tmp_path / "r.pdf", language="vie", deskew=True, rotate_pages=True, timeout=9)
        assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]

    def test_key_depends_on_content_and_settings(self, two_pages: Path, tmp_path: Path) -> None:
        engine = RecordedOcrEngine(tmp_path)
        key = engine.key(two_pages, language="vie", deskew=True, rotate_pages=True)
        assert key != engine.key(two_pages, language="vie", deskew=False, rotate_pages=True)
        copy = tmp_path / "copy.pdf"
        shutil.copyfile(two_pages, copy)
        assert key == engine.key(copy, language="vie", deskew=True, rotate_pages=True)

    def test_failed_recording_leaves_nothing(self, two_pages: Path, tmp_path: Path) -> None:
        engine = RecordedOcrEngine(tmp_path / "cache", recorder=FakeEngine(raises=OcrFailedError(reason="x")))
        with pytest.raises(OcrFailedError):
            engine.ocr_pdf(two_pages, tmp_path / "o.pdf", language="vie", deskew=True, rotate_pages=True, timeout=9)
        assert list((tmp_path / "cache").iterdir()) == []


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (ocr_exc.MissingDependencyError("tesseract"), OcrEngineMissingError),
        (ocr_exc.EncryptedPdfError(), EncryptedPdfError),
        (ocr_exc.DigitalSignatureError(), SignedPdfError),
        (ocr_exc.PriorOcrFoundError(), PriorTextError),
        (ocr_exc.TaggedPDFError(), PriorTextError),
        (ocr_exc.PdfaConversionFailedError(), PdfaConversionError),
        (ocr_exc.InputFileError(), CorruptFileError),
        (ocr_exc.SubprocessOutputError(), OcrFailedError),
        (ocr_exc.TesseractConfigError(), OcrFailedError),
    ],
)
def test_ocrmypdf_errors_are_mapped(
    raised: Exception, expected: type[DigitizeError], two_pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_ocr(src: Path, dst: Path, **kwargs: object) -> int:
        dst.write_bytes(b"partial")
        raise raised

    monkeypatch.setattr(ocrmypdf_engine.ocrmypdf, "ocr", fake_ocr)
    dst = tmp_path / "out.pdf"
    with pytest.raises(expected) as info:
        OcrmypdfEngine().ocr_pdf(two_pages, dst, language="vie", deskew=True, rotate_pages=True, timeout=60)
    assert info.value.__cause__ is raised
    assert not dst.exists()


def test_engine_sets_thread_limit_and_settings(
    two_pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def fake_ocr(src: Path, dst: Path, **kwargs: object) -> int:
        seen.update(kwargs, omp=ocrmypdf_engine.os.environ.get("OMP_THREAD_LIMIT"))
        shutil.copyfile(src, dst)
        Path(str(kwargs["sidecar"])).write_text("x", encoding="utf-8")
        return ocr_exc.ExitCode.ok

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    monkeypatch.setattr(ocrmypdf_engine.ocrmypdf, "ocr", fake_ocr)
    OcrmypdfEngine().ocr_pdf(two_pages, tmp_path / "o.pdf", language="vie", deskew=True, rotate_pages=False, timeout=60)
    assert seen["omp"] == "1"
    assert seen["language"] == ["vie"]
    assert (seen["output_type"], seen["jobs"], seen["progress_bar"]) == ("pdfa-2", 1, False)
    assert (seen["deskew"], seen["rotate_pages"]) == (True, False)
    assert seen["sidecar"] == tmp_path / "o.txt"


@pytest.mark.parametrize(
    ("code", "timeout", "expected"),
    [
        (ocr_exc.ExitCode.ok, 0.0, OcrTimeoutError),
        (ocr_exc.ExitCode.invalid_output_pdf, 60.0, PdfaConversionError),
        (ocr_exc.ExitCode.child_process_error, 60.0, OcrFailedError),
    ],
)
def test_engine_outcome_checks(
    code: int,
    timeout: float,
    expected: type[DigitizeError],
    two_pages: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake_ocr(src: Path, dst: Path, **kwargs: object) -> int:
        shutil.copyfile(src, dst)
        return code

    monkeypatch.setattr(ocrmypdf_engine.ocrmypdf, "ocr", fake_ocr)
    dst = tmp_path / "o.pdf"
    with pytest.raises(expected):
        OcrmypdfEngine().ocr_pdf(two_pages, dst, language="vie", deskew=True, rotate_pages=True, timeout=timeout)
    assert not dst.exists()


def test_engines_pickle(tmp_path: Path) -> None:
    for engine in (OcrmypdfEngine(), RecordedOcrEngine(tmp_path, recorder=OcrmypdfEngine())):
        assert pickle.loads(pickle.dumps(engine)) == engine  # noqa: S301 - our own bytes
