"""OCR engines: the :class:`OcrEngine` protocol and its implementations. No Django import here.

``OcrmypdfEngine`` (the built-in engine) lives in :mod:`kho.ingest.engines.ocrmypdf_engine` and
``RecordedOcrEngine`` (replay for tests) in :mod:`kho.ingest.engines.recorded`; import them from
there, so that importing this package does not load OCRmyPDF.
"""

from __future__ import annotations

from kho.ingest.engines.base import OcrEngine, sidecar_path

__all__ = ["OcrEngine", "sidecar_path"]
