"""The security officer's review of the event log: list with filters, event detail, chain check, export.

Only users whose role allows ``audit_view`` (security officer, administrator) reach these screens; anyone
else gets Django's ordinary 404, the same page as for an address that does not exist. Every request here is
itself recorded by the access log (``kho.audit.middleware``): an export notes its format and row count, a
chain check its result.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kho.audit.export import ExportFormat, export_filename, write_events
from kho.audit.log import verify_chain
from kho.audit.middleware import note
from kho.audit.selectors import EventFilter, can_review, event_page, filtered_events, iter_events
from kho.audit.vocabulary import EventType, Outcome
from kho.core.text import clean
from kho.web.errors import page_view

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
ANY: list[tuple[str, Any]] = [("", gettext_lazy("Tất cả"))]
MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class EventFilterForm(forms.Form):
    """The review filters; every field is optional."""

    user = forms.CharField(label=gettext_lazy("Người dùng"), required=False, max_length=200)
    event_type = forms.ChoiceField(
        label=gettext_lazy("Loại sự kiện"), required=False, choices=ANY + [(t.value, t.value) for t in EventType]
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Kết quả"), required=False, choices=ANY + [(o.value, o.value) for o in Outcome]
    )
    object_id = forms.CharField(label=gettext_lazy("Đối tượng"), required=False, max_length=100)
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=forms.DateInput({"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=forms.DateInput({"type": "date"}))
    ip = forms.GenericIPAddressField(label=gettext_lazy("Địa chỉ IP"), required=False)

    def clean(self) -> dict[str, Any]:
        """NFC text; a start date after the end date is refused."""
        data = {k: clean(v) if isinstance(v, str) else v for k, v in (super().clean() or {}).items()}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return data

    def event_filter(self) -> EventFilter:
        """The valid filters as an ``EventFilter`` (call after ``is_valid()``)."""
        data = self.cleaned_data
        return EventFilter(
            user=data.get("user") or "",
            event_type=data.get("event_type") or "",
            outcome=data.get("outcome") or "",
            object_id=data.get("object_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            ip=data.get("ip") or "",
        )


def _reviewer(request: HttpRequest) -> None:
    """The same 404 as a missing page unless the user may review the log."""
    if not can_review(request.user):
        raise Http404


def _cursor(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _bound_form(request: HttpRequest) -> EventFilterForm:
    form = EventFilterForm(request.GET)
    form.is_valid()
    return form


@require_GET
@page_view
def audit_log(request: HttpRequest) -> HttpResponse:
    """The events, newest first, in keyset pages of ``PAGE_SIZE``; invalid filters show their errors."""
    _reviewer(request)
    form = _bound_form(request)
    page = None
    if form.is_valid():
        before, after = _cursor(request.GET.get("before")), _cursor(request.GET.get("after"))
        page = event_page(request.user, form.event_filter(), before=before, after=after, size=PAGE_SIZE)
    return render(request, "web/audit_log.html", {"form": form, "page": page})


@require_GET
@page_view
def audit_event(request: HttpRequest, seq: int) -> HttpResponse:
    """One event with all its stored fields and its place in the chain."""
    _reviewer(request)
    event = filtered_events(request.user, EventFilter()).filter(seq=seq).first()
    if event is None:
        raise Http404
    payload = event.payload
    context = {"event": event, "payload": payload, "ip": payload.get("ip") or payload.get("from") or ""}
    return render(request, "web/audit_event.html", context)


@require_POST
@page_view
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Re-hash the whole chain now and show the result, naming the first broken event."""
    _reviewer(request)
    report = verify_chain()
    reason = _(report.reason) % report.reason_params if report.reason else ""
    note(request, chain_ok=report.ok, checked=report.checked, broken_seq=report.broken_seq)
    return render(request, "web/audit_verify.html", {"report": report, "reason": reason})


@require_GET
@page_view
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse | FileResponse:
    """The filtered events (at most ``EXPORT_LIMIT``, newest first) as CSV or XLSX."""
    _reviewer(request)
    try:
        export_format = ExportFormat(fmt)
    except ValueError:
        raise Http404 from None
    form = _bound_form(request)
    if not form.is_valid():
        return render(request, "web/audit_log.html", {"form": form, "page": None}, status=400)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    try:
        count = write_events(iter_events(request.user, form.event_filter(), EXPORT_LIMIT), export_format, out)
    except BaseException:
        out.close()
        raise
    note(request, format=export_format.value, rows=count, limit_reached=count >= EXPORT_LIMIT)
    out.seek(0)
    response = FileResponse(
        out, as_attachment=True, filename=export_filename(export_format), content_type=MEDIA_TYPES[export_format]
    )
    response["Cache-Control"] = "private, no-store"
    return response
