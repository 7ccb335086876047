"""Choose the OCR engine from settings (the Django edge of the ``OcrEngine`` extension point)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from kho.ingest.engines.base import OcrEngine


def get_engine() -> OcrEngine:
    """``ocrmypdf`` (Tesseract, the default) or ``recorded`` (replays ``KHO_OCR_RECORDINGS``, records misses)."""
    from kho.ingest.engines.ocrmypdf_engine import OcrmypdfEngine

    if settings.KHO_OCR_ENGINE == "recorded":
        from kho.ingest.engines.recorded import RecordedOcrEngine

        return RecordedOcrEngine(Path(settings.KHO_OCR_RECORDINGS), recorder=OcrmypdfEngine())
    return OcrmypdfEngine()
