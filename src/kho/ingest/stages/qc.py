"""Stage 2: image quality checks against the scanning standard (standards.md §1 and §3).

Checks every page for resolution (>= ``min_dpi``), colour depth (>= 24-bit when ``require_colour``),
blank pages and skew, and the page count against the sheets the operator counted. Problems come back
as :class:`Finding` data; the runner decides what blocks. Nothing is written.
"""

from __future__ import annotations

from array import array

from PIL import Image, ImageFilter

from kho.core.text import N_
from kho.ingest.stages._pageimage import PageSample, iter_samples
from kho.ingest.stages.context import DigitizeOptions, DocContext, Finding
from kho.ingest.stages.identify import SourceDocument

__all__ = ["check_images", "estimate_skew", "ink_ratio"]

_BILEVEL = frozenset({"1"})
_PALETTE = frozenset({"P", "PA"})
_COLOUR = frozenset({"RGB", "RGBA", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"})
# Margins ignored by blank/skew analysis: scanner lids and page edges leave dark borders.
_MARGIN = 0.04
# A pixel is ink when it is this much darker than the paper (fraction of the paper's brightness).
_INK_CONTRAST = 0.35
# Skew search: coarse pass over +-_SKEW_RANGE in _SKEW_STEP, then a fine pass around the best angle.
_SKEW_RANGE = 8.0
_SKEW_STEP = 0.5
_SKEW_FINE_STEP = 0.1
_SKEW_SIDE = 600
# Skew is only estimated where there is enough ink to form lines.
_MIN_INK_FOR_SKEW = 0.002


def check_images(src: SourceDocument, ctx: DocContext) -> list[Finding]:
    """Check every page image of ``src`` against ``ctx.options``.

    Pages of a born-digital PDF without a raster image are skipped. Resolution of a PDF page is
    derived from its largest image and the page size (a scan fills its page).

    Args:
        src: The identified document.
        ctx: The document context.

    Returns:
        Every finding, in page order, then document-level findings.

    Raises:
        CorruptFileError: A page image cannot be decoded.
    """
    options = ctx.options
    findings: list[Finding] = []
    for sample in iter_samples(src):
        findings.extend(_check_page(sample, options, born_digital=src.born_digital))
    expected = options.expected_sheets
    if expected is not None and expected != src.page_count:
        findings.append(
            Finding(
                "warning",
                "page_count_mismatch",
                N_(
                    "The document has {pages} pages but {expected} sheets were counted. "
                    "Check for missing or double-fed pages (a sheet scanned on both sides gives 2 pages)."
                ),
                {"pages": src.page_count, "expected": expected},
            )
        )
    return findings


def _check_page(sample: PageSample, options: DigitizeOptions, *, born_digital: bool) -> list[Finding]:
    page = sample.page
    if not sample.has_image:
        if born_digital:
            return []
        message = N_("Page {page} has no scanned image. Check that the right file was scanned.")
        return [Finding("warning", "no_image", message, {"page": page}, page)]
    findings = _resolution_findings(sample, options) + _colour_findings(sample, options)
    if sample.grey is None:
        message = N_("Page {page} uses an image encoding that cannot be analysed; check it by eye.")
        findings.append(Finding("info", "page_not_analysed", message, {"page": page}, page))
        return findings
    ink = ink_ratio(sample.grey)
    if ink < options.blank_threshold:
        message = N_("Page {page} looks blank ({ink_percent}% ink). Remove it, or confirm it is a blank page.")
        params = {"page": page, "ink_percent": round(ink * 100, 3)}
        findings.append(Finding("warning", "blank_page", message, params, page))
    elif ink >= _MIN_INK_FOR_SKEW:
        skew = estimate_skew(sample.grey)
        if abs(skew) > options.max_skew_degrees:
            message = N_("Page {page} is skewed by about {degrees} degrees. Straighten the sheet and rescan.")
            params = {"page": page, "degrees": round(skew, 1), "limit": options.max_skew_degrees}
            findings.append(Finding("warning", "skewed", message, params, page))
    return findings


def _resolution_findings(sample: PageSample, options: DigitizeOptions) -> list[Finding]:
    page = sample.page
    if sample.dpi is None:
        message = N_(
            "Page {page} does not record its resolution, so {min_dpi} dpi cannot be verified. "
            "Set the resolution in the scanner software and rescan."
        )
        return [Finding("warning", "resolution_unknown", message, {"page": page, "min_dpi": options.min_dpi}, page)]
    dpi = round(sample.dpi)
    if dpi >= options.min_dpi:
        return []
    message = N_("Page {page} is scanned at {dpi} dpi, below the required {min_dpi} dpi. Rescan it.")
    params = {"page": page, "dpi": dpi, "min_dpi": options.min_dpi}
    return [Finding("error", "resolution_too_low", message, params, page)]


def _colour_findings(sample: PageSample, options: DigitizeOptions) -> list[Finding]:
    mode = sample.mode
    if not options.require_colour or not mode or mode in _COLOUR:
        return []
    if mode in _BILEVEL:
        kind, bits = "bilevel", 1
    elif mode in _PALETTE:
        kind, bits = "palette", 8
    else:
        kind, bits = "greyscale", 16 if mode.startswith("I;16") else 8
    message = N_(
        "Page {page} is a {kind} image ({bits}-bit); the standard requires colour of at least 24 bits. "
        "Rescan it in colour."
    )
    return [Finding("error", "not_colour", message, {"page": sample.page, "kind": kind, "bits": bits}, sample.page)]


def _inner(grey: Image.Image) -> Image.Image:
    width, height = grey.size
    dx, dy = int(width * _MARGIN), int(height * _MARGIN)
    return grey.crop((dx, dy, width - dx, height - dy)) if width > 2 * dx and height > 2 * dy else grey


def _ink_mask(grey: Image.Image) -> Image.Image:
    """Return a mode "L" mask of the inner page: 255 where there is ink, 0 on paper."""
    inner = _inner(grey).filter(ImageFilter.MedianFilter(3))  # drops isolated noise and dust
    histogram = inner.histogram()
    total = sum(histogram)
    running, paper = 0, 255
    for level, count in enumerate(histogram):
        running += count
        if running * 2 >= total:
            paper = level  # the median grey level is the paper
            break
    threshold = paper * (1 - _INK_CONTRAST)
    return inner.point(lambda value: 255 if value < threshold else 0)


def ink_ratio(grey: Image.Image) -> float:
    """Share of pixels (0..1) inside the margins that are clearly darker than the paper."""
    histogram = _ink_mask(grey).histogram()
    total = sum(histogram)
    return histogram[255] / total if total else 0.0


def estimate_skew(grey: Image.Image) -> float:
    """Estimate the skew of a text page by the projection-profile method.

    The ink mask is rotated over a range of angles; the angle whose row profile has the sharpest
    line/gap contrast is the one that makes the text lines horizontal.

    Args:
        grey: A greyscale page sample.

    Returns:
        The skew in degrees, positive when the content is turned counter-clockwise (as by
        Pillow's ``rotate(+angle)``); rotating the page by minus this value straightens it.
    """
    mask = _ink_mask(grey)
    factor = max(1, -(-max(mask.size) // _SKEW_SIDE))
    small = (mask.reduce(factor) if factor > 1 else mask).convert("F")
    steps = int(_SKEW_RANGE / _SKEW_STEP)
    coarse = max((_SKEW_STEP * i for i in range(-steps, steps + 1)), key=lambda a: _profile_score(small, a))
    fine = (coarse + _SKEW_FINE_STEP * i for i in range(-5, 6))
    best = max(fine, key=lambda a: _profile_score(small, a))
    return -best


def _profile_score(mask: Image.Image, angle: float) -> float:
    rotated = mask.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0.0)
    rows = array("f", rotated.resize((1, rotated.height), Image.Resampling.BOX).tobytes())  # mode "F": float32
    return float(sum((b - a) ** 2 for a, b in zip(rows, rows[1:], strict=False)))
