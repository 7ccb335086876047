"""Test oracle: the former lxml-tree EAD writer, kept to compare the streamed output with.

The mapping it implements is documented in ``kho.packages.formats.ead``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from lxml import etree

from kho.core import codetables
from kho.packages.formats._earkxml import EAD_NS, XLINK_NS, XSI_NS, href, q, serialise, stable_id, sub
from kho.packages.formats.ead import E, _text, check_codes, tt05_date  # shared with the streaming writer
from kho.packages.formats.earkspec import DocumentSpec, FileSpec, PackageSpec, RecordSpec

__all__ = ["ISO639_FOR_TT05", "build_ead", "check_codes", "tt05_date"]

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


# Coded TT05 fields and their code tables (standards.md §2.2-2.4); "" means "not given".
_CODES: dict[str, dict[str, str]] = {
    "maintenance": codetables.RETENTION,
    "mode": codetables.ACCESS_MODE,
    "format": codetables.PHYSICAL_STATE,
    "confidence_level": codetables.CONFIDENCE_LEVEL,
    "risk_recovery_status": codetables.RISK_RECOVERY_STATUS,
    "type_code": codetables.DOC_TYPE,
}


def _unitid(did: etree._Element, name: str, value: object) -> None:
    sub(did, E("unitid"), _text(value), encodinganalog=name, type=name)


def _unitdate(did: etree._Element, name: str, value: date | str | None) -> None:
    text, normal = tt05_date(value)
    attrs = {"encodinganalog": name}
    if normal:
        attrs["normal"] = normal
    sub(did, E("unitdate"), text, **attrs)


def _language(did: etree._Element, codes: Sequence[str]) -> None:
    node = sub(did, E("langmaterial"), ", ".join(codes), encodinganalog="language")
    for iso_code in dict.fromkeys(c for code in codes for c in ISO639_FOR_TT05.get(code, ())):
        sub(node, E("language"), langcode=iso_code)


def _para(c: etree._Element, tag: str, name: str, value: object) -> None:
    """Append ``<tag encodinganalog=name><p>value</p></tag>`` (``odd`` also gets ``@type``)."""
    attrs = {"encodinganalog": name}
    if tag == "odd":
        attrs["type"] = name
    sub(sub(c, E(tag), **attrs), E("p"), _text(value))


def _physdesc(did: etree._Element, extents: Sequence[tuple[str, str, object]], fmt: str) -> etree._Element:
    physdesc = sub(did, E("physdesc"))
    for name, unit, value in extents:
        sub(physdesc, E("extent"), _text(value), encodinganalog=name, unit=unit)
    sub(physdesc, E("physfacet"), fmt, encodinganalog="format", type="format")
    return physdesc


def _dao(did: etree._Element, files: Sequence[FileSpec]) -> None:
    for spec in sorted(files, key=lambda f: f.path_in_package):
        attrs = {q(XLINK_NS, "type"): "simple", q(XLINK_NS, "href"): "../../" + href(spec.path_in_package)}
        sub(did, E("dao"), **attrs, **{q(XLINK_NS, "title"): spec.role.value})


def _record(dsc: etree._Element, record: RecordSpec) -> None:
    c = sub(dsc, E("c"), level="file", id=stable_id("rec", record.file_code))
    did = sub(c, E("did"))
    _unitid(did, "fileCode", record.file_code)
    if record.arc_file_code:
        _unitid(did, "arcFileCode", record.arc_file_code)
    sub(did, E("unittitle"), record.title, encodinganalog="title")
    _unitdate(did, "startDate", record.start_date)
    _unitdate(did, "endDate", record.end_date)
    _language(did, record.language)
    extents = (
        ("totalDoc", "tài liệu", record.total_doc),
        ("numberOfPaper", "tờ", record.number_of_paper),
        ("numberOfPage", "trang", record.number_of_page),
    )
    _physdesc(did, extents, record.format)
    _dao(did, record.files)
    _para(c, "accessrestrict", "mode", record.mode)
    _para(c, "appraisal", "maintenance", record.maintenance)
    _para(c, "originalsloc", "paperFileCode", record.paper_file_code)
    sub(sub(c, E("controlaccess"), encodinganalog="keyword"), E("subject"), record.keyword)
    for name in ("inforSign", "confidenceLevel", "riskRecovery", "riskRecoveryStatus", "description"):
        _para(c, "odd", name, getattr(record, _ATTR[name]))
    for document in sorted(record.documents, key=lambda d: (d.ordinal, d.doc_id)):
        _document(c, document, record.maintenance)


def _document(parent: etree._Element, doc: DocumentSpec, record_maintenance: str) -> None:
    c = sub(parent, E("c"), level="item", id=stable_id("doc", doc.doc_id))
    did = sub(c, E("did"))
    for name, value in (
        ("docId", doc.doc_id),
        ("docCode", doc.doc_code),
        ("docOrdinal", doc.ordinal),
        ("codeNumber", doc.code_number),
        ("codeNotation", doc.code_notation),
    ):
        _unitid(did, name, value)
    if doc.arc_file_code:
        _unitid(did, "arcFileCode", doc.arc_file_code)
    sub(did, E("unittitle"), doc.subject, encodinganalog="subject")
    _unitdate(did, "issuedDate", doc.issued_date)
    sub(sub(did, E("origination"), encodinganalog="organName"), E("corpname"), doc.organ_name)
    _language(did, doc.language)
    physdesc = _physdesc(did, (("numberOfPage", "trang", doc.number_of_page),), doc.format)
    genre = {"encodinganalog": "typeName"} | ({"normal": doc.type_name} if doc.type_name else {})
    sub(physdesc, E("genreform"), doc.type_code, **genre)
    _dao(did, doc.files)
    _para(c, "accessrestrict", "mode", doc.mode)
    _para(c, "appraisal", "maintenance", doc.maintenance or record_maintenance)
    sub(sub(c, E("controlaccess"), encodinganalog="keyword"), E("subject"), doc.keyword)
    for name in ("inforSign", "confidenceLevel", "autograph", "riskRecovery", "riskRecoveryStatus", "process"):
        _para(c, "odd", name, getattr(doc, _ATTR[name]))
    _para(c, "odd", "description", doc.description)


_ATTR = {
    "inforSign": "infor_sign",
    "confidenceLevel": "confidence_level",
    "riskRecovery": "risk_recovery",
    "riskRecoveryStatus": "risk_recovery_status",
    "description": "description",
    "autograph": "autograph",
    "process": "process",
}


def _header(root: etree._Element, spec: PackageSpec) -> None:
    header = sub(root, E("eadheader"), countryencoding="iso3166-1", dateencoding="iso8601", langencoding="iso639-2b")
    sub(header, E("eadid"), spec.package_id, countrycode="VN")
    titlestmt = sub(sub(header, E("filedesc")), E("titlestmt"))
    sub(titlestmt, E("titleproper"), spec.label)
    profile = sub(header, E("profiledesc"))
    creation = sub(profile, E("creation"), f"{spec.software_name} {spec.software_version} ")
    sub(creation, E("date"), spec.created.date().isoformat(), normal=spec.created.date().isoformat())
    sub(sub(profile, E("langusage")), E("language"), "Tiếng Việt", langcode="vie")


def build_ead(spec: PackageSpec) -> bytes:
    """Return the EAD 2002 document describing the package's fonds, records and documents.

    Raises:
        PackageWriteError: A date field is not in a TT05 form.
    """
    nsmap = {None: EAD_NS, "xlink": XLINK_NS, "xsi": XSI_NS}
    root = etree.Element(E("ead"), nsmap=nsmap)  # type: ignore[arg-type]  # lxml-stubs: None prefix
    root.set(q(XSI_NS, "schemaLocation"), _SCHEMA_LOCATION)
    _header(root, spec)
    level = {"level": "fonds"} if spec.fonds else {"level": "otherlevel", "otherlevel": f"AIP_{spec.tt05_kind}"}
    archdesc = sub(root, E("archdesc"), **level)
    did = sub(archdesc, E("did"))
    sub(did, E("unitid"), spec.fonds.code if spec.fonds else spec.package_id)
    sub(did, E("unittitle"), spec.fonds.name if spec.fonds else spec.label)
    agency = spec.submitting_agency
    sub(sub(did, E("origination")), E("corpname"), agency.name, authfilenumber=agency.code)
    if spec.archival_agency:
        archive = spec.archival_agency
        sub(sub(did, E("repository")), E("corpname"), archive.name, authfilenumber=archive.code)
    dsc = sub(archdesc, E("dsc"))
    for record in sorted(spec.records, key=lambda r: r.file_code):
        _record(dsc, record)
    return serialise(root)
