"""Sessions (idle timeout, key rotation, sign-out), security headers and CSP-clean pages, generic 500 pages
and the log filter that removes secrets."""
# ruff: noqa: F811 - the web fixtures (world, client_for) are imported, so test arguments "redefine" them

import logging
import re
import time

import pytest
from django.test import Client
from django.urls import include, path, reverse

from kho.access.middleware import SEEN_KEY, STAMP_KEY
from kho.audit.models import Event
from kho.core.middleware import CONTENT_SECURITY_POLICY
from kho.core.redact import REDACTED, RedactSecretsFilter, redact
from kho.records.models import DigitalObject
from tests.web.conftest import PASSWORD, _fresh_cache, add_pdf, client_for, world  # noqa: F401 - fixtures
from tests.web.test_pages import PAGES

pytestmark = pytest.mark.django_db


def age_session(client, seconds):
    session = client.session
    session[SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_session_is_signed_out_with_an_event(world, client_for, settings):
    client = client_for("reader")
    assert client.get(reverse("web:dashboard")).status_code == 200
    age_session(client, 1801)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(event_type="sign-in", detail="sign-out", object_id="reader").exists()
    page = client.get(response["Location"]).content.decode()
    assert "lâu không thao tác" in page


def test_recent_activity_keeps_the_session(world, client_for):
    client = client_for("reader")
    age_session(client, 1700)
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert int(time.time()) - client.session[SEEN_KEY] < 5  # the pause was recorded as activity


def test_idle_limit_comes_from_the_policy(world, client_for, settings):
    from kho.config.env import SignInPolicy

    settings.KHO_SIGN_IN = SignInPolicy(idle_seconds=120)
    client = client_for("reader")
    age_session(client, 121)
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_privilege_change_rotates_the_session_key(world, client_for, kho):
    client = client_for("reader")
    before = client.session.session_key
    assert client.session[STAMP_KEY]
    assert kho("users", "set", "reader", "--clearance", "MAT").code == 0
    age_session(client, 61)  # the guard looks at most once a minute
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(world.users["reader"].pk)


def test_no_rotation_without_a_change(world, client_for):
    client = client_for("reader")
    before = client.session.session_key
    age_session(client, 61)
    client.get(reverse("web:dashboard"))
    assert client.session.session_key == before


def test_sign_in_rotates_the_key_and_sign_out_clears_the_session(world):
    client = Client()
    client.get(reverse("web:login"))
    client.session["marker"] = "x"
    anonymous_key = client.cookies.get("sessionid")
    response = client.post(reverse("web:login"), {"username": "reader", "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (anonymous_key.value if anonymous_key else None)
    assert client.post(reverse("web:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_session_cookie_flags(world, settings):
    assert settings.SESSION_COOKIE_SAMESITE == "Lax" and settings.SESSION_COOKIE_HTTPONLY
    response = Client().post(reverse("web:login"), {"username": "reader", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


def test_https_setting_makes_cookies_secure_and_sends_hsts(world, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().post(reverse("web:login"), {"username": "reader", "password": PASSWORD}, secure=True)
    assert response.cookies["sessionid"]["secure"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_html_pages_carry_the_security_headers(world, client_for):
    response = client_for("archivist").get(reverse("web:dashboard"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self'" in CONTENT_SECURITY_POLICY and "frame-src 'self'" in CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "no-store"


def test_signed_out_pages_and_static_files_are_not_forced_to_no_store(world, client_for):
    login = Client().get(reverse("web:login"))
    assert login["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    static = client_for("archivist").get("/static/web/kho.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_the_pdf_is_same_origin_frameable_and_not_cached(world, client_for):
    document = world.documents["d1"] if "d1" in world.documents else next(iter(world.documents.values()))
    if not DigitalObject.objects.filter(document=document, role="access").exists():
        add_pdf(document, "x")
    response = client_for("leader").get(reverse("web:document-pdf", kwargs={"code": document.doc_code}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN" and "no-store" in response["Cache-Control"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_pages_have_nothing_the_csp_would_block(world, client_for, name, kwargs):
    html = client_for("leader").get(reverse(name, kwargs=kwargs)).content.decode()
    for pattern, what in INLINE:
        assert not pattern.search(html), f"{name}: {what}: {pattern.search(html)}"


def test_login_and_code_pages_have_nothing_the_csp_would_block(world):
    html = Client().get(reverse("web:login")).content.decode()
    for pattern, what in INLINE:
        assert not pattern.search(html), what


def explode(request):
    raise RuntimeError("password=hunter2-SECRET database exploded")


urlpatterns = [path("boom/", explode), path("", include("kho.config.urls"))]


@pytest.mark.urls(__name__)
def test_a_crash_gives_a_generic_500_page_without_the_exception(world, client_for, caplog):
    client = client_for("reader")
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Lỗi hệ thống" in body
    for leak in ("hunter2", "RuntimeError", "Traceback", "exploded"):
        assert leak not in body
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_api_500_has_no_exception_text(monkeypatch):
    from kho.api import errors

    error = errors.as_kho_error(RuntimeError("token=kho_0123456789ab_secretsecretsecret"))
    body = errors.error_body(error)
    assert "secret" not in str(body) and "RuntimeError" not in str(body)


def test_debug_is_off_by_default():
    from kho.config import env

    assert env.get_bool("KHO_DEBUG", default=False, environ={}) is False


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("login failed password=hunter2", "hunter2"),
        ("{'password': 'hai từ', 'username': 'lan'}", "hai từ"),
        ("<QueryDict: {'password': ['x y z'], 'csrfmiddlewaretoken': ['abc123']}>", "x y z"),
        ("HTTP_AUTHORIZATION: Bearer kho_0123456789ab_abcdefghijklmnop", "abcdefghijklmnop"),
        ("Authorization=Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA"),
        ("HTTP_COOKIE: sessionid=s3ss10n; csrftoken=c5rf", "s3ss10n"),
        ('"sessionid": "abcdef123"', "abcdef123"),
        ("used kho_0123456789ab_abcdefghijklmnopq", "abcdefghijklmnopq"),
        ("otpauth://totp/Kho:lan?secret=JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP"),
        ("secret_key: django-insecure-xyz", "django-insecure-xyz"),
    ],
)
def test_redact_removes_each_kind_of_secret(text, secret):
    cleaned = redact(text)
    assert secret not in cleaned and REDACTED in cleaned


def test_redact_leaves_ordinary_text_alone():
    text = "Đã số hóa 12 trang của hồ sơ H49.64.33; passage of time; tokenizer ok"
    assert redact(text) == text


def test_the_filter_redacts_message_arguments_and_tracebacks():
    try:
        raise ValueError("password=hunter2")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "login %s", ("token=abc123",), sys.exc_info())
    assert RedactSecretsFilter().filter(record) is True
    formatted = logging.Formatter("%(message)s").format(record)
    assert "abc123" not in formatted and "hunter2" not in formatted and REDACTED in formatted


def test_the_filter_is_installed_on_every_configured_handler(settings):
    for handler in settings.LOGGING["handlers"].values():
        assert "redact" in handler.get("filters", [])
    root = logging.getLogger()
    assert any(isinstance(f, RedactSecretsFilter) for h in root.handlers for f in h.filters)


def test_progress_meters_are_drawn_without_style_attributes(world, client_for):
    html = client_for("leader").get(reverse("web:dashboard")).content.decode()
    assert re.search(r'<div class="meter[^"]*"[^>]*><svg [^>]*><rect width="\d+%"', html)
