"""Find a serif font family with Vietnamese glyphs and measure text in points.

Preference order: Times New Roman (if the MS core fonts are installed), Liberation Serif (Times
metrics), Noto Serif, DejaVu Serif. A family is used only if its regular and bold faces really draw
Vietnamese letters: Debian 12's ``fonts-liberation`` 1.07 maps ơ, ư, ộ … to the missing-glyph box, so
it is skipped in favour of ``fonts-liberation2`` or Noto Serif.

Measurements use the BASIC layout engine (no raqm) at a fixed 1000 px size, so line breaks and page
counts do not depend on the output resolution.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from kho.samples.exceptions import FontNotFoundError

__all__ = ["FONT_DIRS", "STYLES", "FontSet", "find_fonts"]

STYLES = ("regular", "bold", "italic", "bold_italic")
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)
_MEASURE_PX = 1000
_VIETNAMESE_PROBE = "ỘộỦủƠơƯưĐđỹẫẮắặễịọẻ"

# (family, Debian package, {style: file name}); italic faces fall back to the upright ones.
_FAMILIES: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "Times New Roman",
        "ttf-mscorefonts-installer",
        {"regular": "times.ttf", "bold": "timesbd.ttf", "italic": "timesi.ttf", "bold_italic": "timesbi.ttf"},
    ),
    (
        "Liberation Serif",
        "fonts-liberation2",
        {
            "regular": "LiberationSerif-Regular.ttf",
            "bold": "LiberationSerif-Bold.ttf",
            "italic": "LiberationSerif-Italic.ttf",
            "bold_italic": "LiberationSerif-BoldItalic.ttf",
        },
    ),
    (
        "Noto Serif",
        "fonts-noto-core",
        {
            "regular": "NotoSerif-Regular.ttf",
            "bold": "NotoSerif-Bold.ttf",
            "italic": "NotoSerif-Italic.ttf",
            "bold_italic": "NotoSerif-BoldItalic.ttf",
        },
    ),
    (
        "DejaVu Serif",
        "fonts-dejavu-core",
        {
            "regular": "DejaVuSerif.ttf",
            "bold": "DejaVuSerif-Bold.ttf",
            "italic": "DejaVuSerif-Italic.ttf",
            "bold_italic": "DejaVuSerif-BoldItalic.ttf",
        },
    ),
)


@functools.lru_cache(maxsize=256)
def load_font(path: Path, size_px: float) -> ImageFont.FreeTypeFont:
    """Return a cached FreeType font at ``size_px`` pixels using the BASIC layout engine."""
    return ImageFont.truetype(str(path), max(1.0, size_px), layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True, slots=True)
class FontSet:
    """One serif family: a path per style in ``STYLES``.

    Attributes:
        family: Human-readable family name, e.g. "Noto Serif".
        paths: Style name -> font file.
    """

    family: str
    paths: Mapping[str, Path]

    def font(self, style: str, size_px: float) -> ImageFont.FreeTypeFont:
        """Return the face for ``style`` at ``size_px`` pixels (rounded to 1/100 px for caching)."""
        return load_font(self.paths[style], round(size_px, 2))

    def width(self, text: str, style: str, size_pt: float) -> float:
        """Return the advance width of ``text`` in points at ``size_pt``."""
        return _advance(self.paths[style], text) * size_pt / _MEASURE_PX


@functools.lru_cache(maxsize=65536)
def _advance(path: Path, text: str) -> float:
    return float(load_font(path, _MEASURE_PX).getlength(text))


def _draws_vietnamese(path: Path) -> bool:
    """Return True if every probe letter has a real glyph (not the .notdef box)."""
    try:
        font = load_font(path, 40)
    except OSError:
        return False
    missing = bytes(font.getmask("\U0010fffd"))
    return all(bytes(font.getmask(ch)) != missing for ch in _VIETNAMESE_PROBE)


def _index(dirs: Iterable[Path]) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for root in dirs:
        if root.is_dir():
            for path in sorted(root.rglob("*.[tT][tT][fF]")):
                found.setdefault(path.name.lower(), []).append(path)
    return found


def _pick(index: Mapping[str, list[Path]], name: str) -> Path | None:
    for path in index.get(name.lower(), []):
        if _draws_vietnamese(path):
            return path
    return None


@functools.lru_cache(maxsize=8)
def find_fonts(dirs: tuple[Path, ...] = FONT_DIRS) -> FontSet:
    """Return the first serif family (by preference) whose faces draw Vietnamese.

    Args:
        dirs: Directories searched recursively for ``.ttf`` files.

    Returns:
        The chosen family; italic faces fall back to regular/bold when absent.

    Raises:
        FontNotFoundError: no usable family; the message names the Debian packages to install.
    """
    index = _index(dirs)
    for family, _package, files in _FAMILIES:
        regular, bold = _pick(index, files["regular"]), _pick(index, files["bold"])
        if regular is None or bold is None:
            continue
        italic = _pick(index, files["italic"]) or regular
        bold_italic = _pick(index, files["bold_italic"]) or bold
        paths = {"regular": regular, "bold": bold, "italic": italic, "bold_italic": bold_italic}
        return FontSet(family=family, paths=paths)
    packages = ", ".join(package for _family, package, _files in _FAMILIES[1:])
    searched = ", ".join(str(d) for d in dirs)
    msg = (
        f"No serif font with Vietnamese glyphs under {searched}. "
        f"Install one of the Debian packages {packages} (apt-get install fonts-noto-core) and retry."
    )
    raise FontNotFoundError(msg)
