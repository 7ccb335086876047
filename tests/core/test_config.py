"""Configuration parsing (style.md rule 19) and the documentation of every setting (rule 29)."""

import re
from pathlib import Path

import pytest

from kho.config import env
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("no", False), ("", True)]
)
def test_get_bool(raw, expected):
    assert env.get_bool("X", True, {"X": raw}) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_get_bool_refuses_garbage_naming_the_variable(raw):
    with pytest.raises(env.ConfigError, match="X="):
        env.get_bool("X", False, {"X": raw})


def test_get_int_bounds():
    assert env.get_int("N", 5, {}) == 5
    assert env.get_int("N", 5, {"N": " 7 "}) == 7
    with pytest.raises(env.ConfigError, match="whole number"):
        env.get_int("N", 5, {"N": "7.5"})
    with pytest.raises(env.ConfigError, match="at least 10"):
        env.get_int("N", 50, {"N": "3"}, minimum=10)


def test_default_database_is_sqlite_with_wal_and_immediate(tmp_path):
    config = env.parse_database_url(None, tmp_path).as_django()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "kho.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout" in config["OPTIONS"]["init_command"]


def test_postgres_url(tmp_path):
    config = env.parse_database_url("postgresql://kho:m%C3%A2t@db.local:5433/kho_prod?sslmode=require", tmp_path)
    django = config.as_django()
    assert (django["USER"], django["PASSWORD"], django["HOST"], django["PORT"], django["NAME"]) == (
        "kho",
        "mât",
        "db.local",
        "5433",
        "kho_prod",
    )
    assert django["OPTIONS"] == {"sslmode": "require"}


def test_postgres_socket_url(tmp_path):
    config = env.parse_database_url("postgresql://root@%2Fvar%2Frun%2Fpostgresql/kho", tmp_path)
    assert config.host == "/var/run/postgresql"


@pytest.mark.parametrize("url", ["mysql://x/y", "postgresql://host/", "sqlite://"])
def test_bad_database_urls_are_named(url, tmp_path):
    with pytest.raises(env.ConfigError, match="KHO_DATABASE_URL"):
        env.parse_database_url(url, tmp_path)


def test_secret_key_file_is_used_when_env_is_empty(tmp_path):
    assert env.get_secret_key(tmp_path, {}) == ""
    (tmp_path / "secret.key").write_text("abc\n")
    assert env.get_secret_key(tmp_path, {}) == "abc"
    assert env.get_secret_key(tmp_path, {"KHO_SECRET_KEY": "env"}) == "env"


def test_every_setting_is_documented_in_the_readme():
    sources = [REPO / "src/kho/config/env.py", REPO / "src/kho/config/settings.py"]
    names = set()
    for path in sources:
        names |= set(re.findall(r'"(KHO_[A-Z_]+)"', Path(path).read_text()))
    readme = (REPO / "README.md").read_text()
    undocumented = sorted(n for n in names if f"`{n}`" not in readme)
    assert undocumented == []
    assert len(names) >= 10


def test_master_key_from_base64_and_its_refusals():
    key = bytes(range(32))
    import base64

    assert env.get_master_key({"KHO_MASTER_KEY": base64.b64encode(key).decode()}) == key
    assert env.get_master_key({}) is None and env.get_master_key({"KHO_MASTER_KEY": "  "}) is None
    with pytest.raises(env.ConfigError, match="KHO_MASTER_KEY: expected base64"):
        env.get_master_key({"KHO_MASTER_KEY": "khóa không hợp lệ!"})
    with pytest.raises(env.ConfigError, match="32 bytes"):
        env.get_master_key({"KHO_MASTER_KEY": base64.b64encode(b"short").decode()})


def test_master_key_file_is_absolute_and_exclusive_with_the_key(tmp_path):
    assert env.get_master_key_file({}) is None
    assert env.get_master_key_file({"KHO_MASTER_KEY_FILE": str(tmp_path / "k.key")}) == tmp_path / "k.key"
    with pytest.raises(env.ConfigError, match="both set"):
        env.get_master_key_file({"KHO_MASTER_KEY_FILE": "/k.key", "KHO_MASTER_KEY": "AAAA"})


def test_sqlite_zeroes_deleted_content(tmp_path):
    options = env.parse_database_url(None, tmp_path).as_django()["OPTIONS"]
    assert "PRAGMA secure_delete=ON;" in options["init_command"]
