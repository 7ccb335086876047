"""Throttling and lockout: per user name and per client address, one generic answer, audit events, unlock.

State lives in the database (``SignInThrottle``), so time is moved by editing rows, never by sleeping.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kho.access import signin
from kho.access.models import SignInThrottle
from kho.audit.models import Event
from kho.config import env
from kho.config.env import ConfigError, SignInPolicy
from tests.access.helpers import user as make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Chiến-lược-lưu-trữ-2025!"
GENERIC = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."
HASHES: list[str] = []
BAD_TOKEN = "Bearer kho_0123456789ab_wrongwrongwrong"


class CountingHasher(MD5PasswordHasher):
    """Fast hashing that records every time the hasher runs (encode or verify)."""

    algorithm = "counting_md5"

    def encode(self, password, salt):
        HASHES.append("encode")
        return super().encode(password, salt)

    def verify(self, password, encoded):
        HASHES.append("verify")
        return super().verify(password, encoded)


@pytest.fixture(autouse=True)
def fast_policy(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.KHO_SIGN_IN = SignInPolicy(max_failures=3, window_seconds=600, lockout_seconds=900, ip_max_failures=5)
    HASHES.clear()


@pytest.fixture
def lan():
    account = make_user("lan", role="reader")
    account.set_password(PASSWORD)
    account.save()
    return account


def post(client, username, password, address="10.0.0.1"):
    return client.post(reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/"


def lock_events():
    return list(Event.objects.filter(event_type="sign-in", detail__in=["account locked", "client address locked"]))


def test_repeated_failures_lock_the_account_even_for_the_right_password(lan):
    client = Client()
    for _ in range(3):
        assert GENERIC in post(client, "lan", "wrong-password-1").content.decode()
    response = post(client, "lan", PASSWORD)
    assert not signed_in(response) and GENERIC in response.content.decode()
    assert "_auth_user_id" not in client.session
    [event] = lock_events()
    assert event.outcome == "failure" and event.object_type == "user" and event.object_id == "lan"
    assert event.payload["from"] == "10.0.0.1" and event.payload["failures"] == 3
    row = SignInThrottle.objects.get(scope="user", key="lan")
    assert row.locked_until > timezone.now() + dt.timedelta(seconds=800)


def test_locked_unknown_and_wrong_answer_alike_and_all_run_the_hasher(lan):
    bodies = {}
    for name, password in [("lan", "wrong-password-1"), ("ghost", "wrong-password-1")]:
        HASHES.clear()
        response = post(Client(), name, password, address="10.0.0.2")
        assert HASHES, f"no hashing for {name}"
        bodies[name] = (response.status_code, response.content.decode().replace(f'value="{name}"', 'value="NAME"'))
    for _ in range(3):
        post(Client(), "lan", "wrong-password-2", address="10.0.0.3")
    HASHES.clear()
    response = post(Client(), "lan", PASSWORD, address="10.0.0.4")
    assert "verify" in HASHES
    bodies["locked"] = (response.status_code, response.content.decode().replace('value="lan"', 'value="NAME"'))

    def strip_token(body):
        status, html = body
        return status, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)

    assert strip_token(bodies["lan"]) == strip_token(bodies["ghost"]) == strip_token(bodies["locked"])


def test_unknown_user_names_are_locked_too(db):
    for _ in range(3):
        post(Client(), "ghost", "whatever-pass-1")
    assert signin.is_locked("ghost", "")
    assert [e.object_id for e in lock_events()] == ["ghost"]


def test_case_and_spaces_do_not_escape_the_counter(lan):
    for name in ["lan", "LAN", " Lan "]:
        post(Client(), name, "wrong-password-1")
    assert signin.is_locked("lan", "")


def test_failures_while_locked_do_not_extend_the_lock(lan):
    for _ in range(3):
        post(Client(), "lan", "wrong-password-1")
    until = SignInThrottle.objects.get(scope="user", key="lan").locked_until
    for _ in range(5):
        post(Client(), "lan", "wrong-password-1", address="10.9.9.9")
    assert SignInThrottle.objects.get(scope="user", key="lan").locked_until == until
    assert len([e for e in lock_events() if e.object_type == "user"]) == 1


def test_lock_ends_after_the_lockout_time(lan):
    for _ in range(3):
        post(Client(), "lan", "wrong-password-1")
    SignInThrottle.objects.filter(scope="user", key="lan").update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert signed_in(post(Client(), "lan", PASSWORD))
    assert not SignInThrottle.objects.filter(scope="user", key="lan").exists()


def test_failures_outside_the_window_start_a_new_count(lan):
    for _ in range(2):
        post(Client(), "lan", "wrong-password-1")
    SignInThrottle.objects.filter(scope="user", key="lan").update(
        window_started_at=timezone.now() - dt.timedelta(seconds=601)
    )
    post(Client(), "lan", "wrong-password-1")
    row = SignInThrottle.objects.get(scope="user", key="lan")
    assert row.failures == 1 and row.locked_until is None


def test_success_clears_the_user_count_but_not_the_address_count(lan):
    for _ in range(2):
        post(Client(), "lan", "wrong-password-1")
    assert signed_in(post(Client(), "lan", PASSWORD))
    assert not SignInThrottle.objects.filter(scope="user", key="lan").exists()
    assert SignInThrottle.objects.get(scope="address", key="10.0.0.1").failures == 2


def test_one_address_trying_many_names_is_throttled(lan):
    for n in range(5):
        post(Client(), f"name{n}", "whatever-pass-1", address="10.7.7.7")
    assert signin.is_locked("", "10.7.7.7")
    assert not signed_in(post(Client(), "lan", PASSWORD, address="10.7.7.7"))
    assert signed_in(post(Client(), "lan", PASSWORD, address="10.7.7.8"))
    [event] = [e for e in lock_events() if e.object_type == "address"]
    assert event.object_id == "10.7.7.7" and event.detail == "client address locked"


def test_failed_sign_in_events_never_hold_the_password(lan):
    post(Client(), "lan", "wrong-password-XYZ")
    for event in Event.objects.filter(event_type="sign-in"):
        assert "wrong-password-XYZ" not in event.detail + event.data


def test_kho_users_unlock_clears_the_lock_and_is_audited(kho, lan):
    for _ in range(3):
        post(Client(), "lan", "wrong-password-1")
    assert signin.is_locked("lan", "")
    result = kho("users", "unlock", "lan", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"ok": True, "username": "lan", "locks_cleared": 1}
    assert signed_in(post(Client(), "lan", PASSWORD, address="10.1.1.1"))
    event = Event.objects.filter(event_type="access", detail="sign-in lock cleared").get()
    assert event.object_id == "lan" and event.payload["locks_cleared"] == 1


def test_kho_users_unlock_an_address(kho, db):
    for n in range(5):
        post(Client(), f"name{n}", "whatever-pass-1", address="10.7.7.7")
    assert kho("users", "unlock", "--address", "10.7.7.7").code == 0
    assert not signin.is_locked("", "10.7.7.7")


@pytest.mark.parametrize(("args", "code"), [(["unlock", "nobody-here"], 3), (["unlock"], 2)])
def test_kho_users_unlock_bad_input(kho, db, args, code):
    result = kho("users", *args, "--json")
    assert result.code == code
    assert not Event.objects.filter(detail="sign-in lock cleared").exists()


def test_unlock_by_a_signed_in_actor_needs_a_security_role(lan):
    from kho.access.exceptions import AccessDeniedError
    from kho.access.signin_actions import UnlockAction

    with pytest.raises(AccessDeniedError):
        UnlockAction("lan", actor=make_user("clerk1", role="clerk")).execute()
    assert UnlockAction("lan", actor=make_user("so1", role="security_officer")).execute() == 0
    assert UnlockAction("lan", actor=make_user("ad1", role="admin")).execute() == 0


def test_wrong_api_tokens_lock_the_address(client, lan):
    for _ in range(5):
        response = client.get("/api/v1/fonds", HTTP_AUTHORIZATION=BAD_TOKEN, REMOTE_ADDR="10.5.5.5")
        assert response.status_code == 401
    assert signin.is_locked("", "10.5.5.5")
    event = Event.objects.get(event_type="sign-in", detail="client address locked")
    assert event.payload["via"] == "api"


def test_a_locked_address_cannot_use_a_good_token(client, lan):
    from kho.api.actions import CreateTokenAction

    token = CreateTokenAction("lan", name="t").execute().token
    assert client.get("/api/v1/fonds", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="10.5.5.6").status_code == 200
    for _ in range(5):
        client.get("/api/v1/fonds", HTTP_AUTHORIZATION=BAD_TOKEN, REMOTE_ADDR="10.5.5.6")
    assert client.get("/api/v1/fonds", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="10.5.5.6").status_code == 401


def test_sign_in_policy_parser():
    assert env.get_sign_in_policy({}) == SignInPolicy()
    parsed = env.get_sign_in_policy(
        {
            "KHO_LOGIN_MAX_FAILURES": "4",
            "KHO_LOGIN_WINDOW_SECONDS": "60",
            "KHO_LOGIN_LOCKOUT_SECONDS": "120",
            "KHO_LOGIN_IP_MAX_FAILURES": "40",
            "KHO_SESSION_IDLE_SECONDS": "600",
            "KHO_REQUIRE_TOTP": "yes",
        }
    )
    assert parsed == SignInPolicy(4, 60, 120, 40, 600, require_totp=True)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"KHO_LOGIN_MAX_FAILURES": "0"}, "KHO_LOGIN_MAX_FAILURES"),
        ({"KHO_LOGIN_LOCKOUT_SECONDS": "soon"}, "KHO_LOGIN_LOCKOUT_SECONDS"),
        ({"KHO_SESSION_IDLE_SECONDS": "30"}, "KHO_SESSION_IDLE_SECONDS"),
        ({"KHO_REQUIRE_TOTP": "maybe"}, "KHO_REQUIRE_TOTP"),
        ({"KHO_LOGIN_MAX_FAILURES": "10", "KHO_LOGIN_IP_MAX_FAILURES": "5"}, "KHO_LOGIN_IP_MAX_FAILURES"),
    ],
)
def test_sign_in_policy_parser_refuses_bad_values_naming_them(variables, named):
    with pytest.raises(ConfigError, match=named):
        env.get_sign_in_policy(variables)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database locks whole tables; there BEGIN IMMEDIATE serialises writers",
)
def test_concurrent_failures_are_all_counted(settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import transaction

    settings.KHO_SIGN_IN = SignInPolicy(max_failures=50, ip_max_failures=50)

    def fail(n):
        try:
            with transaction.atomic():
                signin.record_failure("race", f"10.3.3.{n}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(fail, range(12)))
    assert SignInThrottle.objects.get(scope="user", key="race").failures == 12
