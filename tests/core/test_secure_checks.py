"""``kho doctor --secure``: each check of the air-gapped profile on a good and a bad configuration."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from kho.config import env
from kho.core import secure_checks as sc

ALL_V4 = "0.0.0.0"  # noqa: S104 - the value under test, nothing binds to it


def ids(messages):
    return [str(m.id) for m in messages]


@pytest.fixture
def good(settings, tmp_path):
    """A configuration that passes every check: private data folder, loopback only, nothing outbound."""
    data = tmp_path / "data"
    (data / "objects").mkdir(parents=True)
    for folder in (data, data / "objects"):
        folder.chmod(0o700)
    settings.DATA_DIR = data
    settings.OBJECT_STORE_DIR = data / "objects"
    settings.DEBUG = False
    settings.KHO_SECRET_KEY_IS_DEFAULT = False
    settings.SECRET_KEY = "a-real-random-key-of-this-installation-0123456789"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    settings.KHO_BIND = "127.0.0.1"
    settings.EMAIL_HOST = "localhost"
    settings.KHO_OCR_ENGINE = "ocrmypdf"
    settings.SESSION_COOKIE_HTTPONLY = True
    settings.SESSION_COOKIE_SAMESITE = "Lax"
    settings.SESSION_COOKIE_AGE = 8 * 3600
    settings.KHO_REQUIRE_TOTP = True
    return data


@pytest.fixture
def sqlite_in(monkeypatch):
    def use(name):
        monkeypatch.setattr(
            sc, "_default_database", lambda: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(name)}
        )

    return use


CHECKS = (
    sc.check_debug_and_key,
    sc.check_hosts_and_bind,
    sc.check_no_outbound,
    sc.check_assets_are_local,
    sc.check_private_permissions,
    sc.check_session_cookies,
    sc.check_second_factor,
)


def test_a_good_configuration_passes_every_check(good, sqlite_in):
    database = good / "kho.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o600)
    sqlite_in(database)
    assert [message for check in CHECKS for message in check()] == []


def test_debug_and_the_default_key_are_errors(good, settings):
    settings.DEBUG = True
    settings.KHO_SECRET_KEY_IS_DEFAULT = True
    found = sc.check_debug_and_key()
    assert ids(found) == ["kho.S101", "kho.S102"] and all(m.is_serious() for m in found)
    assert "KHO_DEBUG" in found[0].hint and "kho init" in found[1].hint


def test_hosts_and_bind_address(good, settings):
    settings.ALLOWED_HOSTS = ["*"]
    assert ids(sc.check_hosts_and_bind()) == ["kho.S103"]
    settings.ALLOWED_HOSTS = [".example.vn"]
    assert ids(sc.check_hosts_and_bind()) == ["kho.S103"]
    settings.ALLOWED_HOSTS = ["localhost", "kho.lan"]
    found = sc.check_hosts_and_bind()
    assert ids(found) == ["kho.S104"] and "kho.lan" in found[0].msg and not found[0].is_serious()
    settings.ALLOWED_HOSTS = ["localhost"]
    for address in (ALL_V4, "192.168.1.10", "::"):
        settings.KHO_BIND = address
        found = sc.check_hosts_and_bind()
        assert ids(found) == ["kho.S105"] and address in found[0].msg and "KHO_BIND" in found[0].hint
    for address in ("127.0.0.1", "127.0.1.1", "::1", "localhost"):
        settings.KHO_BIND = address
        assert sc.check_hosts_and_bind() == []


def test_outbound_mail_urls_ocr_and_cloud_storage_are_errors(good, settings):
    settings.EMAIL_HOST = "smtp.gmail.com"
    settings.KHO_OCR_URL = "https://ocr.example.com/v1"
    settings.KHO_OCR_ENGINE = "cloud-vision"
    settings.AWS_S3_ENDPOINT_URL = "https://s3.amazonaws.com"
    found = sc.check_no_outbound()
    assert sorted(ids(found)) == ["kho.S106", "kho.S107", "kho.S107", "kho.S108", "kho.S109"]
    text = " ".join(str(m.msg) for m in found)
    assert "smtp.gmail.com" in text and "KHO_OCR_URL" in text and "ocr.example.com" in text
    assert "cloud-vision" in text and "AWS_S3_ENDPOINT_URL" in text
    assert all(m.is_serious() and m.hint for m in found)


def test_local_urls_and_inbound_origins_are_not_outbound(good, settings):
    settings.KHO_OCR_URL = "http://127.0.0.1:8884/ocr"
    settings.KHO_OTHER = {"nested": ["http://localhost/x", "http://[::1]:9000/"]}
    settings.CSRF_TRUSTED_ORIGINS = ["https://kho.lan"]
    settings.KHO_OCR_ENGINE = "recorded"
    assert sc.check_no_outbound() == []


def test_a_database_on_another_host_is_a_warning(good, monkeypatch):
    database = {"ENGINE": "django.db.backends.postgresql", "HOST": "10.1.2.3"}
    monkeypatch.setattr(sc, "_default_database", lambda: database)
    found = sc.check_no_outbound()
    assert ids(found) == ["kho.S110"] and not found[0].is_serious() and "10.1.2.3" in found[0].msg
    for host in ("127.0.0.1", "localhost", "/var/run/postgresql", ""):
        database["HOST"] = host
        assert sc.check_no_outbound() == []


def test_kho_own_templates_and_static_files_reference_no_other_host(good):
    assert sc.asset_dirs() and sc.check_assets_are_local() == []


def test_external_references_in_templates_are_named_by_file_and_line(good, settings, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>\n'
        '<a href="http://127.0.0.1:8000/">local</a>\n'
        '<script src="https://cdn.jsdelivr.net/npm/x.js"></script>\n'
        "<link href='//fonts.googleapis.com/css?family=Roboto'>\n",
        encoding="utf-8",
    )
    (folder / "style.css").write_text("body { background: url(https://img.example.org/a.png); }\n")
    (folder / "photo.png").write_bytes(b"https://not.scanned.example")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder]}]
    found = sc.check_assets_are_local()
    messages = [str(m.msg) for m in found]
    assert ids(found) == ["kho.S111"] * 3
    assert any("page.html" in m and "dòng 3" in m and "cdn.jsdelivr.net" in m for m in messages)
    assert any("dòng 4" in m and "fonts.googleapis.com" in m for m in messages)
    assert any("style.css" in m and "img.example.org" in m for m in messages)


def test_data_readable_by_other_accounts_is_named(good, sqlite_in):
    database = good / "kho.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    (good / "secret.key").write_text("k")
    (good / "secret.key").chmod(0o604)
    (good / "objects").chmod(0o751)
    sqlite_in(database)
    found = sc.check_private_permissions()
    assert ids(found) == ["kho.S112"] * 3
    text = " ".join(str(m.msg) for m in found)
    assert str(database) in text and "secret.key" in text and str(good / "objects") in text
    assert "chmod" in found[0].hint
    for path in (database, good / "secret.key", good / "objects"):
        path.chmod(0o600 if path.is_file() else 0o700)
    assert sc.check_private_permissions() == []


def test_session_cookie_settings(good, settings):
    settings.SESSION_COOKIE_HTTPONLY = False
    assert ids(sc.check_session_cookies()) == ["kho.S113"]
    settings.SESSION_COOKIE_HTTPONLY = True
    settings.SESSION_COOKIE_SAMESITE = "None"
    assert ids(sc.check_session_cookies()) == ["kho.S113"]
    settings.SESSION_COOKIE_SAMESITE = "Strict"
    settings.SESSION_COOKIE_AGE = 24 * 3600
    assert ids(sc.check_session_cookies()) == ["kho.S114"]
    settings.SESSION_COOKIE_AGE = 3600
    settings.KHO_BIND = "10.0.0.5"
    settings.SESSION_COOKIE_SECURE = False
    assert ids(sc.check_session_cookies()) == ["kho.S115"]
    settings.SESSION_COOKIE_SECURE = True
    assert sc.check_session_cookies() == []


def test_second_factor_is_checked_only_where_offered(good, settings):
    settings.KHO_REQUIRE_TOTP = False
    assert ids(sc.check_second_factor()) == ["kho.S116"]
    settings.KHO_REQUIRE_TOTP = True
    assert sc.check_second_factor() == []
    del settings.KHO_REQUIRE_TOTP
    for name in dir(django_settings):
        if name.startswith("KHO_") and hasattr(getattr(django_settings, name), "require_totp"):
            delattr(settings, name)
    assert sc.totp_required() is None and sc.check_second_factor() == []


@pytest.mark.django_db
def test_doctor_secure_runs_these_checks_and_fails_on_errors(good, settings, kho):
    plain = kho("doctor", "--json")
    assert not any(p["id"].startswith("kho.S1") for p in plain.json()["problems"])
    settings.DEBUG = True
    result = kho("doctor", "--secure", "--json")
    assert result.code == 1
    found = {p["id"]: p for p in result.json()["problems"]}
    assert found["kho.S101"]["level"] == "error" and found["kho.S101"]["fix"]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.1:8000", True),
        ("[::1]", True),
        ("[::1]:8000", True),
        ("::1", True),
        ("LocalHost", True),
        ("kho.localhost", True),
        (ALL_V4, False),
        ("::", False),
        ("10.0.0.1", False),
        ("kho.gov.vn", False),
        ("", False),
    ],
)
def test_loopback_names(host, loopback):
    assert sc.is_loopback(host) is loopback


def test_bind_and_proxy_parsers():
    assert env.get_bind_host({}) == "127.0.0.1"
    assert env.get_bind_host({"KHO_BIND": f" {ALL_V4} "}) == ALL_V4
    assert env.get_bind_host({"KHO_BIND": "[::1]"}) == "::1"
    assert env.get_bind_host({"KHO_BIND": "Kho-Server.lan"}) == "kho-server.lan"
    for bad in ("http://x", "a b", "-x.lan", "x..y"):
        with pytest.raises(env.ConfigError, match="KHO_BIND"):
            env.get_bind_host({"KHO_BIND": bad})
    assert env.get_networks("KHO_TRUSTED_PROXIES", {}) == []
    assert env.get_networks("KHO_TRUSTED_PROXIES", {"KHO_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16,::1"}) == [
        "10.0.0.1",
        "10.1.0.0/16",
        "::1",
    ]
    with pytest.raises(env.ConfigError, match=r"KHO_TRUSTED_PROXIES: 'proxy.lan'"):
        env.get_networks("KHO_TRUSTED_PROXIES", {"KHO_TRUSTED_PROXIES": "10.0.0.1,proxy.lan"})
