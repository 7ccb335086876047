"""The pure stages of the digitization pipeline (style guide rules 3-5). No Django import here.

Each stage is a function ``stage(input, ctx) -> output`` that writes only to ``ctx.work_path(...)``.
The runner (``kho.ingest.runner``) calls them in this order, as a visible list, and is the only
code that saves results to the database:

1. :func:`identify` - detect the format by magic bytes, count pages, refuse bad input.
2. :func:`check_images` - resolution, colour depth, blank pages, skew, page count (findings).
3. :func:`assemble_pdf` - put the page images into one PDF losslessly (img2pdf).
4. :func:`ocr` - OCR through an :class:`~kho.ingest.engines.base.OcrEngine` into PDF/A-2b.
5. :func:`check_pdfa` - PDF/A-2b conformance and a text layer (findings).
6. :func:`extract_text` - the text layer, page by page, NFC.

Metadata extraction from the text (``kho.ingest.extract``) and storage happen elsewhere.
"""

from __future__ import annotations

from kho.ingest.stages.assemble import assemble_pdf
from kho.ingest.stages.context import DigitizeOptions, DocContext, Finding
from kho.ingest.stages.identify import PageRef, SourceDocument, SourceFormat, identify
from kho.ingest.stages.ocr import OcrResult, ocr
from kho.ingest.stages.pdfa import check_pdfa, extract_text, is_pdfa, validate_pdfa
from kho.ingest.stages.qc import check_images

__all__ = [
    "DigitizeOptions",
    "DocContext",
    "Finding",
    "OcrResult",
    "PageRef",
    "SourceDocument",
    "SourceFormat",
    "assemble_pdf",
    "check_images",
    "check_pdfa",
    "extract_text",
    "identify",
    "is_pdfa",
    "ocr",
    "validate_pdfa",
]
