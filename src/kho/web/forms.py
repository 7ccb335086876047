"""Forms of the web screens: list filters, the search form and the verification form.

Text from users is NFC-normalised at input (style.md rule 16). Choice lists of agencies and fonds come
from the user's policy-filtered querysets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kho.access.levels import Action
from kho.access.selectors import agencies_for, fonds_for
from kho.core.codetables import SecrecyLevel
from kho.core.text import clean
from kho.records import choices as c
from kho.records.models import Document
from kho.web.actions import VERIFY_FIELDS

MAX_OPTIONS = 500
ANY: list[tuple[Any, Any]] = [("", _("Tất cả"))]

if TYPE_CHECKING:
    _DocumentForm = forms.ModelForm[Document]
else:
    _DocumentForm = forms.ModelForm


def _nfc_strings(data: dict[str, Any]) -> dict[str, Any]:
    return {key: clean(value) if isinstance(value, str) else value for key, value in data.items()}


class RecordFilterForm(forms.Form):
    """Filters of the records of a fonds."""

    q = forms.CharField(label=_("Mã hoặc tiêu đề hồ sơ"), required=False, max_length=200)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1, max_value=9999)
    status = forms.ChoiceField(label=_("Tình trạng số hóa"), required=False, choices=ANY + c.DigitizationStatus.choices)
    secrecy = forms.TypedChoiceField(
        label=_("Độ mật"), required=False, choices=ANY + c.SECRECY_CHOICES, coerce=int, empty_value=None
    )

    def clean(self) -> dict[str, Any]:
        """NFC text."""
        return _nfc_strings(super().clean() or {})


class DocumentFilterForm(forms.Form):
    """Filters of a document list."""

    type = forms.ChoiceField(label=_("Tên loại"), required=False, choices=ANY + c.DOC_TYPE_CHOICES)
    verification = forms.ChoiceField(
        label=_("Tình trạng kiểm tra"), required=False, choices=ANY + c.VerificationStatus.choices
    )
    year = forms.IntegerField(label=_("Năm ban hành"), required=False, min_value=1, max_value=9999)


class SearchForm(forms.Form):
    """The search screen: words, and filters applied in SQL by the search backend."""

    q = forms.CharField(label=_("Từ khóa"), required=False, max_length=1000)
    agency = forms.TypedChoiceField(label=_("Cơ quan"), required=False, coerce=int, empty_value=None)
    fonds = forms.TypedChoiceField(label=_("Phông"), required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label=_("Tên loại"), required=False, choices=ANY + c.DOC_TYPE_CHOICES)
    year_from = forms.IntegerField(label=_("Từ năm"), required=False, min_value=1, max_value=9999)
    year_to = forms.IntegerField(label=_("Đến năm"), required=False, min_value=1, max_value=9999)
    secrecy = forms.TypedChoiceField(
        label=_("Độ mật"), required=False, choices=ANY + c.SECRECY_CHOICES, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Tình trạng số hóa"), required=False, choices=ANY + c.DigitizationStatus.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = agencies_for(user, Action.SEARCH).order_by("code").values_list("pk", "code", "name")[:MAX_OPTIONS]
        fonds = fonds_for(user, Action.SEARCH).order_by("code").values_list("pk", "code", "name")[:MAX_OPTIONS]
        agency_field = self.fields["agency"]
        fonds_field = self.fields["fonds"]
        assert isinstance(agency_field, forms.TypedChoiceField)  # noqa: S101 - for the type checker
        assert isinstance(fonds_field, forms.TypedChoiceField)  # noqa: S101 - for the type checker
        agency_field.choices = ANY + [(pk, f"{code} – {name}") for pk, code, name in agencies]
        fonds_field.choices = ANY + [(pk, f"{code} – {name}") for pk, code, name in fonds]

    def clean(self) -> dict[str, Any]:
        """NFC text; the year range must not run backwards."""
        data = _nfc_strings(super().clean() or {})
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            self.add_error("year_to", _("“Đến năm” không được trước “Từ năm”."))
        return data


class UploadForm(forms.Form):
    """The upload form without JavaScript: several files at once, optionally as pages of one document."""

    one_document = forms.BooleanField(label=_("Các tệp là các trang của cùng một tài liệu"), required=False)


class VerifyForm(_DocumentForm):
    """The metadata of one document as the verifier corrects it."""

    class Meta:
        model = Document
        fields = VERIFY_FIELDS
        widgets = {
            "subject": forms.Textarea(attrs={"rows": 3}),
            "autograph": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 2}),
            "issued_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def mark_low(self, low: dict[str, float]) -> None:
        """Tie each low-confidence field to its hint, for screen readers (``aria-describedby``)."""
        for name in low:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-conf"

    def clean(self) -> dict[str, Any]:
        """NFC text; secret documents use access mode 03; TUYỆT MẬT is never kept digitized."""
        data = _nfc_strings(super().clean() or {})
        level = data.get("secrecy_level")
        if level is not None and int(level) >= SecrecyLevel.TUYET_MAT:
            self.add_error(
                "secrecy_level",
                _("Tài liệu TUYỆT MẬT không được số hóa (Công văn 1479/BCA-ANCTNB): báo ngay cán bộ bảo mật."),
            )
        elif level and data.get("mode") != "03":
            self.add_error("mode", _("Tài liệu mật phải có chế độ sử dụng “03 - mật”."))
        return data
