"""Password policy: each weak kind of password is refused with its own Vietnamese message, by the validators
and by ``kho users create|set``; strong passwords and passphrases pass; NFC and NFD count the same."""

import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from kho.access.passwords import CharacterVarietyValidator, character_classes

pytestmark = pytest.mark.django_db

GOOD = ["Chiến-lược-lưu-trữ-2025!", "Kho#Luu2Tru9x", "ba con mèo đi qua cầu tre", "Tối-Mật@H49-x7"]


def problems(password, username="lan.nguyen"):
    user = get_user_model()(username=username)
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code: msg for e, msg in zip(error.error_list, error.messages, strict=True)}
    return {}


@pytest.mark.parametrize("password", GOOD)
def test_strong_passwords_and_passphrases_pass(password):
    assert problems(password) == {}
    assert problems(unicodedata.normalize("NFD", password)) == {}


@pytest.mark.parametrize(
    ("password", "code", "words"),
    [
        ("Ab1!xyzw", "password_too_short", "ít nhất 12 ký tự"),
        ("4839201756482913", "password_entirely_numeric", "chỉ gồm chữ số"),
        ("Q1w2e3r4t5y6", "password_too_common", "phổ biến"),
        ("MatKhau@2025!!", "password_too_common", "phổ biến"),
        ("Mật-khẩu-2025!", "password_too_common", "phổ biến"),
        ("lan.nguyen2025", "password_too_similar", "quá giống"),
        ("aaaaaaaaaaaaaaaaaaaaaa", "password_too_repetitive", "ký tự khác nhau"),
        ("abcabcabcabcabcabcabc", "password_too_repetitive", "ký tự khác nhau"),
        ("hoavangtrencoxanh", "password_too_simple", "chữ thường, chữ hoa, chữ số"),
    ],
)
def test_each_weak_password_gets_its_own_clear_message(password, code, words):
    found = problems(password)
    assert code in found, found
    assert words in found[code]


def test_every_problem_is_reported_at_once():
    found = problems("12345")
    assert {"password_too_short", "password_entirely_numeric", "password_too_common"} <= set(found)


def test_decomposed_vietnamese_counts_letters_not_marks():
    composed = "Đường-về-Hà-Nội"  # 15 characters in NFC
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > len(composed)
    assert problems(composed) == problems(decomposed) == {}
    short = unicodedata.normalize("NFD", "Ấp-Bắc-1963")  # 11 characters composed, more decomposed
    assert "password_too_short" in problems(short)


def test_character_classes_know_vietnamese_letters():
    assert character_classes("đường") == 1
    assert character_classes("Đường") == 2
    assert character_classes("Đường 2") == 4
    validator = CharacterVarietyValidator(passphrase_length=20, min_classes=3, min_distinct=6)
    validator.validate("Đường-về-nhà-1")
    with pytest.raises(ValidationError):
        validator.validate("đườngvềnhàxa")


def test_help_texts_are_vietnamese():
    from django.contrib.auth.password_validation import password_validators_help_texts

    texts = " ".join(password_validators_help_texts())
    assert "12 ký tự" in texts and "cụm từ" in texts


@pytest.mark.parametrize(
    ("password", "words"),
    [("ngắn-1A", "ít nhất 12 ký tự"), ("12345678901234", "chỉ gồm chữ số"), ("qwerty123456", "phổ biến")],
)
def test_kho_users_refuses_each_weak_password_naming_the_problem(kho, monkeypatch, password, words):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    result = kho("users", "create", "tuan", "--role", "reader", "--password-stdin", "--json")
    assert result.code == 2
    error = result.json()["error"]
    assert any(words in detail for detail in error["details"]), error
    assert password not in result.out + result.err
    assert not get_user_model().objects.filter(username="tuan").exists()


def test_kho_users_set_refuses_a_weak_password_and_keeps_the_old_one(kho, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(GOOD[0] + "\n"))
    assert kho("users", "create", "tuan", "--role", "reader", "--password-stdin").code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("tuantuantuan\n"))
    result = kho("users", "set", "tuan", "--password-stdin")
    assert result.code == 2
    assert get_user_model().objects.get(username="tuan").check_password(GOOD[0])


def test_a_password_set_in_nfd_signs_in_typed_in_nfc(kho, monkeypatch, client):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(unicodedata.normalize("NFD", GOOD[0]) + "\n"))
    assert kho("users", "create", "tuan", "--role", "reader", "--password-stdin").code == 0
    response = client.post("/accounts/login/", {"username": "tuan", "password": GOOD[0]})
    assert response.status_code == 302 and response["Location"] == "/"
