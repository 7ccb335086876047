"""EAD 2002 writer for ``metadata/descriptive/EAD.xml``: every TT05 record and document field.

Records are ``<c level="file">`` components of ``archdesc/dsc``; their documents are nested
``<c level="item">``. Every TT05 field is written exactly once (empty when unknown, as TT05 asks
for all 18 record fields) on an element whose ``@encodinganalog`` is the TT05 field name, so a
reader finds a field with ``.//*[@encodinganalog='maintenance']`` on the component. Coded fields
carry the TT05 code (``kho.core.codetables``). Mapping:

============================  ====================================================================
TT05 field                    EAD 2002 element (inside the record/document ``<c>``)
============================  ====================================================================
fileCode, arcFileCode,        ``did/unitid`` (``@type`` repeats the TT05 name)
docId, docCode, docOrdinal,
codeNumber, codeNotation,
paperFileCode (as unitid)
title / subject               ``did/unittitle``
startDate, endDate,           ``did/unitdate`` (TT05 text; ``@normal`` ISO 8601)
issuedDate
language                      ``did/langmaterial`` (TT05 codes as text) + ``language/@langcode``
                              (ISO 639-2/B) where the code maps to languages
totalDoc, numberOfPaper,      ``did/physdesc/extent`` (``@unit`` tài liệu / tờ / trang)
numberOfPage
format                        ``did/physdesc/physfacet``
typeName                      ``did/physdesc/genreform`` (code; the literal name in ``@normal``)
organName                     ``did/origination/corpname``
mode                          ``accessrestrict/p``
maintenance                   ``appraisal/p`` (retention period)
paperFileCode                 ``originalsloc/p`` (the paper original's code)
keyword                       ``controlaccess/subject``
inforSign, confidenceLevel,   ``odd/p`` (no EAD element; ``@type`` repeats the TT05 name)
riskRecovery (1/0),
riskRecoveryStatus,
process (1/0), autograph,
description
============================  ====================================================================

A document's ``maintenance`` defaults to its record's (standards.md §2.3). Document files are
linked with ``did/dao`` (``xlink:href`` relative to this EAD file). The output validates against
``ead2002.xsd``. It is written element by element (:class:`~kho.packages.formats._xmlstream.XmlStream`),
so memory does not grow with the number of records and documents.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO

from kho.core import codetables
from kho.core.text import N_
from kho.packages.formats._earkxml import EAD_NS, XLINK_NS, XSI_NS, href, q, stable_id
from kho.packages.formats._xmlstream import Attrs, XmlStream, escape_attr, escape_text
from kho.packages.formats.eark_errors import PackageWriteError
from kho.packages.formats.earkspec import DocumentSpec, FileSpec, PackageSpec, Records, RecordSpec

__all__ = ["ISO639_FOR_TT05", "build_ead", "check_codes", "tt05_date", "write_ead"]

#: TT05 language code -> ISO 639-2/B codes (Hán Nôm and "Khác" have none).
ISO639_FOR_TT05: dict[str, tuple[str, ...]] = {
    "01": ("vie",),
    "02": ("eng",),
    "03": ("fre",),
    "04": ("rus",),
    "05": ("chi",),
    "06": ("vie", "eng"),
    "07": ("vie", "rus"),
    "08": ("vie", "fre"),
    "10": ("vie", "chi"),
}
_SCHEMA_LOCATION = "urn:isbn:1-931666-22-9 http://www.loc.gov/ead/ead.xsd"
_DMY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_MY = re.compile(r"(\d{2})/(\d{4})")
_Y = re.compile(r"\d{4}")


def E(local: str) -> str:  # noqa: N802 - reads like the ead: prefix
    """Return the Clark name of an EAD 2002 element."""
    return q(EAD_NS, local)


def tt05_date(value: date | str | None) -> tuple[str, str]:
    """Return ``(TT05 text, ISO 8601 normal form)`` for a date, "MM/YYYY" or "YYYY"; ("", "") for None.

    Raises:
        PackageWriteError: A string that is none of ``DD/MM/YYYY``, ``MM/YYYY``, ``YYYY``.
    """
    if value is None or value == "":
        return "", ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y"), value.isoformat()
    if m := _DMY.fullmatch(value):
        return value, f"{m[3]}-{m[2]}-{m[1]}"
    if m := _MY.fullmatch(value):
        return value, f"{m[2]}-{m[1]}"
    if _Y.fullmatch(value):
        return value, value
    raise PackageWriteError(N_("Date %(value)r is not DD/MM/YYYY, MM/YYYY or YYYY."), value=value)


# Coded TT05 fields and their code tables (standards.md §2.2-2.4); "" means "not given".
_CODES: dict[str, dict[str, str]] = {
    "maintenance": codetables.RETENTION,
    "mode": codetables.ACCESS_MODE,
    "format": codetables.PHYSICAL_STATE,
    "confidence_level": codetables.CONFIDENCE_LEVEL,
    "risk_recovery_status": codetables.RISK_RECOVERY_STATUS,
    "type_code": codetables.DOC_TYPE,
}


def _bad_codes(label: str, item: RecordSpec | DocumentSpec) -> list[str]:
    bad = [
        f"{label}.{name}={getattr(item, name)!r}"
        for name, table in _CODES.items()
        if hasattr(item, name) and getattr(item, name) not in ("", *table)
    ]
    bad += [f"{label}.language={code!r}" for code in item.language if code not in codetables.LANGUAGE]
    for name in ("start_date", "end_date", "issued_date"):
        try:
            tt05_date(getattr(item, name, None))
        except PackageWriteError:
            bad.append(f"{label}.{name}={getattr(item, name)!r}")
    return bad


def check_codes(spec: PackageSpec) -> None:
    """Refuse TT05 codes that are not in ``kho.core.codetables`` and dates not in a TT05 form.

    Raises:
        PackageWriteError: Naming every offending ``<fileCode or docId>.<field>=<value>`` at once.
    """
    bad: list[str] = []
    for record in spec.records:
        bad += _bad_codes(record.file_code, record)
        for document in record.documents:
            bad += _bad_codes(document.doc_id, document)
    if bad:
        raise PackageWriteError(N_("Values outside the TT05 code tables: %(fields)s."), fields=", ".join(bad))


def _text(value: object) -> str:
    """Render a TT05 value: booleans as 1/0, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _unitid(w: XmlStream, name: str, value: object) -> None:
    w.leaf("unitid", _text(value), (("encodinganalog", name), ("type", name)))


def _unitdate(w: XmlStream, name: str, value: date | str | None) -> None:
    text, normal = tt05_date(value)
    w.leaf("unitdate", text, (("encodinganalog", name), ("normal", normal)) if normal else (("encodinganalog", name),))


def _language(w: XmlStream, codes: Sequence[str]) -> None:
    """Write ``langmaterial`` (the text of :func:`_language_text`)."""
    indent, inner = w.indents(2)
    w.fragment(_language_text(indent, inner, codes).removeprefix(indent))


def _para(w: XmlStream, tag: str, name: str, value: object) -> None:
    """Write ``<tag encodinganalog=name><p>value</p></tag>`` (``odd`` also gets ``@type``; see :func:`_para_text`)."""
    indent, inner = w.indents(2)
    w.fragment(_para_text(indent, inner, tag, name, value).removeprefix(indent))


def _physdesc(w: XmlStream, extents: Sequence[tuple[str, str, object]], fmt: str, genre: Attrs | None = None,
              type_code: str = "") -> None:  # fmt: skip
    w.start("physdesc")
    for name, unit, value in extents:
        w.leaf("extent", _text(value), (("encodinganalog", name), ("unit", unit)))
    w.leaf("physfacet", fmt, (("encodinganalog", "format"), ("type", "format")))
    if genre is not None:
        w.leaf("genreform", type_code, genre)
    w.end()


def _dao(w: XmlStream, files: Sequence[FileSpec]) -> None:
    for spec in sorted(files, key=lambda f: f.path_in_package):
        link = "../../" + href(spec.path_in_package)
        w.leaf("dao", None, (("xlink:type", "simple"), ("xlink:href", link), ("xlink:title", spec.role.value)))


def _subject(w: XmlStream, keyword: str) -> None:
    w.element("controlaccess", (("encodinganalog", "keyword"),), (("subject", keyword, ()),))


def _record(w: XmlStream, record: RecordSpec) -> None:
    w.start("c", (("level", "file"), ("id", stable_id("rec", record.file_code))))
    w.start("did")
    _unitid(w, "fileCode", record.file_code)
    if record.arc_file_code:
        _unitid(w, "arcFileCode", record.arc_file_code)
    w.leaf("unittitle", record.title, (("encodinganalog", "title"),))
    _unitdate(w, "startDate", record.start_date)
    _unitdate(w, "endDate", record.end_date)
    _language(w, record.language)
    extents = (
        ("totalDoc", "tài liệu", record.total_doc),
        ("numberOfPaper", "tờ", record.number_of_paper),
        ("numberOfPage", "trang", record.number_of_page),
    )
    _physdesc(w, extents, record.format)
    _dao(w, record.files)
    w.end()
    _para(w, "accessrestrict", "mode", record.mode)
    _para(w, "appraisal", "maintenance", record.maintenance)
    _para(w, "originalsloc", "paperFileCode", record.paper_file_code)
    _subject(w, record.keyword)
    for name in ("inforSign", "confidenceLevel", "riskRecovery", "riskRecoveryStatus", "description"):
        _para(w, "odd", name, getattr(record, _ATTR[name]))
    for document in sorted(record.documents, key=lambda d: (d.ordinal, d.doc_id)):
        _document(w, document, record.maintenance)
    w.end()


def _language_text(indent: str, inner: str, codes: Sequence[str]) -> str:
    """``langmaterial`` as text at ``indent``: the TT05 codes, and a ``language`` child (at ``inner``) per ISO code."""
    iso_codes = dict.fromkeys(c for code in codes for c in ISO639_FOR_TT05.get(code, ()))
    text = ", ".join(codes)
    head = f'{indent}<langmaterial encodinganalog="language">'
    if not iso_codes:
        return f"{head}{escape_text(text)}</langmaterial>"
    children = "".join([f'{inner}<language langcode="{escape_attr(c)}"/>' for c in iso_codes])
    if text.strip():  # mixed content: the first child stays on the text's line, as XmlStream.start writes it
        return f"{head}{escape_text(text)}{children[len(inner) :]}{indent}</langmaterial>"
    return f"{head}{children}{indent}</langmaterial>"


def _para_text(indent: str, inner: str, tag: str, name: str, value: object) -> str:
    """``<tag encodinganalog=name><p>value</p></tag>`` as text at ``indent`` (``odd`` also gets ``@type``)."""
    kind = f' type="{name}"' if tag == "odd" else ""
    return f'{indent}<{tag} encodinganalog="{name}"{kind}>{inner}<p>{escape_text(_text(value))}</p>{indent}</{tag}>'


def _did_text(i1: str, i2: str, i3: str, doc: DocumentSpec) -> str:
    """A document's ``did`` as text: its identifiers, title, date, origination, language, extent and links."""
    ids = [("docId", doc.doc_id), ("docCode", doc.doc_code), ("docOrdinal", doc.ordinal),
           ("codeNumber", doc.code_number), ("codeNotation", doc.code_notation)]  # fmt: skip
    if doc.arc_file_code:
        ids.append(("arcFileCode", doc.arc_file_code))
    date_text, normal = tt05_date(doc.issued_date)
    normal_attr = f' normal="{escape_attr(normal)}"' if normal else ""
    genre_attr = f' normal="{escape_attr(doc.type_name)}"' if doc.type_name else ""
    daos = [
        f'{i2}<dao xlink:type="simple" xlink:href="{escape_attr("../../" + href(path))}" '
        f'xlink:title="{escape_attr(role)}"/>'
        for path, role in sorted((f.path_in_package, f.role.value) for f in doc.files)
    ]
    return "".join(
        [
            f"{i1}<did>",
            *[f'{i2}<unitid encodinganalog="{n}" type="{n}">{escape_text(_text(v))}</unitid>' for n, v in ids],
            f'{i2}<unittitle encodinganalog="subject">{escape_text(doc.subject)}</unittitle>',
            f'{i2}<unitdate encodinganalog="issuedDate"{normal_attr}>{escape_text(date_text)}</unitdate>',
            f'{i2}<origination encodinganalog="organName">{i3}<corpname>{escape_text(doc.organ_name)}</corpname>'
            f"{i2}</origination>",
            _language_text(i2, i3, doc.language),
            f'{i2}<physdesc>{i3}<extent encodinganalog="numberOfPage" unit="trang">'
            f"{escape_text(_text(doc.number_of_page))}</extent>"
            f'{i3}<physfacet encodinganalog="format" type="format">{escape_text(doc.format)}</physfacet>'
            f'{i3}<genreform encodinganalog="typeName"{genre_attr}>{escape_text(doc.type_code)}</genreform>'
            f"{i2}</physdesc>",
            *daos,
            f"{i1}</did>",
        ]
    )


def _document(w: XmlStream, doc: DocumentSpec, record_maintenance: str) -> None:
    """Write one document ``<c level="item">`` in one piece (there is one per document: the EAD's bulk)."""
    i0, i1, i2, i3 = w.indents(4)
    paras = [
        _para_text(i1, i2, "accessrestrict", "mode", doc.mode),
        _para_text(i1, i2, "appraisal", "maintenance", doc.maintenance or record_maintenance),
        f'{i1}<controlaccess encodinganalog="keyword">{i2}<subject>{escape_text(doc.keyword)}</subject>'
        f"{i1}</controlaccess>",
    ]
    for name in ("inforSign", "confidenceLevel", "autograph", "riskRecovery", "riskRecoveryStatus", "process"):
        paras.append(_para_text(i1, i2, "odd", name, getattr(doc, _ATTR[name])))
    paras.append(_para_text(i1, i2, "odd", "description", doc.description))
    head = f'<c level="item" id="{escape_attr(stable_id("doc", doc.doc_id))}">'
    w.fragment(head + _did_text(i1, i2, i3, doc) + "".join(paras) + f"{i0}</c>")


_ATTR = {
    "inforSign": "infor_sign",
    "confidenceLevel": "confidence_level",
    "riskRecovery": "risk_recovery",
    "riskRecoveryStatus": "risk_recovery_status",
    "description": "description",
    "autograph": "autograph",
    "process": "process",
}


def _header(w: XmlStream, spec: PackageSpec) -> None:
    encodings = (("countryencoding", "iso3166-1"), ("dateencoding", "iso8601"), ("langencoding", "iso639-2b"))
    w.start("eadheader", encodings)
    w.leaf("eadid", spec.package_id, (("countrycode", "VN"),))
    w.start("filedesc")
    w.start("titlestmt")
    w.leaf("titleproper", spec.label)
    w.end()
    w.end()
    w.start("profiledesc")
    day = spec.created.date().isoformat()
    w.start("creation", (), f"{spec.software_name} {spec.software_version} ")
    w.leaf("date", day, (("normal", day),))
    w.end()
    w.start("langusage")
    w.leaf("language", "Tiếng Việt", (("langcode", "vie"),))
    w.end()
    w.end()
    w.end()


def _archdesc_did(w: XmlStream, spec: PackageSpec) -> None:
    w.start("did")
    w.leaf("unitid", spec.fonds.code if spec.fonds else spec.package_id)
    w.leaf("unittitle", spec.fonds.name if spec.fonds else spec.label)
    agency = spec.submitting_agency
    w.start("origination")
    w.leaf("corpname", agency.name, (("authfilenumber", agency.code),))
    w.end()
    if spec.archival_agency:
        archive = spec.archival_agency
        w.start("repository")
        w.leaf("corpname", archive.name, (("authfilenumber", archive.code),))
        w.end()
    w.end()


def _by_file_code(records: Records) -> Iterable[RecordSpec]:
    """The records in ``file_code`` order, read one at a time when they already come so (a spooled export).

    Otherwise they are sorted in memory. The check keeps only the codes (one more pass over the records).
    """
    codes = [record.file_code for record in records]
    if all(a <= b for a, b in itertools.pairwise(codes)):
        return records
    return sorted(records, key=lambda r: r.file_code)


def write_ead(spec: PackageSpec, out: IO[bytes]) -> None:
    """Write the EAD 2002 document describing the package's fonds, records and documents to ``out``.

    Raises:
        PackageWriteError: A date field is not in a TT05 form.
        ValueError: A value holds a character XML cannot store.
    """
    w = XmlStream(out)
    namespaces = (("xmlns", EAD_NS), ("xmlns:xlink", XLINK_NS), ("xmlns:xsi", XSI_NS))
    w.start("ead", (*namespaces, ("xsi:schemaLocation", _SCHEMA_LOCATION)))
    _header(w, spec)
    level = (("level", "fonds"),) if spec.fonds else (("level", "otherlevel"), ("otherlevel", f"AIP_{spec.tt05_kind}"))
    w.start("archdesc", level)
    _archdesc_did(w, spec)
    w.start("dsc")
    for record in _by_file_code(spec.records):
        _record(w, record)
    w.end()
    w.end()
    w.end()
    w.close()


def build_ead(spec: PackageSpec) -> bytes:
    """Return the EAD document as bytes (:func:`write_ead` into memory; for small packages and tests)."""
    out = io.BytesIO()
    write_ead(spec, out)
    return out.getvalue()
