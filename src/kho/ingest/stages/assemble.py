"""Stage 3: put the page images into one PDF without loss, ready for OCR.

img2pdf embeds JPEG data as it is and stores PNG/TIFF pixels with lossless compression, so the PDF
holds exactly the scanned pixels (toolnotes §2). The one exception is transparency, which img2pdf
refuses: such pages are flattened onto white paper and re-encoded losslessly as PNG first.
"""

from __future__ import annotations

import warnings
from itertools import groupby
from pathlib import Path

import img2pdf
from PIL import Image

from kho.ingest.stages.context import DocContext
from kho.ingest.stages.errors import AssemblyError
from kho.ingest.stages.identify import PageRef, SourceDocument

__all__ = ["ASSEMBLED_NAME", "assemble_pdf"]

ASSEMBLED_NAME = "assembled.pdf"
_IMG2PDF_ERRORS = (
    img2pdf.ImageOpenError,
    img2pdf.AlphaChannelError,
    img2pdf.JpegColorspaceError,
    img2pdf.UnsupportedColorspaceError,
    img2pdf.NegativeDimensionError,
    img2pdf.PdfTooLargeError,
    img2pdf.ExifOrientationError,
    OSError,
    ValueError,
)


def assemble_pdf(src: SourceDocument, ctx: DocContext) -> Path:
    """Combine the pages of ``src`` into one PDF, losslessly.

    A PDF source passes through unchanged: its own path is returned and nothing is written. Image
    pages are embedded by img2pdf in page order (all frames of a multi-page TIFF); pages with an
    alpha channel are first flattened onto white and saved as PNG in the work directory.

    Args:
        src: The identified document.
        ctx: The document context; output goes to ``ctx.work_path("assembled.pdf")``.

    Returns:
        The PDF to OCR.

    Raises:
        AssemblyError: img2pdf cannot embed a page image.
    """
    if src.is_pdf:
        return src.files[0]
    inputs: list[str] = []
    page_number = 0
    for path, group in groupby(src.pages, key=lambda ref: ref.path):
        refs = list(group)
        if _has_alpha(path):
            inputs.extend(str(_flatten(ref, page_number + offset + 1, ctx)) for offset, ref in enumerate(refs))
        else:
            inputs.append(str(path))  # img2pdf takes every frame of a multi-page TIFF itself
        page_number += len(refs)
    out = ctx.work_path(ASSEMBLED_NAME)
    try:
        with out.open("wb") as stream:
            # nodate: the same scans always give the same bytes (content addressing, OCR replay).
            img2pdf.convert(
                inputs,
                outputstream=stream,
                nodate=True,
                rotation=img2pdf.Rotation.ifvalid,
                engine=img2pdf.Engine.internal,
            )  # pikepdf would add a random /ID
    except _IMG2PDF_ERRORS as exc:
        out.unlink(missing_ok=True)
        raise AssemblyError(name=", ".join(inputs), format=type(exc).__name__) from exc
    return out


def _is_transparent(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)


def _has_alpha(path: Path) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # identify checked the size
        with Image.open(path) as image:
            for frame in range(int(getattr(image, "n_frames", 1))):
                image.seek(frame)
                if _is_transparent(image):
                    return True
    return False


def _flatten(ref: PageRef, page_number: int, ctx: DocContext) -> Path:
    """Composite one frame onto white paper and save it as a lossless PNG, keeping its dpi."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(ref.path) as image:
            image.seek(ref.index)
            dpi = image.info.get("dpi")
            if _is_transparent(image):
                grey = image.mode in {"LA"}
                rgba = image.convert("RGBA")
                paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                flat = Image.alpha_composite(paper, rgba).convert("L" if grey else "RGB")
            else:
                flat = image.copy()
    out = ctx.work_path(f"page-{page_number:05d}-flat.png")
    flat.save(out, format="PNG", **({"dpi": dpi} if dpi else {}))
    return out
