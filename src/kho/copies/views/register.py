"""``copies/``: the copy register (Sổ quản lý sao, chụp) for security officers and leaders, and its XLSX book.

Users without the right get the same 404 as for a page that does not exist. The export's file name
carries the year and the date only, never a document's subject (standards.md §6.8).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from kho.copies.actions import log_register_export
from kho.copies.forms import RegisterFilterForm
from kho.copies.models import CopyEntry, CopyKind
from kho.copies.selectors import RegisterFilter, register_entries
from kho.copies.xlsx import RegisterRow, register_xlsx
from kho.core.codetables import SecrecyLevel
from kho.web.errors import page_view
from kho.web.paging import bounded_count, page_number, paginate

EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@page_view
def register(request: HttpRequest) -> HttpResponse:
    """The register, newest first, filtered by year, level, user and kind; paginated."""
    form = RegisterFilterForm(request.GET or None)
    qs = register_entries(request.user, form.filters()).reverse()
    context = {
        "form": form,
        "page": paginate(qs, page_number(request.GET.get("page"))),
        "count": bounded_count(qs),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "copies/register.html", context)


def _row(entry: CopyEntry) -> RegisterRow:
    return RegisterRow(
        number=entry.register_no,
        made_at=timezone.localtime(entry.made_at).strftime("%d/%m/%Y %H:%M"),
        document=" — ".join(filter(None, (entry.number_symbol, entry.doc_code))),
        level=SecrecyLevel(entry.secrecy_level).mark or "",
        kind=str(CopyKind(entry.kind).label) + (f" (trang {entry.page})" if entry.page else ""),
        copies=entry.copies,
        user=entry.user_display,
        purpose=entry.purpose,
        digest=entry.digest,
    )


def _subtitle(filters: RegisterFilter) -> str:
    parts = [f"Năm {filters.year}" if filters.year else "Mọi năm"]
    if filters.level:
        parts.append(f"Độ mật: {SecrecyLevel(filters.level).mark}")
    if filters.kind:
        parts.append(f"Hình thức: {CopyKind(filters.kind).label}")
    if filters.username:
        parts.append(f"Người sao chụp: {filters.username}")
    parts.append(f"Xuất lúc {timezone.localtime().strftime('%d/%m/%Y %H:%M')}")
    return " · ".join(parts)


@require_GET
@page_view
def register_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as an XLSX register book (at most ``EXPORT_LIMIT`` lines); the export is logged."""
    filters = RegisterFilterForm(request.GET or None).filters()
    entries = list(register_entries(request.user, filters)[:EXPORT_LIMIT])
    with translation.override("vi"):
        rows = [_row(entry) for entry in entries]
        data = register_xlsx("SỔ QUẢN LÝ SAO, CHỤP BÍ MẬT NHÀ NƯỚC", _subtitle(filters), rows)
    with transaction.atomic():
        log_register_export(request.user, len(rows), filters, request.META)
    name = f"so-sao-chup-{filters.year or 'moi-nam'}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["Cache-Control"] = "private, no-store"
    return response
