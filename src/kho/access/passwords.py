"""Password policy: Django's validators with Vietnamese messages, plus a variety rule for agency accounts.

Listed in ``AUTH_PASSWORD_VALIDATORS``; ``validate_password`` (the ``kho users`` actions and any password
form) runs them all and reports every problem at once. Passwords are compared in NFC form, so a
password typed with a decomposed (NFD) Vietnamese keyboard setting counts its letters, not its marks.

The variety rule follows NIST SP 800-63B's advice against forced composition while still refusing the
weak long passwords people fall back to ("aaaaaaaaaaaa", "abcabcabcabc"): a password of at least
``passphrase_length`` characters (a passphrase, e.g. four words) only needs ``min_distinct`` different
characters; a shorter one must also mix at least ``min_classes`` of lower case, upper case, digits and
other characters (Vietnamese letters with marks count as letters).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kho.core.text import fold_vi, nfc

__all__ = [
    "CharacterVarietyValidator",
    "CommonPasswordValidator",
    "MinimumLengthValidator",
    "NumericPasswordValidator",
    "UserAttributeSimilarityValidator",
]

# Words an agency's users reach for first; refused whatever digits or marks are added around them.
LOCAL_COMMON_WORDS = frozenset(
    {"matkhau", "kholuutru", "luutru", "quantri", "quantrivien", "vanthu", "baomat", "admin", "password", "khoso"}
)


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    """At least ``min_length`` characters (12 in Kho's settings), counted after NFC normalisation."""

    def validate(self, password: str, user: Any = None) -> None:
        """Raise when too short."""
        super().validate(nfc(password), user)

    def get_error_message(self) -> str:
        """The Vietnamese message (``min_length`` is filled in by ``ValidationError``)."""
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        )

    def get_help_text(self) -> str:
        """The rule as help text."""
        return _("Mật khẩu có ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    """Not too similar to the user name, names or e-mail address."""

    def get_error_message(self) -> str:
        """The Vietnamese message (``verbose_name`` is filled in by ``ValidationError``)."""
        return _("Mật khẩu quá giống %(verbose_name)s của tài khoản.")

    def get_help_text(self) -> str:
        """The rule as help text."""
        return _("Mật khẩu không được giống tên đăng nhập hay thông tin cá nhân.")


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    """Not in Django's list of 20,000 common passwords, and not a common local word with digits added."""

    def validate(self, password: str, user: Any = None) -> None:
        """Raise when common."""
        super().validate(nfc(password), user)
        letters = "".join(ch for ch in fold_vi(nfc(password)).lower() if ch.isalpha())
        if letters in LOCAL_COMMON_WORDS:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self) -> str:
        """The Vietnamese message."""
        return _("Mật khẩu quá phổ biến, dễ bị đoán.")

    def get_help_text(self) -> str:
        """The rule as help text."""
        return _("Mật khẩu không được là mật khẩu phổ biến.")


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    """Not only digits."""

    def get_error_message(self) -> str:
        """The Vietnamese message."""
        return _("Mật khẩu không được chỉ gồm chữ số.")

    def get_help_text(self) -> str:
        """The rule as help text."""
        return _("Mật khẩu không được chỉ gồm chữ số.")


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters ``password`` uses."""
    text = nfc(password)
    return sum(
        (
            any(ch.islower() for ch in text),
            any(ch.isupper() for ch in text),
            any(ch.isdigit() for ch in text),
            any(not ch.isalnum() for ch in text),
        )
    )


class CharacterVarietyValidator:
    """A passphrase, or a shorter password mixing character classes; never a few characters repeated."""

    def __init__(self, passphrase_length: int = 20, min_classes: int = 3, min_distinct: int = 6) -> None:
        self.passphrase_length = passphrase_length
        self.min_classes = min_classes
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        """Raise with one message naming what is missing."""
        text = nfc(password)
        if len(set(text.casefold())) < self.min_distinct:
            raise ValidationError(
                _("Mật khẩu lặp lại quá ít ký tự: cần ít nhất %(min_distinct)d ký tự khác nhau."),
                code="password_too_repetitive",
                params={"min_distinct": self.min_distinct},
            )
        if len(text) < self.passphrase_length and character_classes(text) < self.min_classes:
            raise ValidationError(
                _(
                    "Mật khẩu dưới %(passphrase_length)d ký tự phải có ít nhất %(min_classes)d trong 4 loại: "
                    "chữ thường, chữ hoa, chữ số, ký tự khác; hoặc dùng cụm từ dài từ %(passphrase_length)d ký tự."
                ),
                code="password_too_simple",
                params={"passphrase_length": self.passphrase_length, "min_classes": self.min_classes},
            )

    def get_help_text(self) -> str:
        """The rule as help text."""
        return _(
            "Dùng cụm từ dài từ %(passphrase_length)d ký tự, hoặc trộn ít nhất %(min_classes)d loại ký tự "
            "(chữ thường, chữ hoa, chữ số, ký tự khác)."
        ) % {"passphrase_length": self.passphrase_length, "min_classes": self.min_classes}
