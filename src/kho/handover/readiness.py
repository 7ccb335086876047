"""Readiness of an agency's holdings before the agency ends: what still blocks a clean handover.

Checks, each a SQL-filtered queryset (policy-filtered for a signed-in user; ``user=None`` is the local
operator): records not digitized or not verified; documents missing key metadata (number/symbol, date,
type, subject); files whose fixity was not checked in the last N days or failed; records whose sheet
count (``number_of_paper``) disagrees with the scanned pages (a sheet has one or two scanned sides, so
sheets ≤ pages ≤ 2 × sheets); and the days left before the agency's end date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kho.access.levels import Action
from kho.access.policies import visible
from kho.agencies.models import Agency
from kho.handover.layout.model import ReadinessReport, ReadinessSection
from kho.handover.models import ENDING_KINDS, ParticipantRole, ReadinessSnapshot, ReorganizationEvent
from kho.records.choices import DigitizationStatus
from kho.records.inventory import values as v
from kho.records.models import DigitalObject, Document, Fonds, Record

__all__ = ["DEFAULT_FIXITY_DAYS", "MAX_ROWS", "build_readiness", "end_date_of", "report_dict", "save_snapshot"]

DEFAULT_FIXITY_DAYS = 30
MAX_ROWS = 1000  # rows shown per check; the count is always exact


def _scoped(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs if user is None else visible(user, Action.EXPORT, qs)


def end_date_of(agency: Agency) -> dt.date | None:
    """The agency's ``valid_to``, else the date of a stored (not yet applied) event that will end it."""
    if agency.valid_to:
        return agency.valid_to
    event = (
        ReorganizationEvent.objects.filter(
            kind__in=ENDING_KINDS,
            participants__role=ParticipantRole.PREDECESSOR,
            participants__agency=agency,
        )
        .order_by("effective_date")
        .first()
    )
    return event.effective_date if event else None


def _section(
    key: str, title: str, columns: list[str], qs: QuerySet[Any], row: Callable[[Any], list[str]]
) -> ReadinessSection:
    count = qs.count()
    rows = [row(item) for item in qs[:MAX_ROWS]]
    more = _("… và %(count)s mục khác (xem bản JSON hoặc thu hẹp phạm vi).") % {"count": count - len(rows)}
    return ReadinessSection(key, title, columns, rows, count, more if count > len(rows) else "")


def _records_not_ready(records: QuerySet[Record]) -> ReadinessSection:
    qs = records.exclude(digitization_status=DigitizationStatus.VERIFIED).order_by("file_code")
    return _section(
        "records",
        _("Hồ sơ chưa số hóa hoặc chưa kiểm tra"),
        ["STT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Tình trạng số hóa"],
        qs.values_list("file_code", "title", "digitization_status"),
        lambda r: [r[0], r[1], str(DigitizationStatus(r[2]).label)],
    )


def _missing(d: dict[str, Any]) -> str:
    labels = []
    if not d["number_symbol"] and not d["code_number"]:
        labels.append(_("số, ký hiệu"))
    if d["issued_date"] is None:
        labels.append(_("ngày tháng"))
    if not d["type_code"] and not d["type_name"]:
        labels.append(_("tên loại"))
    if not d["subject"]:
        labels.append(_("trích yếu"))
    return ", ".join(labels)


def _metadata_gaps(documents: QuerySet[Document]) -> ReadinessSection:
    gap = (
        Q(number_symbol="", code_number="")
        | Q(issued_date__isnull=True)
        | Q(type_code="", type_name="")
        | Q(subject="")
    )
    fields = ("doc_code", "number_symbol", "code_number", "issued_date", "type_code", "type_name", "subject")
    return _section(
        "metadata",
        _("Tài liệu thiếu siêu dữ liệu chính (số, ký hiệu; ngày; tên loại; trích yếu)"),
        ["STT", "Mã tài liệu", "Thiếu"],
        documents.filter(gap).order_by("doc_code").values(*fields),
        lambda d: [d["doc_code"], _missing(d)],
    )


def _fixity(objects: QuerySet[DigitalObject], cutoff: dt.datetime) -> ReadinessSection:
    stale = Q(blob__last_fixity_at__isnull=True) | Q(blob__last_fixity_at__lt=cutoff) | Q(blob__last_fixity_ok=False)
    fields = ("document__doc_code", "filename", "blob__last_fixity_at", "blob__last_fixity_ok")

    def row(o: tuple[Any, ...]) -> list[str]:
        if o[3] is False:
            state = _("lỗi toàn vẹn")
        elif o[2] is None:
            state = _("chưa kiểm tra")
        else:
            state = _("kiểm tra lần cuối %(date)s") % {"date": v.format_date(timezone.localdate(o[2]))}
        return [o[0], o[1], state]

    return _section(
        "fixity",
        _("Tệp chưa kiểm tra toàn vẹn gần đây hoặc bị lỗi"),
        ["STT", "Mã tài liệu", "Tên tệp", "Tình trạng"],
        objects.filter(stale).order_by("document__doc_code", "filename").values_list(*fields),
        row,
    )


def _sheet_mismatch(records: QuerySet[Record]) -> ReadinessSection:
    qs = (
        records.filter(number_of_paper__isnull=False)
        .annotate(pages=Sum("documents__number_of_page"))
        .filter(pages__gt=0)
        .filter(Q(pages__lt=F("number_of_paper")) | Q(pages__gt=2 * F("number_of_paper")))
        .order_by("file_code")
    )
    return _section(
        "sheets",
        _("Hồ sơ có số tờ không khớp số trang đã quét"),
        ["STT", "Mã hồ sơ", "Số tờ", "Số trang đã quét"],
        qs.values_list("file_code", "number_of_paper", "pages"),
        lambda r: [r[0], str(r[1]), str(r[2])],
    )


def _numbered(sections: Iterable[ReadinessSection]) -> list[ReadinessSection]:
    return [
        ReadinessSection(
            s.key, s.title, s.columns, [[str(n), *r] for n, r in enumerate(s.rows, 1)], s.count, s.more_text
        )
        for s in sections
    ]


def build_readiness(
    agency: Agency, *, fixity_days: int = DEFAULT_FIXITY_DAYS, user: Any = None, today: dt.date | None = None
) -> ReadinessReport:
    """The readiness report of ``agency`` (all its fonds), as of ``today`` (default: the local date)."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - timedelta(days=fixity_days)
    records = _scoped(user, Record.objects.filter(fonds__agency=agency))
    documents = _scoped(user, Document.objects.filter(record__fonds__agency=agency))
    objects = _scoped(user, DigitalObject.objects.filter(document__record__fonds__agency=agency))
    end = end_date_of(agency)
    days_left = (end - today).days if end else None
    with translation.override("vi"):
        sections = _numbered(
            [_records_not_ready(records), _metadata_gaps(documents), _fixity(objects, cutoff), _sheet_mismatch(records)]
        )
        heading = [
            _("Cơ quan: %(name)s (mã %(code)s)") % {"name": agency.name, "code": agency.code},
            _("Ngày lập: %(date)s; kiểm tra toàn vẹn trong %(days)s ngày gần nhất")
            % {"date": v.format_date(today), "days": fixity_days},
            _days_line(end, days_left),
        ]
        report = ReadinessReport(
            agency_code=agency.code,
            agency_name=agency.name,
            title=_("BÁO CÁO MỨC SẴN SÀNG GIAO NHẬN TÀI LIỆU"),
            heading_lines=heading,
            today=today,
            end_date=end,
            days_left=days_left,
            fixity_days=fixity_days,
            fonds=list(
                _scoped(user, Fonds.objects.filter(agency=agency)).order_by("code").values_list("code", flat=True)
            ),
            totals={"records": records.count(), "documents": documents.count(), "objects": objects.count()},
            sections=sections,
            summary_line=_summary(sections),
        )
    return report


def _days_line(end: dt.date | None, days_left: int | None) -> str:
    if end is None or days_left is None:
        return _("Chưa có ngày kết thúc hoạt động.")
    if days_left < 0:
        return _("Đã kết thúc hoạt động từ %(date)s (%(days)s ngày trước).") % {
            "date": v.format_date(end),
            "days": -days_left,
        }
    return _("Kết thúc hoạt động ngày %(date)s: còn %(days)s ngày.") % {"date": v.format_date(end), "days": days_left}


def _summary(sections: list[ReadinessSection]) -> str:
    open_items = sum(s.count for s in sections)
    if not open_items:
        return _("Sẵn sàng giao nhận: không còn tồn tại nào.")
    return _("Chưa sẵn sàng: còn %(count)s mục cần xử lý.") % {"count": open_items}


def report_dict(report: ReadinessReport) -> dict[str, Any]:
    """JSON-ready form of a report (``--format json``)."""
    return {
        "agency": report.agency_code,
        "name": report.agency_name,
        "today": report.today.isoformat(),
        "end_date": report.end_date.isoformat() if report.end_date else None,
        "days_left": report.days_left,
        "fixity_days": report.fixity_days,
        "fonds": report.fonds,
        "totals": report.totals,
        "ready": report.ready,
        "checks": {
            s.key: {"title": s.title, "count": s.count, "columns": s.columns, "rows": s.rows} for s in report.sections
        },
    }


def save_snapshot(agency: Agency, report: ReadinessReport) -> ReadinessSnapshot:
    """Keep the counts of ``report`` (to follow progress towards the end date)."""
    return ReadinessSnapshot.objects.create(
        agency=agency,
        taken_on=report.today,
        end_date=report.end_date,
        fixity_days=report.fixity_days,
        counts={**report.totals, **{s.key: s.count for s in report.sections}, "days_left": report.days_left},
    )
