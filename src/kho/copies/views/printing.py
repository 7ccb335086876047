"""``documents/<code>/print/``: ask why, then serve a marked, registered copy of a classified PDF to print."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kho.copies.forms import PrintForm
from kho.copies.models import CopyKind
from kho.copies.serve import is_classified, marked_file_response
from kho.web.errors import page_view
from kho.web.queries import readable_pdf


@require_http_methods(["GET", "POST"])
@page_view
def print_copy(request: HttpRequest, code: str) -> HttpResponseBase:
    """GET: the purpose form; POST: the marked PDF inline (kind ``print``), entered in the copy register.

    The PDF is found among the files the user may download, so a hidden and a missing document answer
    the same 404. An unclassified document needs no register: its plain PDF is printed instead.
    """
    pdf = readable_pdf(request.user, code)
    if not is_classified(pdf.document):
        return redirect("web:document-pdf", code=code)
    form = PrintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return marked_file_response(request, pdf, CopyKind.PRINT, purpose=form.cleaned_data["purpose"])
    context = {"document": pdf.document, "record": pdf.document.record, "form": form}
    return render(request, "copies/print.html", context, status=400 if form.errors else 200)
