"""What a PDF actually draws: the fonts it shows text with and the uncalibrated colour it paints.

PDF/A judges resources by use (an unused font in AcroForm /DR or an unused form XObject does not
count), so this module interprets content streams: pages and annotation appearances, then the form
XObjects, tiling patterns and Type 3 glyph procedures that they invoke.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf

__all__ = ["Drawing", "analyse_drawing"]

_MAX_DEPTH = 64
_FAMILIES = {
    "/DeviceRGB": "RGB",
    "/RGB": "RGB",
    "/DeviceCMYK": "CMYK",
    "/CMYK": "CMYK",
    "/DeviceGray": "Gray",
    "/G": "Gray",
}
_COLOUR_OPERATORS = {"rg": "RGB", "RG": "RGB", "k": "CMYK", "K": "CMYK", "g": "Gray", "G": "Gray"}
_DEFAULTS = {"RGB": "/DefaultRGB", "CMYK": "/DefaultCMYK", "Gray": "/DefaultGray"}
_SHOW_TEXT = frozenset({"Tj", "TJ", "'", '"'})
_INVISIBLE = 3  # text rendering mode 3: neither fill nor stroke (OCR text layers)
_Work = tuple[pikepdf.Object, pikepdf.Object | None]


@dataclass
class Drawing:
    """The result of :func:`analyse_drawing`.

    Attributes:
        visible_fonts: Font dictionaries used to show text in a visible rendering mode.
        device_families: "RGB", "CMYK", "Gray": uncalibrated colour painted without a Default space.
    """

    visible_fonts: list[pikepdf.Object] = field(default_factory=list)
    device_families: set[str] = field(default_factory=set)


def _lookup(resources: pikepdf.Object | None, category: str, name: object) -> pikepdf.Object | None:
    if not isinstance(resources, pikepdf.Dictionary) or not isinstance(name, pikepdf.Name):
        return None
    group = resources.get(category)
    return group.get(name) if isinstance(group, pikepdf.Dictionary) else None


def _family(space: object, resources: pikepdf.Object | None = None) -> str | None:
    """The Device family of a colour space (a name, a named resource, or an Indexed base)."""
    if isinstance(space, pikepdf.Name):
        if str(space) in _FAMILIES:
            return _FAMILIES[str(space)]
        return _family(_lookup(resources, "/ColorSpace", space))
    if isinstance(space, pikepdf.Array) and len(space) >= 2 and space[0] in (pikepdf.Name.Indexed, "/I"):
        return _family(space[1], resources)
    return None


def _inherited(page: pikepdf.Object, key: str) -> pikepdf.Object | None:
    node: pikepdf.Object | None = page
    for _ in range(_MAX_DEPTH):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node.get(key)
        node = node.get("/Parent")
    return None


def _appearances(page: pikepdf.Object) -> list[pikepdf.Stream]:
    found: list[pikepdf.Stream] = []
    annots = page.get("/Annots")
    for annot in annots if isinstance(annots, pikepdf.Array) else []:
        ap = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
        for key in ("/N", "/R", "/D"):
            entry = ap.get(key) if isinstance(ap, pikepdf.Dictionary) else None
            states: list[pikepdf.Object] = [entry] if isinstance(entry, pikepdf.Stream) else []
            if isinstance(entry, pikepdf.Dictionary):
                states = list(entry.values())
            found.extend(state for state in states if isinstance(state, pikepdf.Stream))
    return found


def analyse_drawing(pdf: pikepdf.Pdf) -> Drawing:
    """Interpret every drawn content stream of ``pdf`` once and report fonts and device colour."""
    drawing = Drawing()
    seen: set[tuple[int, int]] = set()
    pending: list[_Work] = []
    for page in pdf.pages:
        resources = _inherited(page.obj, "/Resources")
        pending.append((page.obj, resources))
        pending.extend((ap, ap.get("/Resources", resources)) for ap in _appearances(page.obj))
    while pending:
        content, resources = pending.pop()
        if content.is_indirect:
            if content.objgen in seen:
                continue
            seen.add(content.objgen)
        families = _interpret(content, resources, drawing, pending)
        spaces = resources.get("/ColorSpace") if isinstance(resources, pikepdf.Dictionary) else None
        defaults = set(spaces.keys()) if isinstance(spaces, pikepdf.Dictionary) else set()
        drawing.device_families |= {family for family in families if _DEFAULTS[family] not in defaults}
    return drawing


def _interpret(
    content: pikepdf.Object, resources: pikepdf.Object | None, drawing: Drawing, pending: list[_Work]
) -> set[str]:
    try:
        instructions = pikepdf.parse_content_stream(content)
    except (pikepdf.PdfError, TypeError, ValueError):
        return set()
    families: set[str] = set()
    font: pikepdf.Object | None = None
    mode, stack = 0, []  # text rendering mode; q/Q save and restore it
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            image = instruction.iimage.obj
            families.add(_family(image.get("/ColorSpace"), resources) or "")
            continue
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator == "q":
            stack.append(mode)
        elif operator == "Q" and stack:
            mode = stack.pop()
        elif operator == "Tr" and operands and isinstance(operands[0], int):
            mode = operands[0]
        elif operator == "Tf" and operands:
            font = _lookup(resources, "/Font", operands[0])
            _queue_type3(font, resources, pending)
        elif operator in _SHOW_TEXT and mode != _INVISIBLE and isinstance(font, pikepdf.Dictionary):
            drawing.visible_fonts.append(font)
        elif operator in _COLOUR_OPERATORS:
            families.add(_COLOUR_OPERATORS[operator])
        elif operator in {"cs", "CS"} and operands:
            families.add(_family(operands[0], resources) or "")
        elif operands:
            families.add(_invoke(operator, operands[-1], resources, pending) or "")
    families.discard("")
    return families


def _queue_type3(font: pikepdf.Object | None, resources: pikepdf.Object | None, pending: list[_Work]) -> None:
    if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") != pikepdf.Name.Type3:
        return
    procs = font.get("/CharProcs")
    font_resources = font.get("/Resources", resources)
    if isinstance(procs, pikepdf.Dictionary):
        pending.extend((proc, font_resources) for proc in procs.values() if isinstance(proc, pikepdf.Stream))


def _invoke(operator: str, name: object, resources: pikepdf.Object | None, pending: list[_Work]) -> str | None:
    """Follow ``Do``, ``sh`` and pattern ``scn``; return the Device family of what they paint."""
    if operator == "Do":
        target = _lookup(resources, "/XObject", name)
        if isinstance(target, pikepdf.Stream) and target.get("/Subtype") == pikepdf.Name.Form:
            pending.append((target, target.get("/Resources", resources)))
        elif isinstance(target, pikepdf.Stream) and not target.get("/ImageMask", False):
            return _family(target.get("/ColorSpace"), resources)
    elif operator == "sh":
        shading = _lookup(resources, "/Shading", name)
        if isinstance(shading, pikepdf.Dictionary | pikepdf.Stream):
            return _family(shading.get("/ColorSpace"), resources)
    elif operator in {"scn", "SCN"}:
        pattern = _lookup(resources, "/Pattern", name)
        if isinstance(pattern, pikepdf.Stream):
            pending.append((pattern, pattern.get("/Resources", resources)))
        elif isinstance(pattern, pikepdf.Dictionary) and isinstance(pattern.get("/Shading"), pikepdf.Dictionary):
            return _family(pattern.Shading.get("/ColorSpace"), resources)
    return None
