"""Forms of the copies screens: the purpose asked before printing and the register filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kho.copies.models import CopyKind
from kho.copies.selectors import RegisterFilter
from kho.core.text import clean
from kho.records import choices as c

ANY: list[tuple[Any, Any]] = [("", _("Tất cả"))]


class PrintForm(forms.Form):
    """Why a classified document is printed (written in the copy register)."""

    purpose = forms.CharField(
        label=_("Mục đích in"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ghi vào sổ quản lý sao, chụp cùng số bản sao."),
    )

    def clean_purpose(self) -> str:
        """NFC, single spaces."""
        return clean(self.cleaned_data.get("purpose"))


class RegisterFilterForm(forms.Form):
    """Filters of the copy register."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1, max_value=9999)
    level = forms.TypedChoiceField(
        label=_("Độ mật"), required=False, choices=ANY + c.SECRECY_CHOICES[1:], coerce=int, empty_value=None
    )
    user = forms.CharField(label=_("Người sao chụp (tên đăng nhập)"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Hình thức"), required=False, choices=ANY + CopyKind.choices)

    def filters(self) -> RegisterFilter:
        """The valid filters (an invalid field is ignored and shown with its error)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else getattr(self, "cleaned_data", {})
        return RegisterFilter(
            year=data.get("year"),
            level=data.get("level"),
            username=(data.get("user") or "").strip(),
            kind=data.get("kind") or "",
        )
