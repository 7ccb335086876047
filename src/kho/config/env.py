"""Every environment variable Kho reads, parsed by typed functions (style.md rule 19).

Nothing else in Kho reads ``os.environ`` for configuration. Each parser raises ``ConfigError`` naming the
variable and the expected form, so a bad value stops start-up with one clear message.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "ConfigError",
    "DatabaseConfig",
    "SignInPolicy",
    "TaskLeasePolicy",
    "get_bind_host",
    "get_bool",
    "get_choice",
    "get_int",
    "get_list",
    "get_master_key",
    "get_master_key_file",
    "get_networks",
    "get_sign_in_policy",
    "get_task_lease_policy",
    "parse_database_url",
]

DEFAULT_DATA_DIR = "./kho-data"
SQLITE_BUSY_TIMEOUT_MS = 20_000
HOST_NAME_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$")


class ConfigError(ValueError):
    """An environment variable has a value Kho cannot use; the message names it and the expected form."""


def get_bool(name: str, default: bool, environ: dict[str, str] | None = None) -> bool:  # noqa: FBT001
    """Read a yes/no variable: 1/true/yes/on or 0/false/no/off (any case)."""
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def get_int(name: str, default: int, environ: dict[str, str] | None = None, *, minimum: int = 0) -> int:
    """Read a whole number not below ``minimum``."""
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def get_list(name: str, default: list[str], environ: dict[str, str] | None = None) -> list[str]:
    """Read a comma-separated list; blank items are dropped."""
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_networks(name: str, environ: dict[str, str] | None = None) -> list[str]:
    """Read a comma-separated list of IP addresses or networks (``10.0.0.5``, ``10.0.0.0/24``); default none."""
    items = get_list(name, [], environ)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not an IP address or network such as 10.0.0.0/24") from None
    return items


def get_bind_host(environ: dict[str, str] | None = None) -> str:
    """``KHO_BIND``: the address ``kho serve`` listens on (default ``127.0.0.1``): an IP address or a host name."""
    env = os.environ if environ is None else environ
    raw = (env.get("KHO_BIND") or "").strip()
    if not raw:
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(raw.strip("[]")))
    except ValueError:
        pass
    if not HOST_NAME_RE.match(raw):
        raise ConfigError(f"KHO_BIND={raw!r}: expected an IP address (127.0.0.1, ::1) or a host name")
    return raw.lower()


def get_choice(name: str, default: str, allowed: list[str], environ: dict[str, str] | None = None) -> str:
    """Read one value out of ``allowed``."""
    env = os.environ if environ is None else environ
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if raw not in allowed:
        raise ConfigError(f"{name}={raw!r}: expected one of {', '.join(allowed)}")
    return raw


def get_data_dir(environ: dict[str, str] | None = None) -> Path:
    """The archive's data directory (``KHO_DATA_DIR``, default ``./kho-data``), made absolute."""
    env = os.environ if environ is None else environ
    return Path(env.get("KHO_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().resolve()


def get_secret_key(data_dir: Path, environ: dict[str, str] | None = None) -> str:
    """``KHO_SECRET_KEY``, else the key ``kho init`` wrote to ``<data_dir>/secret.key``, else ""."""
    env = os.environ if environ is None else environ
    value = (env.get("KHO_SECRET_KEY") or "").strip()
    if value:
        return value
    key_file = data_dir / "secret.key"
    try:
        return key_file.read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""


MASTER_KEY_BYTES = 32


def get_master_key(environ: dict[str, str] | None = None) -> bytes | None:
    """``KHO_MASTER_KEY``: the master key for classified objects as base64 of 32 bytes; None when unset."""
    env = os.environ if environ is None else environ
    raw = (env.get("KHO_MASTER_KEY") or "").strip()
    if not raw:
        return None
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError("KHO_MASTER_KEY: expected base64 (create a key with 'kho keys generate')") from None
    if len(key) != MASTER_KEY_BYTES:
        raise ConfigError(f"KHO_MASTER_KEY: expected {MASTER_KEY_BYTES} bytes in base64, got {len(key)}")
    return key


def get_master_key_file(environ: dict[str, str] | None = None) -> Path | None:
    """``KHO_MASTER_KEY_FILE``: the file holding the master key, made absolute; None when unset.

    The file itself is read (and its permissions checked) only when a classified object is stored or
    read, so that an unreadable key never stops the rest of the archive. Setting this and
    ``KHO_MASTER_KEY`` together is refused: exactly one source of the key.
    """
    env = os.environ if environ is None else environ
    raw = (env.get("KHO_MASTER_KEY_FILE") or "").strip()
    if not raw:
        return None
    if (env.get("KHO_MASTER_KEY") or "").strip():
        raise ConfigError("KHO_MASTER_KEY_FILE and KHO_MASTER_KEY are both set: keep only one")
    return Path(raw).expanduser().resolve()


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    """The parsed database choice; ``as_django()`` gives the ``DATABASES['default']`` entry."""

    vendor: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def as_django(self) -> dict[str, Any]:
        """Return the Django database settings for this configuration."""
        if self.vendor == "sqlite":
            return {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": self.name,
                "OPTIONS": {
                    # style.md rule 19: WAL, busy_timeout, IMMEDIATE transactions (no upgrade deadlocks).
                    "transaction_mode": "IMMEDIATE",
                    "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                    "init_command": (
                        "PRAGMA journal_mode=WAL;"
                        "PRAGMA synchronous=NORMAL;"
                        f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS};"
                        "PRAGMA foreign_keys=ON;"
                        # Deleted rows are overwritten with zeros, so replaced plaintext does not linger.
                        "PRAGMA secure_delete=ON;"
                    ),
                },
                "TEST": {"NAME": None},
            }
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self.name,
            "USER": self.user,
            "PASSWORD": self.password,
            "HOST": self.host,
            "PORT": self.port,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(self.options),
        }


def parse_database_url(url: str | None, data_dir: Path) -> DatabaseConfig:
    """Parse ``KHO_DATABASE_URL``; empty means SQLite at ``<data_dir>/kho.sqlite3``.

    Accepted forms: ``sqlite:///absolute/path.sqlite3``, ``sqlite:relative.sqlite3`` and
    ``postgresql://user:password@host:port/dbname?sslmode=…`` (also ``postgres://``).
    """
    if not url or not url.strip():
        return DatabaseConfig(vendor="sqlite", name=str(data_dir / "kho.sqlite3"))
    parts = urlsplit(url.strip())
    if parts.scheme == "sqlite":
        path = unquote(parts.path or parts.netloc)
        if not path:
            raise ConfigError(f"KHO_DATABASE_URL={url!r}: a sqlite URL needs a file path")
        return DatabaseConfig(vendor="sqlite", name=str(Path(path).expanduser()))
    if parts.scheme in {"postgresql", "postgres", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError(f"KHO_DATABASE_URL={url!r}: name the database after the host, e.g. …/kho")
        options = tuple(
            (key, value) for key, _, value in (item.partition("=") for item in parts.query.split("&") if item)
        )
        return DatabaseConfig(
            vendor="postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=unquote(parts.hostname or ""),
            port=str(parts.port or ""),
            options=options,
        )
    raise ConfigError(
        f"KHO_DATABASE_URL={url!r}: unsupported scheme {parts.scheme!r}; use sqlite:///… or postgresql://…"
    )


@dataclass(frozen=True, slots=True)
class SignInPolicy:
    """Throttling, lockout, session idle time and second factor of the sign-in (README "Sign-in security").

    ``max_failures`` wrong sign-ins for one user name within ``window_seconds`` lock it for
    ``lockout_seconds``; ``ip_max_failures`` wrong attempts from one client address (any user names, and
    wrong API tokens) lock that address as long. ``idle_seconds`` without a request end a session.
    """

    max_failures: int = 5
    window_seconds: int = 900
    lockout_seconds: int = 900
    ip_max_failures: int = 30
    idle_seconds: int = 1800
    require_totp: bool = False


def get_sign_in_policy(environ: dict[str, str] | None = None) -> SignInPolicy:
    """Read the ``KHO_LOGIN_*`` variables, ``KHO_SESSION_IDLE_SECONDS`` and ``KHO_REQUIRE_TOTP``."""
    default = SignInPolicy()
    policy = SignInPolicy(
        max_failures=get_int("KHO_LOGIN_MAX_FAILURES", default.max_failures, environ, minimum=1),
        window_seconds=get_int("KHO_LOGIN_WINDOW_SECONDS", default.window_seconds, environ, minimum=1),
        lockout_seconds=get_int("KHO_LOGIN_LOCKOUT_SECONDS", default.lockout_seconds, environ, minimum=1),
        ip_max_failures=get_int("KHO_LOGIN_IP_MAX_FAILURES", default.ip_max_failures, environ, minimum=1),
        idle_seconds=get_int("KHO_SESSION_IDLE_SECONDS", default.idle_seconds, environ, minimum=60),
        require_totp=get_bool("KHO_REQUIRE_TOTP", default.require_totp, environ),
    )
    if policy.ip_max_failures < policy.max_failures:
        raise ConfigError(
            f"KHO_LOGIN_IP_MAX_FAILURES={policy.ip_max_failures}: must be at least "
            f"KHO_LOGIN_MAX_FAILURES={policy.max_failures} (an address may try more names than one)"
        )
    return policy


@dataclass(frozen=True, slots=True)
class TaskLeasePolicy:
    """How ``kho worker`` proves it is alive and recovers the tasks of dead workers (README).

    Each worker writes a heartbeat every ``heartbeat_seconds``; a task whose worker has not written one for
    ``lease_seconds`` is recovered (marked failed and, while ``max_attempts`` allows, queued again) by the
    recovery step every worker runs every ``recover_seconds``. A worker that cannot write its heartbeat for
    half the lease stops itself, so it never finishes a task that was already handed to another worker.
    """

    heartbeat_seconds: int = 15
    lease_seconds: int = 120
    recover_seconds: int = 60
    max_attempts: int = 3


def get_task_lease_policy(environ: dict[str, str] | None = None) -> TaskLeasePolicy:
    """Read the ``KHO_TASK_*`` variables: heartbeat, lease, recovery interval and attempts of lost tasks."""
    default = TaskLeasePolicy()
    policy = TaskLeasePolicy(
        heartbeat_seconds=get_int("KHO_TASK_HEARTBEAT_SECONDS", default.heartbeat_seconds, environ, minimum=1),
        lease_seconds=get_int("KHO_TASK_LEASE_SECONDS", default.lease_seconds, environ, minimum=4),
        recover_seconds=get_int("KHO_TASK_RECOVER_SECONDS", default.recover_seconds, environ, minimum=1),
        max_attempts=get_int("KHO_TASK_MAX_ATTEMPTS", default.max_attempts, environ, minimum=1),
    )
    if policy.lease_seconds < 4 * policy.heartbeat_seconds:
        raise ConfigError(
            f"KHO_TASK_LEASE_SECONDS={policy.lease_seconds}: must be at least 4 × "
            f"KHO_TASK_HEARTBEAT_SECONDS={policy.heartbeat_seconds} (a worker stops itself after half the lease "
            "without a heartbeat, so half the lease must allow two missed heartbeats)"
        )
    return policy
