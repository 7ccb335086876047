"""Ground truth of one synthetic document (:class:`DocumentSpec`) and a random generator for it.

The first 16 keys have the meaning of ``kho.ingest.extract.ExtractedMetadata``: text as printed (NFC),
the summary without its "V/v"/"Về việc" prefix, authority lines joined by " / ", recipients = the
"Kính gửi" and "Nơi nhận" entries without "Lưu: …". The extra keys (system, summary_prefix, addressees,
distribution, body, pages) carry what the renderer needs to draw the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any

from kho.core.codetables import DOC_TYPE, DOC_TYPE_OTHER, SecrecyLevel, Urgency
from kho.core.text import nfc
from kho.samples._bodies import ABBREVIATIONS, BodyWriter
from kho.samples._dates import pad_number, place_date_line
from kho.samples._issuers import Issuer, make_issuer
from kho.samples._layout import layout_document
from kho.samples._vocab import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, PARTY_SUMMARIES, STATE_SUMMARIES

__all__ = ["DocumentSpec", "random_spec"]

_CODE_BY_NAME = {name: code for code, name in DOC_TYPE.items()}
_TYPE_WEIGHTS = {
    "Công văn": 35, "Quyết định": 18, "Kế hoạch": 12, "Báo cáo": 10, "Thông báo": 9, "Tờ trình": 9,
    "Công điện": 5, "Nghị quyết": 18, "Kết luận": 14,
}  # fmt: skip
# Roughly 10 % secret and 10 % urgent (cumulative thresholds on one uniform draw).
_SECRECY = ((0.06, SecrecyLevel.MAT), (0.09, SecrecyLevel.TOI_MAT), (0.10, SecrecyLevel.TUYET_MAT))
_URGENCY = ((0.06, Urgency.KHAN), (0.085, Urgency.THUONG_KHAN), (0.10, Urgency.HOA_TOC))


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """Everything printed on one synthetic document, i.e. the expected extractor output.

    Attributes:
        issuer: Issuing body as printed, e.g. "SỞ NỘI VỤ".
        issuer_parent: Superior body printed above it, e.g. "UBND TỈNH QUẢNG NINH", or None.
        number: Number as printed ("05").
        number_symbol: Number and symbol without "Số", e.g. "05/QĐ-UBND" or "12-CV/TU".
        doc_type: Type name ("Quyết định", "Kết luận" …).
        doc_type_code: TT05 typeName code (codetables.DOC_TYPE; "32" for Party-only types).
        issued_date: ISO date.
        place: Place name of the place-date line.
        summary: Summary (trích yếu) without its "V/v" or "Về việc" prefix.
        signer: Full name of the signer.
        signer_title: Position line in upper case, or None (T/M BAN BÍ THƯ has none).
        signer_authority: Authority lines (TM./KT./TL./T/M/K/T/T/L) joined by " / ", or None.
        classification: None, "MẬT", "TỐI MẬT" or "TUYỆT MẬT".
        urgency: None, "KHẨN", "THƯỢNG KHẨN" or "HỎA TỐC".
        recipients: "Kính gửi" then "Nơi nhận" entries, without duplicates and without "Lưu: …".
        references: Number/symbols cited in the body, in order of first citation.
        system: "state" or "party".
        summary_prefix: "V/v", "Về việc" or "" (printed before the summary).
        addressees: "Kính gửi" entries (empty when the document has none).
        distribution: "Nơi nhận" entries as printed, without dash and final punctuation, ending with
            the "Lưu: VT, …" (State) or "Lưu Văn phòng …" (Party) entry.
        body: Body paragraphs.
        pages: Number of pages the renderer produces with the fonts found on this machine.
    """

    issuer: str
    issuer_parent: str | None
    number: str
    number_symbol: str
    doc_type: str
    doc_type_code: str
    issued_date: str
    place: str
    summary: str
    signer: str
    signer_title: str | None
    signer_authority: str | None
    classification: str | None
    urgency: str | None
    recipients: tuple[str, ...]
    references: tuple[str, ...]
    system: str
    summary_prefix: str
    addressees: tuple[str, ...]
    distribution: tuple[str, ...]
    body: tuple[str, ...]
    pages: int

    @property
    def date(self) -> dt.date:
        """The issue date as a :class:`datetime.date`."""
        return dt.date.fromisoformat(self.issued_date)

    @property
    def printed_summary(self) -> str:
        """The summary as printed, with its prefix: "V/v bàn giao hồ sơ …"."""
        return f"{self.summary_prefix} {self.summary}" if self.summary_prefix else self.summary

    @property
    def number_line(self) -> str:
        """The number line as printed: "Số: 05/QĐ-UBND" (State) or "Số 12-CV/TU" (Party)."""
        return f"Số {self.number_symbol}" if self.system == "party" else f"Số: {self.number_symbol}"

    @property
    def place_date_line(self) -> str:
        """The place-date line, e.g. "Quảng Ninh, ngày 05 tháng 3 năm 2025"."""
        return place_date_line(self.place, self.date)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (tuples become lists), keys in field order."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in dataclasses.fields(self)
        }

    def to_json(self) -> str:
        """Return stable, human-readable JSON (UTF-8 text, not ASCII-escaped, trailing newline)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentSpec:
        """Build a spec from :meth:`to_dict` output (lists become tuples)."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            value = data[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
        return cls(**values)


def _person(rng: random.Random) -> str:
    male = rng.random() < 0.6
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[male])} {rng.choice(GIVEN_NAMES[male])}"


def _issue_date(rng: random.Random) -> dt.date:
    if rng.random() < 0.75:
        return dt.date(2025, 1, 2) + dt.timedelta(days=rng.randint(0, 362))
    return dt.date(2024, 1, 2) + dt.timedelta(days=rng.randint(0, 362))


def _symbol(rng: random.Random, issuer: Issuer, doc_type: str, number: str, year: int) -> str:
    if issuer.system == "party":
        return f"{number}-{ABBREVIATIONS[doc_type]}/{issuer.code}"
    if doc_type == "Công văn":
        if issuer.units == ("VP",) and rng.random() < 0.5:
            return f"{number}/{issuer.code}"
        return f"{number}/{issuer.code}-{rng.choice(issuer.units)}"
    if doc_type == "Quyết định" and issuer.code == "UBND" and rng.random() < 0.15:
        return f"{number}/{year}/QĐ-{issuer.code}"  # legal normative documents carry the year
    return f"{number}/{ABBREVIATIONS[doc_type]}-{issuer.code}"


def _marks(rng: random.Random, doc_type: str) -> tuple[str | None, str | None]:
    draw = rng.random()
    secrecy = next((level.mark for limit, level in _SECRECY if draw < limit), None)
    draw = rng.random()
    urgency = next((str(u) for limit, u in _URGENCY if draw < limit), None)
    if doc_type == "Công điện" and urgency is None:
        urgency = str(rng.choice((Urgency.HOA_TOC, Urgency.THUONG_KHAN, Urgency.KHAN)))
    return secrecy, urgency


def _addressees(rng: random.Random, issuer: Issuer, doc_type: str) -> tuple[str, ...]:
    if doc_type in ("Công văn", "Công điện"):
        return tuple(rng.sample(issuer.addressees, rng.randint(1, 2)))
    if doc_type == "Tờ trình" or (doc_type == "Báo cáo" and rng.random() < 0.5):
        return (rng.choice(issuer.superiors),)
    return ()


def _distribution(rng: random.Random, issuer: Issuer, addressees: tuple[str, ...]) -> tuple[str, ...]:
    first = ("Như trên",) if addressees else ()
    count = rng.randint(1, 3) if addressees else rng.randint(2, 4)
    pool = [c for c in issuer.copies if c not in addressees]
    copies = rng.sample(pool, min(count, len(pool)))
    return (*first, *copies, issuer.archive)


def _recipients(addressees: tuple[str, ...], distribution: tuple[str, ...]) -> tuple[str, ...]:
    """Kính gửi + Nơi nhận without the archive copy ("Lưu …"), as the extractor reports them."""
    kept = [entry for entry in (*addressees, *distribution) if not entry.startswith("Lưu")]
    return tuple(dict.fromkeys(kept))


def _split_summary(printed: str) -> tuple[str, str]:
    for prefix in ("V/v", "Về việc"):
        if printed.startswith(prefix + " "):
            return prefix, printed.removeprefix(prefix + " ")
    return "", printed


def _summary(rng: random.Random, issuer: Issuer, doc_type: str, date: dt.date) -> str:
    pool = PARTY_SUMMARIES if issuer.system == "party" else STATE_SUMMARIES
    template = rng.choice(pool[doc_type])
    body = issuer.org.removeprefix("Ban Thường vụ ")
    return template.format(
        year=date.year, next_year=date.year + 1, prev_year=date.year - 1, where=issuer.where, body=body
    )


def _number(rng: random.Random, issuer: Issuer) -> str:
    high = 300 if issuer.code in ("UBND", "ĐU", "HU") else 2500
    # Small numbers are common early in a year or a term; include them to exercise zero-padding.
    return pad_number(rng.randint(1, 9) if rng.random() < 0.2 else rng.randint(10, high))


def random_spec(rng: random.Random, system: str | None = None) -> DocumentSpec:
    """Return a random, realistic State or Party document.

    Args:
        rng: Source of randomness; the same seed gives the same spec.
        system: "state", "party", or None for a 65/35 mix.

    Returns:
        A spec whose ``pages`` is the page count of the rendered document.

    Raises:
        ValueError: ``system`` is not "state", "party" or None.
        FontNotFoundError: no usable font to lay out the pages.
    """
    if system is None:
        system = "state" if rng.random() < 0.65 else "party"
    if system not in ("state", "party"):
        msg = f"system must be 'state' or 'party', not {system!r}"
        raise ValueError(msg)
    date = _issue_date(rng)
    issuer = make_issuer(rng, system, date)
    doc_type = rng.choices(issuer.types, weights=[_TYPE_WEIGHTS[t] for t in issuer.types])[0]
    number = _number(rng, issuer)
    summary = _summary(rng, issuer, doc_type, date)
    prefix, bare_summary = _split_summary(summary)
    classification, urgency = _marks(rng, doc_type)
    authority, title = rng.choice(issuer.signers)
    addressees = _addressees(rng, issuer, doc_type)
    distribution = _distribution(rng, issuer, addressees)
    writer = BodyWriter(rng, issuer, doc_type, date, summary)
    body = writer.paragraphs()
    spec = DocumentSpec(
        issuer=issuer.name, issuer_parent=issuer.parent, number=number,
        number_symbol=_symbol(rng, issuer, doc_type, number, date.year), doc_type=doc_type,
        doc_type_code=_CODE_BY_NAME.get(doc_type, DOC_TYPE_OTHER), issued_date=date.isoformat(),
        place=issuer.place, summary=bare_summary, signer=_person(rng), signer_title=title,
        signer_authority=authority, classification=classification, urgency=urgency,
        recipients=_recipients(addressees, distribution), references=tuple(dict.fromkeys(writer.references)),
        system=system, summary_prefix=prefix, addressees=addressees, distribution=distribution,
        body=tuple(body), pages=0,
    )  # fmt: skip
    spec = _normalised(spec)
    return dataclasses.replace(spec, pages=len(layout_document(spec).pages))


def _normalised(spec: DocumentSpec) -> DocumentSpec:
    """Return ``spec`` with every string NFC-normalised (style.md rule 16)."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(spec):
        value = getattr(spec, f.name)
        if isinstance(value, str):
            changes[f.name] = nfc(value)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(nfc(v) for v in value)
    return dataclasses.replace(spec, **changes)
