"""The optional TOTP second factor: enrolment by ``kho users totp``, the code step of the sign-in, the ±1
step window, replay refused, wrong codes counted with the same lock, and ``KHO_REQUIRE_TOTP``."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import views as auth_views
from django.test import Client
from django.urls import include, path, reverse

from kho.access import signin, totp
from kho.access._totp_seal import open_secret
from kho.access.models import SecondFactor
from kho.audit.models import Event
from kho.config.env import SignInPolicy
from kho.core.codetables import SecrecyLevel
from tests.access.helpers import user as make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Chiến-lược-lưu-trữ-2025!"
GENERIC = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


NOW = dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def fast(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KHO_SIGN_IN = SignInPolicy(max_failures=3, ip_max_failures=10)
    # One fixed clock for the codes the test computes and the server checks: no flake at a step boundary.
    monkeypatch.setattr(signin, "timezone", SimpleNamespace(now=lambda: NOW))


def account(name="lan", clearance=SecrecyLevel.NONE):
    user = make_user(name, role="reader", clearance=clearance)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def enrolled(kho):
    user = account()
    result = kho("users", "totp", "enable", "lan", "--json")
    assert result.code == 0, result.err
    return user, totp.decode_secret(result.json()["secret"])


def code_now(key, offset=0):
    return totp.hotp(key, totp.time_step(NOW.timestamp()) + offset)


def password_step(client, name="lan", next_url=""):
    data = {"username": name, "password": PASSWORD}
    url = reverse("web:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_enable_prints_secret_and_uri_once_and_audits_without_them(kho):
    account()
    result = kho("users", "totp", "enable", "lan")
    assert result.code == 0, result.err
    factor = SecondFactor.objects.get(user__username="lan")
    secret = open_secret(factor.secret, factor.user_id)
    assert secret in result.out and "otpauth://totp/Kho%3Alan?secret=" + secret in result.out
    event = Event.objects.get(event_type="access", detail="second factor enabled")
    assert event.object_id == "lan" and secret not in event.data


def test_enable_again_replaces_the_secret(kho, enrolled):
    old = SecondFactor.objects.get().secret
    assert kho("users", "totp", "enable", "lan").code == 0
    assert SecondFactor.objects.get().secret != old


def test_disable_removes_the_factor_and_says_when_there_was_none(kho, enrolled):
    first = kho("users", "totp", "disable", "lan", "--json")
    assert first.json() == {"ok": True, "username": "lan", "enabled": False, "changed": True}
    assert not SecondFactor.objects.exists()
    assert kho("users", "totp", "disable", "lan", "--json").json()["changed"] is False


@pytest.mark.parametrize(("args", "code"), [(["enable", "ghost"], 3), (["maybe", "lan"], 2), (["enable"], 2)])
def test_totp_command_bad_input(kho, db, args, code):
    account()
    assert kho("users", "totp", *args, "--json").code == code
    assert not SecondFactor.objects.exists()


def test_password_alone_does_not_sign_in_an_enrolled_user(enrolled):
    client = Client()
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == reverse("web:login-code")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("web:login-code")).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert client.get(reverse("web:dashboard")).status_code == 302


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_right_code_within_one_step_signs_in_and_follows_next(enrolled, offset):
    _, key = enrolled
    client = Client()
    password_step(client, next_url="/search/")
    response = client.post(reverse("web:login-code"), {"code": code_now(key, offset)})
    assert response.status_code == 302 and response["Location"] == "/search/"
    assert client.session["_auth_user_id"] == str(enrolled[0].pk)
    assert Event.objects.filter(event_type="sign-in", detail="sign-in", object_id="lan").exists()


def test_codes_two_steps_away_are_refused(enrolled):
    _, key = enrolled
    client = Client()
    password_step(client)
    for offset in (-2, 2):
        response = client.post(reverse("web:login-code"), {"code": code_now(key, offset)})
        assert response.status_code == 200 and "Mã xác thực không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_cannot_be_used_twice(enrolled):
    _, key = enrolled
    code = code_now(key)
    first = Client()
    password_step(first)
    assert first.post(reverse("web:login-code"), {"code": code}).status_code == 302
    second = Client()
    password_step(second)
    response = second.post(reverse("web:login-code"), {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in second.session


def test_verify_code_accepts_only_newer_steps(enrolled):
    user, key = enrolled
    assert signin.verify_code(user, code_now(key, 1))
    assert not signin.verify_code(user, code_now(key, 0))  # older than the one just used
    assert not signin.verify_code(user, code_now(key, 1))


@pytest.mark.parametrize("bad", ["", "abcdef", "12345", "1234567", "<script>"])
def test_malformed_codes_are_wrong_codes(enrolled, bad):
    client = Client()
    password_step(client)
    response = client.post(reverse("web:login-code"), {"code": bad})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert Event.objects.filter(event_type="sign-in", detail="failed sign-in", object_id="lan").count() == 1


def test_wrong_codes_count_towards_the_same_lock(enrolled):
    _, key = enrolled
    client = Client()
    password_step(client)
    client.post(reverse("web:login-code"), {"code": "000000"})
    client.post(reverse("web:login-code"), {"code": "000001"})
    response = client.post(reverse("web:login-code"), {"code": "000002"})
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert signin.is_locked("lan", "")
    assert client.get(reverse("web:login-code")).status_code == 302  # nothing pending any more
    again = password_step(Client())
    assert again.status_code == 200 and GENERIC in again.content.decode()


def test_the_code_step_needs_a_recent_password_step(enrolled, monkeypatch):
    _, key = enrolled
    assert Client().post(reverse("web:login-code"), {"code": code_now(key)}).status_code == 302
    client = Client()
    password_step(client)
    session = client.session
    session["kho_pending_second_factor"]["at"] -= 301
    session.save()
    response = client.post(reverse("web:login-code"), {"code": code_now(key)})
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert "_auth_user_id" not in client.session


def test_next_pointing_elsewhere_is_ignored(enrolled):
    _, key = enrolled
    client = Client()
    password_step(client, next_url="https://evil.example/")
    response = client.post(reverse("web:login-code"), {"code": code_now(key)})
    assert response["Location"] == "/"


def test_required_totp_refuses_a_cleared_user_without_one(settings, db):
    settings.KHO_SIGN_IN = SignInPolicy(require_totp=True)
    account("mai", clearance=SecrecyLevel.MAT)
    client = Client()
    response = password_step(client, name="mai")
    assert response.status_code == 200 and "xác thực hai bước" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(detail="second factor required but not enrolled", object_id="mai").exists()


def test_required_totp_leaves_uncleared_users_alone_and_asks_enrolled_cleared_ones(settings, kho):
    settings.KHO_SIGN_IN = SignInPolicy(require_totp=True)
    account("hoa")
    assert password_step(Client(), name="hoa")["Location"] == "/"
    account("mai", clearance=SecrecyLevel.MAT)
    assert kho("users", "totp", "enable", "mai").code == 0
    assert password_step(Client(), name="mai")["Location"] == reverse("web:login-code")


# Another way in, as Django admin's login form was: Django's own LoginView, without the code step.
urlpatterns = [
    path("plain-login/", auth_views.LoginView.as_view(template_name="web/login.html")),
    path("", include("kho.config.urls")),
]


@pytest.mark.urls(__name__)
def test_another_login_view_cannot_skip_the_code_step(enrolled):
    client = Client()
    client.post("/plain-login/", {"username": "lan", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:dashboard")).status_code == 302
    refused = Event.objects.get(detail="sign-in without the second factor refused")
    assert refused.object_id == "lan" and refused.outcome == "failure"
    assert not Event.objects.filter(event_type="sign-in", detail="sign-in", object_id="lan").exists()


@pytest.mark.urls(__name__)
def test_another_login_view_still_works_for_accounts_without_a_second_factor(db):
    user = account("hoa")
    client = Client()
    client.post("/plain-login/", {"username": "hoa", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_forms_enforce_csrf(enrolled):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("web:login"), {"username": "lan", "password": PASSWORD}).status_code == 403
    assert client.post(reverse("web:login-code"), {"code": "123456"}).status_code == 403
    assert "_auth_user_id" not in client.session
