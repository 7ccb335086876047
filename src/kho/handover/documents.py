"""Build the handover documents of one fonds (standards.md §4) and write them as PDF or XLSX.

``build_handover_documents(fonds, receiver, root_hash, ...)`` is what ``kho handover documents`` and the
package exporter call. It reads the database into ``layout.model`` dataclasses (policy-filtered for a
signed-in user; ``user=None`` is the local operator, who sees everything), renders four files, and records
one ``access`` event naming the files and their SHA-256; a file left unlogged is removed.

The documents are always worded in Vietnamese (they are legal forms): the texts go through gettext under
``translation.override("vi")``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kho.access.levels import Action
from kho.access.policies import check as check_access
from kho.access.policies import visible
from kho.agencies.models import Agency, PoliticalSystem, RelationKind
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core import codetables as ct
from kho.core.exceptions import BadInputError
from kho.core.numwords import number_to_vietnamese_words
from kho.handover import _inventories as inv
from kho.handover.layout import pdf, xlsx
from kho.handover.layout.model import HandoverBundle, HandoverRecord, Party
from kho.handover.models import Custody, ParticipantRole, ReorganizationEvent
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.models import Blob

__all__ = ["DocumentFormat", "HandoverOptions", "build_bundle", "build_handover_documents", "parse_root_hash"]

_ROOT_HASH = re.compile(r"sha256:[0-9a-f]{64}")


class DocumentFormat(StrEnum):
    """Output formats of the handover documents."""

    PDF = "pdf"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class HandoverOptions:
    """What the operator adds by hand: decision, place, representatives, shelf metres, the document date."""

    decision: str = ""
    place: str = ""
    giver_name: str = ""
    giver_position: str = ""
    receiver_name: str = ""
    receiver_position: str = ""
    shelf_metres: Decimal | None = None
    today: dt.date | None = None


def parse_root_hash(text: str | None) -> str | None:
    """``sha256:<64 hex>`` in lower case, or None for no hash.

    Raises:
        BadInputError: any other form.
    """
    if not text:
        return None
    value = text.strip().lower()
    if not _ROOT_HASH.fullmatch(value):
        raise BadInputError(_("Mã băm gốc “%(value)s” không hợp lệ: cần dạng sha256:<64 chữ số hex>."), value=text[:80])
    return value


def _scoped(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs if user is None else visible(user, Action.HANDOVER, qs)


def _date_words(day: dt.date) -> str:
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": day.year}


def _count_words(count: int, unit: str) -> str:
    return f"{count} ({number_to_vietnamese_words(count)}) {unit}"


def _size(total: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if total >= factor:
            return f"{total / factor:.1f}".replace(".", ",") + f" {unit}"
    return f"{total} byte"


def _giver(fonds: Fonds, receiver: Agency) -> Agency:
    """Who hands the fonds over: its current custodian, or the one before if ``receiver`` already holds it.

    Custody has passed to the receiver when the reorganization was applied before the documents were
    made; with no custody recorded at all, the creating agency hands over.
    """
    links = list(Custody.objects.filter(fonds=fonds).select_related("holder__parent").order_by("-id")[:2])
    if links and links[0].to_date is None and links[0].holder_id == receiver.pk:
        return links[1].holder if len(links) > 1 else fonds.agency
    if links and links[0].to_date is None:
        return links[0].holder
    return fonds.agency


def _act_name(number: str) -> str:
    """The kind of act from its symbol: "1680/NQ-UBTVQH15" → "Nghị quyết", "64-CV/TW" → "Công văn"."""
    match = re.match(r"\s*\d+\s*(?:/(?:\d{4}/)?([^-/\s]+)|-([^-/\s]+)/)", number)
    abbreviation = (match.group(1) or match.group(2)) if match else ""
    code = ct.TYPE_ABBREVIATION.get(abbreviation or "")
    return ct.DOC_TYPE[code] if code and code != ct.DOC_TYPE_OTHER else _("văn bản")


def _legal_basis(fonds: Fonds, decision: str) -> list[str]:
    lines = [
        _("Căn cứ Luật Lưu trữ số 33/2024/QH15;"),
        _("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"),
    ]
    if decision:
        return [*lines, _("Căn cứ %(decision)s;") % {"decision": decision.rstrip(";. ")}]
    event = (
        ReorganizationEvent.objects.filter(
            applied_at__isnull=False,
            participants__role=ParticipantRole.PREDECESSOR,
            participants__agency=fonds.agency,
        )
        .exclude(kind=RelationKind.RENAME)
        .order_by("-effective_date", "-id")
        .first()
    )
    if event is not None:
        lines.append(
            _("Căn cứ %(act)s số %(decision)s về việc %(kind)s %(agency)s;")
            % {
                "act": _act_name(event.decision_number),
                "decision": event.legal_basis(),
                "kind": RelationKind(event.kind).label.lower(),
                "agency": fonds.agency.name,
            }
        )
    return lines


def _time_span(fonds: Fonds, records: QuerySet[Record]) -> str:
    span = records.aggregate(start=Min("start_date"), end=Max("end_date"))
    first = span["start"].year if span["start"] else fonds.start_year
    last = span["end"].year if span["end"] else fonds.end_year
    text = f"{first} - {last}" if first and last and first != last else str(first or last or "…")
    return _("2. Thời gian của tài liệu: %(span)s.") % {"span": text}


def _quantity(records: QuerySet[Record], documents: QuerySet[Document], options: HandoverOptions) -> list[str]:
    boxes = records.exclude(box="").values("box").distinct().count()
    objects = DigitalObject.objects.filter(document__in=documents)
    e_records = records.filter(documents__digital_objects__isnull=False).distinct().count()
    size = Blob.objects.filter(pk__in=objects.values("blob_id")).aggregate(total=Sum("size"))["total"] or 0
    metres = options.shelf_metres
    return [
        _("Tổng số hộp (cặp): %(boxes)s") % {"boxes": _count_words(boxes, _("hộp")) if boxes else "……"},
        _("Tổng số hồ sơ (đơn vị bảo quản): %(records)s") % {"records": _count_words(records.count(), _("hồ sơ"))},
        _("Quy ra mét giá: %(metres)s") % {"metres": f"{metres} mét".replace(".", ",") if metres else "……"},
        _("Tài liệu điện tử: %(records)s, %(files)s; tổng dung lượng %(size)s")
        % {
            "records": _count_words(e_records, _("hồ sơ")),
            "files": _count_words(objects.count(), _("tệp tin")),
            "size": _size(size),
        },
    ]


def _condition(records: QuerySet[Record], documents: QuerySet[Document]) -> list[str]:
    states = dict(records.values_list("format").annotate(n=Count("pk")).order_by())
    physical = "; ".join(
        _("%(state)s: %(count)s hồ sơ") % {"state": label, "count": states[code]}
        for code, label in ct.PHYSICAL_STATE.items()
        if states.get(code)
    )
    files = DigitalObject.objects.filter(document__in=documents).aggregate(
        total=Count("pk"), ok=Count("pk", filter=Q(blob__last_fixity_ok=True))
    )
    return [
        _("Tình trạng vật lý: %(summary)s.") % {"summary": physical or _("chưa có hồ sơ")},
        _("Tệp tin điện tử đã kiểm tra toàn vẹn đạt: %(ok)s/%(total)s tệp.") % files,
    ]


def _without_prefix(name: str) -> str:
    """The fonds name without a leading "Phông", so the subtitle does not read "phông Phông …"."""
    head, _sep, rest = name.partition(" ")
    return rest if head.casefold() == "phông" and rest else name


def _handover_record(
    fonds: Fonds,
    receiver: Agency,
    root_hash: str | None,
    qs: tuple[QuerySet[Record], QuerySet[Document]],
    o: HandoverOptions,
) -> HandoverRecord:
    records, documents = qs
    giver = _giver(fonds, receiver)
    day = o.today or timezone.localdate()
    hash_text = root_hash or _("………………………… (ghi khi xuất gói tài liệu)")
    return HandoverRecord(
        party_header=fonds.agency.system == PoliticalSystem.PARTY,
        issuer=Party(giver.name, giver.parent.name if giver.parent else ""),
        place_date=f"{o.place or '……'}, {_date_words(day)}",
        title=_("BIÊN BẢN"),
        subtitle=_("Về việc giao nhận hồ sơ, tài liệu phông %(name)s") % {"name": _without_prefix(fonds.name)},
        legal_basis=_legal_basis(fonds, o.decision),
        giver=Party(giver.name, "", o.giver_name, o.giver_position),
        receiver=Party(receiver.name, "", o.receiver_name, o.receiver_position),
        fonds_line=_("1. Tên khối tài liệu giao nộp: %(name)s (mã phông %(code)s).")
        % {"name": fonds.name, "code": fonds.code},
        time_span=_time_span(fonds, records),
        quantity_lines=_quantity(records, documents, o),
        condition_lines=_condition(records, documents),
        inventory_line=_(
            "5. Mục lục hồ sơ, tài liệu nộp lưu kèm theo (%(records)s), mục lục văn bản trong hồ sơ và danh mục "
            "tài liệu mật."
        )
        % {"records": _count_words(records.count(), _("hồ sơ"))},
        root_hash_line=_("Mã băm SHA-256 của gói tài liệu điện tử: %(hash)s") % {"hash": hash_text},
        closing=_("Biên bản này được lập thành hai bản; mỗi bên giữ một bản./."),
    )


def build_bundle(
    fonds: Fonds, receiver: Agency, root_hash: str | None, *, user: Any = None, options: HandoverOptions | None = None
) -> HandoverBundle:
    """Read the database into the four documents (no file is written)."""
    options = options or HandoverOptions()
    if user is not None:
        check_access(user, Action.HANDOVER, fonds)
    records = _scoped(user, Record.objects.filter(fonds=fonds))
    documents = _scoped(user, Document.objects.filter(record__fonds=fonds))
    secret = Document.objects.filter(record__in=records, secrecy_level__gt=0)
    cleared = None if user is None else set(documents.filter(secrecy_level__gt=0).values_list("pk", flat=True))
    with translation.override("vi"):
        return HandoverBundle(
            stem=_safe(fonds.code),
            record=_handover_record(fonds, receiver, root_hash, (records, documents), options),
            inventory=inv.record_inventory(fonds, records),
            documents=inv.document_inventory(fonds, records, documents),
            secrets=inv.secret_list(fonds, secret, cleared),
        )


def _safe(code: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-" for ch in code).strip(".") or "phong"


Renderer = Callable[[Any, Path], Path]
_RENDERERS: dict[str, list[tuple[str, str, Renderer]]] = {
    DocumentFormat.PDF: [
        ("bien-ban-giao-nhan", "record", pdf.handover_record_pdf),
        ("muc-luc-ho-so", "inventory", pdf.record_inventory_pdf),
        ("muc-luc-van-ban", "documents", pdf.document_inventory_pdf),
        ("danh-muc-tai-lieu-mat", "secrets", pdf.secret_list_pdf),
    ],
    DocumentFormat.XLSX: [
        ("bien-ban-giao-nhan", "record", xlsx.handover_record_xlsx),
        ("muc-luc-ho-so", "inventory", xlsx.record_inventory_xlsx),
        ("muc-luc-van-ban", "documents", xlsx.document_inventory_xlsx),
        ("danh-muc-tai-lieu-mat", "secrets", xlsx.secret_list_xlsx),
    ],
}


def build_handover_documents(
    fonds: Fonds,
    receiver: Agency,
    root_hash: str | None = None,
    *,
    output_dir: Path,
    fmt: str = DocumentFormat.PDF,
    user: Any = None,
    options: HandoverOptions | None = None,
) -> list[Path]:
    """Write the handover record, the inventory of records, the document lists and the secret list.

    Returns the four paths, in that order (``<kind>-<fonds code>.<fmt>`` in ``output_dir``).

    Raises:
        BadInputError: bad format or root hash, receiver equal to the giver, or the folder is not writable.
        AccessDeniedError: a signed-in ``user`` may not hand this fonds over.
        FontNotAvailableError: no Vietnamese serif font for the PDF.
    """
    if fmt not in set(DocumentFormat):
        raise BadInputError(_("Định dạng “%(format)s” không hỗ trợ; dùng pdf hoặc xlsx."), format=fmt)
    root_hash = parse_root_hash(root_hash)
    if receiver.pk == _giver(fonds, receiver).pk:
        raise BadInputError(_("Bên nhận %(code)s trùng bên giao; chọn cơ quan nhận khác."), code=receiver.code)
    bundle = build_bundle(fonds, receiver, root_hash, user=user, options=options)
    paths = _write_all(bundle, fmt, output_dir)
    _record_access(fonds, receiver, root_hash, paths, user)
    return paths


def _write_all(bundle: HandoverBundle, fmt: str, output_dir: Path) -> list[Path]:
    written: list[Path] = []
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for prefix, part, render in _RENDERERS[fmt]:
            target = output_dir / f"{prefix}-{bundle.stem}.{fmt}"
            tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
            try:
                render(getattr(bundle, part), tmp)
                tmp.replace(target)
            finally:
                tmp.unlink(missing_ok=True)
            written.append(target)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise BadInputError(
            _("Không ghi được vào %(path)s: %(reason)s."),
            path=str(output_dir),
            reason=error.strerror or type(error).__name__,
        ) from error
    return written


def _record_access(fonds: Fonds, receiver: Agency, root_hash: str | None, paths: list[Path], user: Any) -> None:
    files = {}
    for path in paths:
        with path.open("rb") as handle:
            files[path.name] = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    try:
        with transaction.atomic():
            log.append(
                EventType.ACCESS,
                agent=log.user_agent(user) if user is not None else log.SYSTEM_AGENT,
                object_type="fonds",
                object_id=fonds.code,
                detail="handover documents generated",
                data={"receiver": receiver.code, "root_hash": root_hash, "files": files},
            )
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
