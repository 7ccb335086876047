"""Stage 5: check that a file is PDF/A (by default PDF/A-2b) with a text layer; extract its text.

This is not a full PDF/A validator (none is installable offline here: veraPDF is not packaged, and
PDFBox Preflight checks 1b only). It checks the clauses that matter for Kho's own output and that
can be judged reliably with pikepdf: file header and trailer, encryption, PDF/A identification and
the xpacket header in XMP, XMP agreeing with the document information dictionary (an error for
PDF/A-1; a warning for later parts, which do not require it), the output intent and its ICC profile,
uncalibrated (Device) colour against the output intent, embedded fonts for visible text, forbidden
actions and form features, and the OCR text layer. Its agreement with veraPDF's test corpus is
measured in ``tests/ingest/stages/test_pdfa_corpus.py``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pikepdf

from kho.core.text import N_
from kho.ingest.stages._pdfdraw import analyse_drawing
from kho.ingest.stages._pdfobjects import all_dictionaries, font_is_embedded, font_name, forbidden_action
from kho.ingest.stages._pdftext import page_texts
from kho.ingest.stages._xmp import XmpError, XmpFacts, read_xmp
from kho.ingest.stages.context import Finding, Severity
from kho.ingest.stages.errors import PdfaNonConformingError

__all__ = ["check_pdfa", "extract_text", "is_pdfa", "validate_pdfa"]

_LEVEL = re.compile(r"([1-3])([ABU])")
# A file claiming a stricter conformance also meets a weaker one (2u and 2a files are 2b files).
_ACCEPTED = {"B": frozenset("BUA"), "U": frozenset("UA"), "A": frozenset("A")}
_HEADER_1 = re.compile(rb"%PDF-[0-9]\.[0-9]+(\r\n|\r|\n)%[\x80-\xff]{4}")
_HEADER_2 = re.compile(rb"%PDF-1\.[0-7](\r\n|\r|\n)%[\x80-\xff]{4}")
_INFO_TO_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Creator": "xmp:CreatorTool",
    "/Producer": "pdf:Producer",
    "/CreationDate": "xmp:CreateDate",
    "/ModDate": "xmp:ModifyDate",
}
_ICC_SPACES = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}
_ICC_CLASSES = frozenset({b"prtr", b"mntr"})
_ICC_MAX_MAJOR = 4


def _finding(severity: Severity, code: str, message: str, at_page: int | None = None, **params: object) -> Finding:
    return Finding(severity, code, message, dict(params), at_page)


def check_pdfa(path: Path, *, expect: str = "2B", require_text: bool = True) -> list[Finding]:
    """Check ``path`` against PDF/A level ``expect`` and, optionally, for a text layer.

    Args:
        path: The PDF to check.
        expect: The level to check against: ``"1B"``, ``"2B"`` (default), ``"2U"``, ``"3B"`` ...
        require_text: Also require extractable text (a document without any text is an error,
            a page without text a warning: a blank page has none).

    Returns:
        Every finding; the file passes when none has severity ``"error"``.

    Raises:
        ValueError: ``expect`` is not a PDF/A level.
    """
    match = _LEVEL.fullmatch(expect.upper())
    if match is None:
        raise ValueError(f"not a PDF/A level: {expect!r}")
    part, conformance = int(match.group(1)), match.group(2)
    findings = _check_header(path, part)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return [*findings, _finding("error", "encrypted", N_("The file is encrypted; PDF/A forbids encryption."))]
    except pikepdf.PdfError:
        return [*findings, _finding("error", "unreadable", N_("The file is not a readable PDF."))]
    with pdf:
        drawing = analyse_drawing(pdf)
        findings += _check_trailer(pdf)
        findings += _check_metadata(pdf, part, conformance)
        findings += _check_output_intents(pdf, drawing.device_families)
        findings += _check_fonts(drawing.visible_fonts)
        findings += _check_objects(pdf)
    if require_text:
        findings += _check_text(path)
    return findings


def is_pdfa(path: Path, *, expect: str = "2B", require_text: bool = False) -> bool:
    """Return whether :func:`check_pdfa` finds no error (by default PDF/A conformance only, no text)."""
    return not any(f.severity == "error" for f in check_pdfa(path, expect=expect, require_text=require_text))


def validate_pdfa(path: Path, *, expect: str = "2B", require_text: bool = True) -> None:
    """Like :func:`check_pdfa`, but raise once with every finding when there is an error.

    Raises:
        PdfaNonConformingError: With ``params["details"]`` holding all findings.
    """
    findings = check_pdfa(path, expect=expect, require_text=require_text)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise PdfaNonConformingError(name=str(path), level=expect, count=len(errors), details=findings)


def extract_text(pdf: Path) -> str:
    """Return the text layer of ``pdf``, page by page, NFC-normalised, pages joined by form feeds."""
    return "\f".join(page_texts(pdf))


def _check_header(path: Path, part: int) -> list[Finding]:
    with path.open("rb") as stream:
        head = stream.read(64)
    pattern = _HEADER_1 if part == 1 else _HEADER_2
    if pattern.match(head):
        return []
    message = N_("The file header is not '%PDF-1.n' at byte 0 followed by a comment line of at least 4 binary bytes.")
    return [_finding("error", "header", message)]


def _check_trailer(pdf: pikepdf.Pdf) -> list[Finding]:
    findings: list[Finding] = []
    if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
        findings.append(_finding("error", "encrypted", N_("The file is encrypted; PDF/A forbids encryption.")))
    ids = pdf.trailer.get("/ID")
    if not isinstance(ids, pikepdf.Array) or len(ids) != 2 or not all(len(bytes(i)) for i in ids):
        findings.append(_finding("error", "trailer_id", N_("The file trailer has no (or an empty) /ID.")))
    return findings


def _check_metadata(pdf: pikepdf.Pdf, part: int, conformance: str) -> list[Finding]:
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return [_finding("error", "xmp_missing", N_("The document catalog has no XMP metadata stream."))]
    try:
        facts = read_xmp(stream.read_bytes())
    except (XmpError, pikepdf.PdfError):
        return [_finding("error", "xmp_malformed", N_("The XMP metadata is not well-formed XML."))]
    findings = _check_identification(facts, part, conformance)
    if facts.forbidden_xpacket_attrs:
        message = N_("The XMP packet header uses the forbidden 'bytes' or 'encoding' attribute.")
        findings.append(_finding("error", "xmp_packet_header", message))
    return findings + _check_info_agreement(pdf, facts, part)


def _check_identification(facts: XmpFacts, part: int, conformance: str) -> list[Finding]:
    if facts.part is None or facts.conformance is None:
        message = N_("The XMP metadata has no PDF/A identification (pdfaid:part and pdfaid:conformance).")
        return [_finding("error", "pdfaid_missing", message)]
    findings: list[Finding] = []
    if facts.prefixes - {"pdfaid"}:
        message = N_("The PDF/A identification schema must use the prefix 'pdfaid', not {prefixes}.")
        findings.append(_finding("error", "pdfaid_prefix", message, prefixes=sorted(facts.prefixes)))
    if facts.part != str(part) or facts.conformance not in _ACCEPTED[conformance]:
        message = N_("The file claims PDF/A-{claimed}, which does not satisfy the required PDF/A-{expected}.")
        claimed = f"{facts.part}{facts.conformance}"
        findings.append(_finding("error", "pdfaid_level", message, claimed=claimed, expected=f"{part}{conformance}"))
    return findings


def _check_info_agreement(pdf: pikepdf.Pdf, facts: XmpFacts, part: int) -> list[Finding]:
    info = pdf.trailer.get("/Info")
    if not isinstance(info, pikepdf.Dictionary):
        return []
    # PDF/A-1 (6.7.3) requires equivalence; PDF/A-2 and -3 do not (veraPDF corpus 6.1.5 t01), but
    # Kho's own files should agree (toolnotes §5: signing tools break it), so a warning there.
    severity: Severity = "error" if part == 1 else "warning"
    findings: list[Finding] = []
    for key, prop in _INFO_TO_XMP.items():
        value = info.get(key)
        if not isinstance(value, pikepdf.String):
            continue
        xmp_value = facts.properties.get(prop)
        if xmp_value is None:
            message = N_("The document information entry {key} has no XMP equivalent {prop}.")
            findings.append(_finding(severity, "info_without_xmp", message, key=key[1:], prop=prop))
        elif not _agrees(key, str(value), xmp_value):
            message = N_("The document information entry {key} differs from the XMP property {prop}.")
            findings.append(_finding(severity, "info_xmp_mismatch", message, key=key[1:], prop=prop))
    return findings


def _agrees(key: str, info_value: str, xmp_value: str | list[str]) -> bool:
    if key == "/Author":
        return isinstance(xmp_value, list) and xmp_value == [info_value]
    if isinstance(xmp_value, list):
        return False
    if key in {"/CreationDate", "/ModDate"}:
        return _same_instant(info_value, xmp_value)
    return info_value == xmp_value


def _same_instant(pdf_date: str, xmp_date: str) -> bool:
    try:
        left = pikepdf.models.metadata.decode_pdf_date(pdf_date)
        right = datetime.fromisoformat(xmp_date.strip())
    except ValueError:
        return False
    if (left.tzinfo is None) != (right.tzinfo is None):
        left, right = left.replace(tzinfo=None), right.replace(tzinfo=None)
    return left == right


def _check_output_intents(pdf: pikepdf.Pdf, device_families: set[str]) -> list[Finding]:
    intents = pdf.Root.get("/OutputIntents")
    entries = [oi for oi in intents if isinstance(oi, pikepdf.Dictionary)] if isinstance(intents, pikepdf.Array) else []
    profiles = [p for oi in entries if isinstance(p := oi.get("/DestOutputProfile"), pikepdf.Stream)]
    findings: list[Finding] = []
    if len({p.objgen if p.is_indirect else id(p) for p in profiles}) > 1:
        message = N_("The output intents refer to different ICC profiles; PDF/A allows only one.")
        findings.append(_finding("error", "output_intents_differ", message))
    pdfa = [oi for oi in entries if oi.get("/S") == pikepdf.Name("/GTS_PDFA1")]
    if not pdfa:
        return findings + _without_output_intent(device_families)
    profile = pdfa[0].get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream):
        message = N_("The PDF/A output intent has no embedded ICC profile (DestOutputProfile).")
        return [*findings, _finding("error", "icc_missing", message)]
    findings += _check_icc(profile)
    try:
        intent_space = profile.read_bytes()[16:20]
    except pikepdf.PdfError:
        return findings
    clashing = {"RGB": b"RGB ", "CMYK": b"CMYK"}
    for family in sorted(device_families):
        if family in clashing and clashing[family] != intent_space:
            message = N_("The file paints in Device{family}, which does not match its output intent's ICC profile.")
            findings.append(_finding("error", "device_colour_mismatch", message, family=family))
    return findings


def _without_output_intent(families: set[str]) -> list[Finding]:
    """No PDF/A output intent: an error if uncalibrated colour is used, else a warning for Kho."""
    if families:
        message = N_("The file paints in uncalibrated colour ({families}) but has no PDF/A output intent.")
        return [_finding("error", "output_intent_missing", message, families=", ".join(sorted(families)))]
    message = N_("The file has no PDF/A output intent; Kho's PDF/A files should carry one (sRGB).")
    return [_finding("warning", "output_intent_missing", message)]


def _check_icc(profile: pikepdf.Stream) -> list[Finding]:
    try:
        data = profile.read_bytes()
    except pikepdf.PdfError:
        data = b""
    invalid = N_("The output intent's ICC profile is damaged or not usable for PDF/A ({reason}).")
    if len(data) < 128 or data[36:40] != b"acsp":
        return [_finding("error", "icc_invalid", invalid, reason="not an ICC profile")]
    if data[8] > _ICC_MAX_MAJOR:
        return [_finding("error", "icc_invalid", invalid, reason=f"ICC version {data[8]}")]
    if data[12:16] not in _ICC_CLASSES:
        return [_finding("error", "icc_invalid", invalid, reason="device class is not printer or monitor")]
    components = _ICC_SPACES.get(data[16:20])
    if components is None:
        return [_finding("error", "icc_invalid", invalid, reason="colour space is not RGB, Gray or CMYK")]
    n = profile.get("/N")
    if isinstance(n, int) and n != components:
        return [_finding("error", "icc_invalid", invalid, reason="/N does not match the profile")]
    return []


def _check_objects(pdf: pikepdf.Pdf) -> list[Finding]:
    actions: set[str] = set()
    triggers = widget_actions = False
    for obj in all_dictionaries(pdf):
        candidates = [obj] if obj.get("/Type") == pikepdf.Name.Action else []
        candidates += [a for key in ("/A", "/OpenAction") if isinstance(a := obj.get(key), pikepdf.Dictionary)]
        actions.update(kind for action in candidates if (kind := forbidden_action(action)) is not None)
        triggers = triggers or "/AA" in obj
        is_field = obj.get("/Subtype") == pikepdf.Name.Widget or "/FT" in obj
        widget_actions = widget_actions or (is_field and "/A" in obj)
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        actions.add("JavaScript")
    message = N_("The file contains a forbidden {action} action (PDF/A forbids scripts and launching).")
    findings = [_finding("error", "forbidden_action", message, action=name) for name in sorted(actions)]
    if triggers:
        message = N_("The file contains additional-actions (AA) triggers, which PDF/A forbids.")
        findings.append(_finding("error", "additional_actions", message))
    if widget_actions:
        message = N_("A form field or widget carries an action (A), which PDF/A forbids.")
        findings.append(_finding("error", "widget_action", message))
    return findings + _check_forms(pdf)


def _is_true(value: object) -> bool:
    return value is True  # pikepdf returns PDF booleans as Python bools


def _check_forms(pdf: pikepdf.Pdf) -> list[Finding]:
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        return []
    findings: list[Finding] = []
    if _is_true(acroform.get("/NeedAppearances")):
        message = N_("The form asks viewers to regenerate its appearances (NeedAppearances), which PDF/A forbids.")
        findings.append(_finding("error", "need_appearances", message))
    if "/XFA" in acroform or _is_true(pdf.Root.get("/NeedsRendering")):
        message = N_("The file contains an XFA form, which PDF/A forbids.")
        findings.append(_finding("error", "xfa_form", message))
    return findings


def _check_fonts(fonts: list[pikepdf.Object]) -> list[Finding]:
    # Only fonts that render text count: not an unused font in AcroForm /DR, nor an OCR layer's
    # font in invisible mode 3 (ISO 19005-2 6.2.11.4.1); Kho's OCR engine embeds it anyway.
    missing = sorted({font_name(font) for font in fonts if not font_is_embedded(font)})
    message = N_("The font {font} is not embedded; PDF/A requires every font to be embedded.")
    return [_finding("error", "font_not_embedded", message, font=name) for name in missing]


def _check_text(path: Path) -> list[Finding]:
    texts = list(page_texts(path))
    empty = [number for number, text in enumerate(texts, start=1) if not text.strip()]
    if texts and len(empty) == len(texts):
        message = N_("The file has no text layer: OCR did not run or recognised nothing.")
        return [_finding("error", "text_layer_missing", message)]
    message = N_("Page {page} has no text (blank page, or OCR found nothing).")
    return [_finding("warning", "page_without_text", message, page, page=page) for page in empty]
