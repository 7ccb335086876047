"""An OCR engine that replays recorded results, for fast tests (style guide rule 26).

In the spirit of OCRmyPDF's ``tests/plugins/tesseract_cache.py``: a real engine runs once per input
and its output files (a genuine PDF/A-2b and its sidecar text) are stored under a key made of the
input's SHA-256 and the OCR settings. Later calls with the same input copy the stored files, so a
test gets real engine output in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kho.ingest.engines.base import OcrEngine, sidecar_path
from kho.ingest.stages.errors import OcrRecordingMissingError

__all__ = ["RecordedOcrEngine"]

_CHUNK = 1024 * 1024
_PDF_NAME = "out.pdf"


@dataclass(frozen=True, slots=True)
class RecordedOcrEngine:
    """Replay OCR results from ``cache_dir``; record missing ones with ``recorder`` if given.

    The ``timeout`` argument is ignored on replay. Recording is atomic (a temporary directory is
    renamed into place), so concurrent test workers may share one cache directory.

    Attributes:
        cache_dir: Directory of recordings, one sub-directory per key.
        recorder: The real engine used on a cache miss; None makes a miss an error.
    """

    cache_dir: Path
    recorder: OcrEngine | None = None

    def key(self, src: Path, *, language: str, deskew: bool, rotate_pages: bool) -> str:
        """Return the recording key: SHA-256 over the input bytes and the OCR settings."""
        digest = hashlib.sha256()
        with src.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
        settings = {"language": language, "deskew": deskew, "rotate_pages": rotate_pages}
        digest.update(json.dumps(settings, sort_keys=True).encode())
        return digest.hexdigest()

    def ocr_pdf(
        self,
        src: Path,
        dst: Path,
        *,
        language: str,
        deskew: bool,
        rotate_pages: bool,
        timeout: float,
    ) -> None:
        """Copy the recorded output for ``src`` to ``dst`` and its sidecar (see ``OcrEngine``).

        Raises:
            OcrRecordingMissingError: No recording exists and there is no recorder.
            DigitizeError: Whatever the recorder raises while recording.
        """
        key = self.key(src, language=language, deskew=deskew, rotate_pages=rotate_pages)
        entry = self.cache_dir / key
        if not (entry / _PDF_NAME).is_file():
            if self.recorder is None:
                raise OcrRecordingMissingError(key=key, cache=str(self.cache_dir))
            self._record(src, entry, language=language, deskew=deskew, rotate_pages=rotate_pages, timeout=timeout)
        recorded = entry / _PDF_NAME
        shutil.copyfile(recorded, dst)
        shutil.copyfile(sidecar_path(recorded), sidecar_path(dst))

    def _record(
        self,
        src: Path,
        entry: Path,
        *,
        language: str,
        deskew: bool,
        rotate_pages: bool,
        timeout: float,
    ) -> None:
        assert self.recorder is not None  # noqa: S101 - checked by the caller
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".recording-", dir=self.cache_dir))
        try:
            self.recorder.ocr_pdf(
                src,
                staging / _PDF_NAME,
                language=language,
                deskew=deskew,
                rotate_pages=rotate_pages,
                timeout=timeout,
            )
            try:
                staging.rename(entry)
            except OSError:
                if not (entry / _PDF_NAME).is_file():  # not just a concurrent recording of the same key
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
