"""Text extraction from PDF pages with pypdfium2 (installed with ocrmypdf; no poppler subprocess)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium

from kho.core.text import nfc

__all__ = ["page_texts"]


def page_texts(path: Path) -> Iterator[str]:
    """Yield the extractable text of each page of a PDF, NFC-normalised, in page order.

    Args:
        path: A PDF file that pikepdf has already opened successfully (not encrypted).

    Yields:
        One string per page, lines separated by newlines; an empty string for a page without text.
    """
    doc = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
                yield nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()
