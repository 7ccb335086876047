"""Whole-file object scans for the PDF/A checks (actions wherever they are nested) and font facts."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf

__all__ = [
    "ALLOWED_ACTIONS",
    "ALLOWED_NAMED_ACTIONS",
    "all_dictionaries",
    "forbidden_action",
    "font_is_embedded",
    "font_name",
]

# ISO 19005-1 6.6.1 and ISO 19005-2 6.5.1: the only action types a PDF/A file may contain (Launch,
# JavaScript, ResetForm, ImportData, Sound, Movie, Hide, ... and undefined types are forbidden).
ALLOWED_ACTIONS = frozenset({"/GoTo", "/GoToR", "/GoToE", "/Thread", "/URI", "/Named", "/SubmitForm"})
ALLOWED_NAMED_ACTIONS = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_MAX_DEPTH = 64


def all_dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Yield every dictionary (and stream dictionary) in the file, direct or indirect, once.

    Indirect objects come from the cross-reference table; direct dictionaries nested inside them
    (such as an action in an annotation's ``/A``) are reached by recursion that does not follow
    indirect references, so every object is visited once and cycles cannot occur.
    """
    for obj in pdf.objects:
        yield from _direct_dictionaries(obj, 0)


def _direct_dictionaries(obj: pikepdf.Object, depth: int) -> Iterator[pikepdf.Object]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(obj, pikepdf.Stream):
        yield obj
        children = list(obj.stream_dict.values())
    elif isinstance(obj, pikepdf.Dictionary):
        yield obj
        children = list(obj.values())  # not keys(): a key with invalid UTF-8 cannot be looked up
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            yield from _direct_dictionaries(child, depth + 1)


def font_name(font: pikepdf.Object) -> str:
    """The font's /BaseFont without the leading slash, or "?"."""
    base = font.get("/BaseFont")
    return str(base)[1:] if isinstance(base, pikepdf.Name) else "?"


def font_is_embedded(font: pikepdf.Object) -> bool:
    """Whether a font dictionary's program is embedded (Type 3 fonts are glyph procedures)."""
    subtype = font.get("/Subtype")
    if subtype == pikepdf.Name.Type3:
        return True
    if subtype == pikepdf.Name.Type0:
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) == 0:
            return False
        return all(isinstance(d, pikepdf.Dictionary) and font_is_embedded(d) for d in descendants)
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(key in descriptor for key in _FONT_FILES)


def forbidden_action(action: pikepdf.Object) -> str | None:
    """Return the type of a forbidden action dictionary (without slash), or None if allowed."""
    kind = action.get("/S")
    if not isinstance(kind, pikepdf.Name):
        return None
    if str(kind) not in ALLOWED_ACTIONS:
        return str(kind)[1:]
    if kind == pikepdf.Name.Named and str(action.get("/N")) not in ALLOWED_NAMED_ACTIONS:
        return f"Named {action.get('/N')}"
    return None
