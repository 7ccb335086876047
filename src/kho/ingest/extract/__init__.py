"""Metadata extraction from the OCR text of Vietnamese Party and State administrative documents.

Pure Python (no Django): a pipeline stage calls :func:`extract_metadata` on the text of one document and gets
an :class:`ExtractedMetadata` with per-field confidences; fields below :data:`REVIEW_THRESHOLD` go to human
review. Layout rules follow standards.md §5 (State header per Decree 30/2020/NĐ-CP, Party header per
36-HD/VPTW). :func:`extract_references` gives details of the documents a text cites.
"""

from __future__ import annotations

from kho.ingest.extract._extract import extract_metadata
from kho.ingest.extract._model import CORE_FIELDS, REVIEW_THRESHOLD, ExtractedMetadata, QcFinding
from kho.ingest.extract._references import Reference, extract_references

__all__ = [
    "CORE_FIELDS",
    "REVIEW_THRESHOLD",
    "ExtractedMetadata",
    "QcFinding",
    "Reference",
    "extract_metadata",
    "extract_references",
]
