"""Fonds → records → documents: lists with filters, indexed sorts and LIMIT n+1 pages; the record page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kho.access.levels import Action
from kho.access.policies import can, get_visible_or_404
from kho.access.selectors import documents_for, fonds_for, records_for
from kho.records.choices import FondsStatus
from kho.records.models import Document, Record
from kho.web.errors import page_view
from kho.web.forms import DocumentFilterForm, RecordFilterForm
from kho.web.paging import bounded_count, page_number, paginate, sort_by
from kho.web.queries import record_batches

FONDS_SORTS = {"code": ("code",), "-code": ("-code",), "name": ("name",)}
RECORD_SORTS = {"file_code": ("file_code",), "-file_code": ("-file_code",), "year": ("year",), "-year": ("-year",)}
DOCUMENT_SORTS = {
    "ordinal": ("ordinal",),
    "-ordinal": ("-ordinal",),
    "issued_date": ("issued_date",),
    "-issued_date": ("-issued_date",),
    "doc_code": ("doc_code",),
}
ALL_DOCUMENT_SORTS = {
    "-created": ("-id",),
    "doc_code": ("doc_code",),
    "issued_date": ("issued_date",),
    "-issued_date": ("-issued_date",),
}
SORT_LABELS = {
    "ordinal": _("Số thứ tự (tăng)"),
    "-ordinal": _("Số thứ tự (giảm)"),
    "-created": _("Mới nhận trước"),
    "doc_code": _("Mã lưu trữ"),
    "issued_date": _("Ngày ban hành (cũ trước)"),
    "-issued_date": _("Ngày ban hành (mới trước)"),
}


def _sort_choices(sorts: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    return [(key, str(SORT_LABELS[key])) for key in sorts]


def _list_context(
    request: HttpRequest, qs: QuerySet[Any], sorts: Mapping[str, Sequence[str]], default: str
) -> dict[str, Any]:
    ordered, sort = sort_by(qs, request.GET.get("sort"), sorts, default)
    return {"page": paginate(ordered, page_number(request.GET.get("page"))), "sort": sort, "count": bounded_count(qs)}


@page_view
def fonds_list(request: HttpRequest) -> HttpResponse:
    """The fonds the user may see, filtered by words and status."""
    qs = fonds_for(request.user, Action.VIEW).select_related("agency")
    words = request.GET.get("q", "").strip()
    if words:
        qs = qs.filter(Q(code__istartswith=words) | Q(name__icontains=words))
    status = request.GET.get("status", "")
    if status in FondsStatus.values:
        qs = qs.filter(status=status)
    context = _list_context(request, qs, FONDS_SORTS, "code")
    context.update({"q": words, "status": status, "statuses": FondsStatus.choices})
    return render(request, "web/fonds_list.html", context)


def _filter_records(qs: QuerySet[Record], form: RecordFilterForm) -> QuerySet[Record]:
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data.get("q"):
        qs = qs.filter(Q(file_code__istartswith=data["q"]) | Q(title__icontains=data["q"]))
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    if data.get("status"):
        qs = qs.filter(digitization_status=data["status"])
    if data.get("secrecy") is not None:
        qs = qs.filter(secrecy_level=data["secrecy"])
    return qs


@page_view
def fonds_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A fonds and its records."""
    fonds = get_visible_or_404(
        request.user, Action.VIEW, fonds_for(request.user, Action.VIEW).select_related("agency"), code=code
    )
    form = RecordFilterForm(request.GET or None)
    records = _filter_records(records_for(request.user, Action.VIEW).filter(fonds=fonds), form)
    context = _list_context(request, records, RECORD_SORTS, "file_code")
    context.update({"fonds": fonds, "form": form})
    return render(request, "web/fonds.html", context)


def _filter_documents(qs: QuerySet[Document], form: DocumentFilterForm) -> QuerySet[Document]:
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data.get("type"):
        qs = qs.filter(type_code=data["type"])
    if data.get("verification"):
        qs = qs.filter(verification_status=data["verification"])
    if data.get("year"):
        qs = qs.filter(issued_date__year=data["year"])
    return qs


@page_view
def record_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A record's TT05 metadata, its documents and its latest upload batches."""
    records = records_for(request.user, Action.VIEW).select_related("fonds__agency")
    record = get_visible_or_404(request.user, Action.VIEW, records, file_code=code)
    form = DocumentFilterForm(request.GET or None)
    documents = _filter_documents(documents_for(request.user, Action.VIEW).filter(record=record), form)
    context = _list_context(request, documents, DOCUMENT_SORTS, "ordinal")
    context.update(
        {
            "record": record,
            "form": form,
            "can_digitize": bool(can(request.user, Action.DIGITIZE, record)),
            "sorts": _sort_choices(DOCUMENT_SORTS),
            "batches": record_batches(record.pk),
        }
    )
    return render(request, "web/record.html", context)


@page_view
def document_list(request: HttpRequest) -> HttpResponse:
    """Every document the user may see (newest first), filtered by type, verification and year."""
    form = DocumentFilterForm(request.GET or None)
    documents = documents_for(request.user, Action.VIEW).select_related("record")
    context = _list_context(request, _filter_documents(documents, form), ALL_DOCUMENT_SORTS, "-created")
    context.update({"form": form, "sorts": _sort_choices(ALL_DOCUMENT_SORTS)})
    return render(request, "web/documents.html", context)
