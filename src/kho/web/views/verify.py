"""The verification screen: the page image beside the extracted metadata, low-confidence fields marked."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kho.access.levels import Action
from kho.access.policies import check
from kho.core.exceptions import NotFoundError
from kho.web import thumbs
from kho.web.actions import VerifyDocumentAction, low_confidence_fields
from kho.web.errors import page_view
from kho.web.forms import VerifyForm
from kho.web.queries import next_to_review, readable_pdf, visible_document


@page_view
def verify_document(request: HttpRequest, code: str) -> HttpResponse:
    """GET shows the form; POST "Lưu và duyệt" saves, approves and goes to the next document to review."""
    document = visible_document(request.user, code)
    check(request.user, Action.VERIFY, document)
    form = VerifyForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        result = VerifyDocumentAction(document, request.user, form.cleaned_data).execute()
        messages.success(
            request,
            _("Đã lưu và duyệt %(doc)s (%(count)s trường được sửa).")
            % {"doc": result.doc_code, "count": len(result.changed)},
        )
        following = next_to_review(request.user, document)
        if following is not None:
            return redirect("web:verify", code=following.doc_code)
        messages.info(request, _("Không còn tài liệu nào cần kiểm tra trong hồ sơ và phông này."))
        return redirect("web:record", code=document.record.file_code)
    try:
        pdf = readable_pdf(request.user, code)
    except NotFoundError:  # no PDF yet, or the user may not open files: verify from the metadata alone
        pdf = None
    total = thumbs.page_count(pdf.blob.digest) if pdf else 0
    try:
        page = min(max(int(request.GET.get("page", 1)), 1), max(total, 1))
    except ValueError:
        page = 1
    low = low_confidence_fields(document)
    form.mark_low(low)
    following = next_to_review(request.user, document)
    context = {
        "document": document,
        "form": form,
        "low": low,
        "fields": [(form[name], low.get(name)) for name in form.fields],
        "page": page,
        "pages": range(1, total + 1),
        "image_width": thumbs.WIDTHS[1],
        "next_url": reverse("web:verify", kwargs={"code": following.doc_code}) if following else None,
        "has_pdf": pdf is not None,
    }
    return render(request, "web/verify.html", context, status=400 if form.errors else 200)
