"""An OCR engine that never finishes in time, for the timeout test (must be importable by workers)."""

import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SlowEngine:
    def ocr_pdf(self, src: Path, dst: Path, *, language: str, deskew: bool, rotate_pages: bool, timeout: float) -> None:
        time.sleep(600)
