"""Page images of a PDF, rendered with pypdfium2 on demand and cached as files keyed by digest and page.

The cache lives in ``DATA_DIR/cache/thumbs/<ab>/<hex>-p<page>-w<width>.jpg``: the name carries the
content digest and numbers only, never a title. Pages of classified documents are rendered per request
and never written to the cache (standards.md §6: no secret content left on disk outside the store).
PDFium is not thread-safe, so every call into it holds one lock (``kho serve`` is threaded).
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import threading
from pathlib import Path

import pypdfium2 as pdfium
from django.conf import settings

from kho.core.exceptions import NotFoundError
from kho.storage.cas import parse_digest
from kho.storage.store import blob_path

__all__ = ["WIDTHS", "cache_path", "page_count", "thumbnail"]

WIDTHS = (240, 1100)  # list thumbnails, verification screen
JPEG_QUALITY = 80
_PDFIUM = threading.Lock()


def cache_path(digest: str, page: int, width: int) -> Path:
    """Where the image of ``page`` (1-based) at ``width`` pixels of the PDF ``digest`` is cached."""
    hexdigest = parse_digest(digest)
    return Path(settings.DATA_DIR) / "cache" / "thumbs" / hexdigest[:2] / f"{hexdigest}-p{page}-w{width}.jpg"


def page_count(digest: str) -> int:
    """Number of pages of the stored PDF ``digest``."""
    with blob_path(digest) as path, _PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def _render(path: Path, page: int, width: int) -> bytes:
    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= page <= len(pdf):
                raise NotFoundError()
            pdf_page = pdf[page - 1]
            points_wide = pdf_page.get_size()[0] or 595.0
            image = pdf_page.render(scale=width / points_wide).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".thumb-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise


def thumbnail(digest: str, page: int, width: int, *, cache: bool) -> bytes:
    """JPEG bytes of one page of the stored PDF ``digest``; ``NotFoundError`` for a page it lacks.

    Args:
        digest: the PDF's ``sha256:`` digest in the object store.
        page: 1-based page number.
        width: one of :data:`WIDTHS` (other widths are refused, so the cache stays bounded).
        cache: read and write the file cache (False for classified documents).
    """
    if width not in WIDTHS:
        raise NotFoundError()
    target = cache_path(digest, page, width)
    if cache and target.is_file():
        return target.read_bytes()
    with blob_path(digest) as path:
        data = _render(path, page, width)
    if cache:
        _write_atomically(target, data)
    return data
