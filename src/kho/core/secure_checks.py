"""The checks of the air-gapped profile for classified work, run by ``kho doctor --secure`` (tag ``kho-secure``).

Standards §6 points 3–5 and 8: machines with classified records are not connected to the Internet; nothing
in Kho may listen beyond the machine unless configured, nor call out. Each finding names the setting or file
and says, in Vietnamese, how to fix it. Errors make ``kho doctor --secure`` exit 1; warnings are things that
are allowed on an independent LAN but must be deliberate (a LAN address to listen on, a database server).
"""

from __future__ import annotations

import ipaddress
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.utils.translation import gettext as _

SECURE_TAG = "kho-secure"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "testserver"})
LOCAL_OCR_ENGINES = frozenset({"ocrmypdf", "recorded"})
INBOUND_SETTINGS = frozenset({"CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS"})  # who may call Kho, not whom Kho calls
CLOUD_NAME = re.compile(r"(^|_)(S3|AWS|GCS|AZURE|CLOUD|ENDPOINT)(_|$)")
URL_RE = re.compile(r"""(?:https?|wss?|ftp)://([A-Za-z0-9.\-\[\]:]+)""", re.IGNORECASE)
ASSET_URL_RE = re.compile(r"""(?:https?://|(?<=["'(=])//)([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)""", re.IGNORECASE)
NAMESPACE_HOSTS = frozenset({"www.w3.org"})  # XML namespace names, never fetched
ASSET_SUFFIXES = frozenset({".html", ".txt", ".css", ".js", ".mjs", ".svg", ".json", ".xml", ".map"})
MAX_ASSET_BYTES = 5 * 1024 * 1024
MAX_FINDINGS = 10
MAX_SESSION_SECONDS = 8 * 3600


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets, with or without a port) is local."""
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@register(SECURE_TAG, deploy=True)
def check_debug_and_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """DEBUG off and a secret key of this installation."""
    problems: list[CheckMessage] = []
    if settings.DEBUG:
        problems.append(
            Error(_("DEBUG đang bật."), hint=_("Bỏ KHO_DEBUG hoặc đặt KHO_DEBUG=0."), id="kho.S101"),
        )
    if getattr(settings, "KHO_SECRET_KEY_IS_DEFAULT", False) or str(settings.SECRET_KEY).startswith("kho-insecure"):
        problems.append(
            Error(
                _("Đang dùng khóa bí mật mặc định."),
                hint=_("Chạy 'kho init' để ghi khóa vào KHO_DATA_DIR/secret.key, hoặc đặt KHO_SECRET_KEY."),
                id="kho.S102",
            )
        )
    return problems


@register(SECURE_TAG, deploy=True)
def check_hosts_and_bind(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Kho answers to and listens on the machine itself unless a LAN address is set on purpose."""
    problems: list[CheckMessage] = []
    hosts = [str(host) for host in settings.ALLOWED_HOSTS]
    if any(host == "*" or host.startswith(".") for host in hosts):
        problems.append(
            Error(
                _("ALLOWED_HOSTS chấp nhận mọi tên miền (%(hosts)s).") % {"hosts": ", ".join(hosts)},
                hint=_("Đặt KHO_ALLOWED_HOSTS là danh sách tên cụ thể, ví dụ 127.0.0.1,localhost."),
                id="kho.S103",
            )
        )
    elif remote := [host for host in hosts if not is_loopback(host)]:
        problems.append(
            Warning(
                _("Kho trả lời cả các tên ngoài máy này: %(hosts)s.") % {"hosts": ", ".join(remote)},
                hint=_("Chỉ dùng trong mạng nội bộ độc lập; nếu không cần, bỏ KHO_ALLOWED_HOSTS."),
                id="kho.S104",
            )
        )
    bind = str(getattr(settings, "KHO_BIND", "127.0.0.1"))
    if not is_loopback(bind):
        problems.append(
            Warning(
                _("Máy chủ web lắng nghe trên %(address)s, không chỉ trên máy này.") % {"address": bind},
                hint=_("Đặt KHO_BIND=127.0.0.1, trừ khi máy phục vụ mạng nội bộ độc lập (không nối Internet)."),
                id="kho.S105",
            )
        )
    return problems


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 6:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item, depth + 1)


def _remote_url_settings() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in dir(settings):
        if not name.isupper() or name in INBOUND_SETTINGS:
            continue
        for text in _strings(getattr(settings, name, None)):
            found.extend((name, host) for host in URL_RE.findall(text) if not is_loopback(host))
    return found


def _cloud_settings() -> list[str]:
    return sorted(
        name for name in dir(settings) if name.isupper() and CLOUD_NAME.search(name) and getattr(settings, name, None)
    )


@register(SECURE_TAG, deploy=True)
def check_no_outbound(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Nothing configured to call another machine: e-mail, URLs, OCR, cloud storage; the database is named."""
    problems: list[CheckMessage] = []
    email_host = str(getattr(settings, "EMAIL_HOST", "") or "")
    if email_host and not is_loopback(email_host):
        problems.append(
            Error(
                _("Cấu hình gửi thư tới máy khác: EMAIL_HOST=%(host)s.") % {"host": email_host},
                hint=_("Bỏ cấu hình thư điện tử; máy xử lý tài liệu mật không gửi thư ra ngoài."),
                id="kho.S106",
            )
        )
    for name, host in _remote_url_settings()[:MAX_FINDINGS]:
        problems.append(
            Error(
                _("Thiết lập %(name)s trỏ tới máy khác: %(host)s.") % {"name": name, "host": host},
                hint=_("Bỏ địa chỉ này hoặc thay bằng dịch vụ chạy trên chính máy này (127.0.0.1)."),
                id="kho.S107",
            )
        )
    engine = str(getattr(settings, "KHO_OCR_ENGINE", ""))
    if engine not in LOCAL_OCR_ENGINES:
        problems.append(
            Error(
                _("Bộ nhận dạng chữ “%(engine)s” không phải bộ chạy tại máy.") % {"engine": engine},
                hint=_("Đặt KHO_OCR_ENGINE=ocrmypdf (Tesseract chạy tại máy); không dùng OCR trên mạng."),
                id="kho.S108",
            )
        )
    problems.extend(
        Error(
            _("Thiết lập lưu trữ đám mây %(name)s đang được đặt.") % {"name": name},
            hint=_("Bỏ thiết lập này; tài liệu mật chỉ lưu trên ổ đĩa của máy (KHO_OBJECT_STORE_DIR)."),
            id="kho.S109",
        )
        for name in _cloud_settings()
    )
    problems.extend(_database_host())
    return problems


def _default_database() -> dict[str, Any]:
    return dict(settings.DATABASES.get("default", {}))


def _database_host() -> list[CheckMessage]:
    database = _default_database()
    host = str(database.get("HOST") or "")
    if database.get("ENGINE", "").endswith("sqlite3") or not host or host.startswith("/") or is_loopback(host):
        return []
    return [
        Warning(
            _("Cơ sở dữ liệu ở máy khác: %(host)s.") % {"host": host},
            hint=_("Chỉ dùng máy chủ PostgreSQL trong mạng nội bộ độc lập, kết nối bằng sslmode=verify-full."),
            id="kho.S110",
        )
    ]


def asset_dirs() -> list[Path]:
    """Template and static folders of Kho's own apps and of the project settings."""
    folders: list[Path] = []
    for config in apps.get_app_configs():
        if config.name.startswith("kho."):
            folders += [Path(config.path) / "templates", Path(config.path) / "static"]
    engines: list[dict[str, Any]] = list(settings.TEMPLATES)
    for engine in engines:
        folders += [Path(folder) for folder in engine.get("DIRS", [])]
    folders += [Path(folder) for folder in getattr(settings, "STATICFILES_DIRS", [])]
    return [folder for folder in folders if folder.is_dir()]


def external_references(folders: list[Path]) -> Iterator[tuple[Path, int, str]]:
    """``(file, line, host)`` of every URL to another host in the text files under ``folders``."""
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in ASSET_SUFFIXES or not path.is_file():
                continue
            if path.stat().st_size > MAX_ASSET_BYTES:
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            for number, line in enumerate(lines, start=1):
                for host in ASSET_URL_RE.findall(line):
                    if host.lower() not in NAMESPACE_HOSTS and not is_loopback(host):
                        yield path, number, host


@register(SECURE_TAG, deploy=True)
def check_assets_are_local(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Pages load nothing from another host: no CDN, font service or analytics in templates or static files."""
    problems: list[CheckMessage] = []
    for path, line, host in external_references(asset_dirs()):
        problems.append(
            Error(
                _("%(file)s dòng %(line)s tải nội dung từ %(host)s.") % {"file": path, "line": line, "host": host},
                hint=_("Tải tệp đó về thư mục static của Kho và tham chiếu bằng thẻ static của Django."),
                id="kho.S111",
            )
        )
        if len(problems) >= MAX_FINDINGS:
            break
    return problems


def private_paths() -> list[Path]:
    """The data directory, object store, database files and secret key, where they exist."""
    data_dir = Path(settings.DATA_DIR)
    paths = [data_dir, Path(settings.OBJECT_STORE_DIR), data_dir / "secret.key", data_dir / "logs"]
    database = _default_database()
    if str(database.get("ENGINE", "")).endswith("sqlite3"):
        name = str(database.get("NAME", ""))
        paths += [Path(name), Path(name + "-wal"), Path(name + "-shm")]
    return [path for path in dict.fromkeys(paths) if path.exists()]


@register(SECURE_TAG, deploy=True)
def check_private_permissions(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Other accounts on the machine can neither read nor enter the data: no permission bits for "others"."""
    problems: list[CheckMessage] = []
    for path in private_paths():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o007:
            problems.append(
                Error(
                    _("%(path)s cho mọi tài khoản trên máy truy cập (quyền %(mode)s).")
                    % {"path": path, "mode": oct(mode)},
                    hint=_("Chạy: chmod -R o-rwx %(path)s (và đặt umask 027 cho tài khoản chạy Kho).") % {"path": path},
                    id="kho.S112",
                )
            )
    return problems


@register(SECURE_TAG, deploy=True)
def check_session_cookies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Session cookies: hidden from scripts, same-site, short-lived, and secure when served beyond the machine."""
    problems: list[CheckMessage] = []
    samesite = str(getattr(settings, "SESSION_COOKIE_SAMESITE", "Lax"))
    if not settings.SESSION_COOKIE_HTTPONLY or samesite.lower() not in {"lax", "strict"}:
        problems.append(
            Error(
                _("Cookie phiên đăng nhập đọc được từ JavaScript hoặc gửi kèm từ trang khác."),
                hint=_("Giữ SESSION_COOKIE_HTTPONLY=True và SESSION_COOKIE_SAMESITE='Lax' (mặc định của Kho)."),
                id="kho.S113",
            )
        )
    if int(settings.SESSION_COOKIE_AGE) > MAX_SESSION_SECONDS:
        problems.append(
            Warning(
                _("Phiên đăng nhập kéo dài %(hours)s giờ.") % {"hours": int(settings.SESSION_COOKIE_AGE) // 3600},
                hint=_("Đặt KHO_SESSION_SECONDS không quá 28800 (8 giờ)."),
                id="kho.S114",
            )
        )
    served_beyond = not is_loopback(str(getattr(settings, "KHO_BIND", "127.0.0.1")))
    if served_beyond and not settings.SESSION_COOKIE_SECURE:
        problems.append(
            Warning(
                _("Kho phục vụ qua mạng nhưng cookie phiên không bắt buộc HTTPS."),
                hint=_("Phục vụ Kho qua HTTPS (trực tiếp hoặc sau proxy TLS trong mạng nội bộ) và đặt KHO_HTTPS=1."),
                id="kho.S115",
            )
        )
    return problems


def totp_required() -> bool | None:
    """Whether a second factor is required at sign-in; None when this installation has no such setting."""
    direct = getattr(settings, "KHO_REQUIRE_TOTP", None)
    if direct is not None:
        return bool(direct)
    for name in dir(settings):
        value = getattr(settings, name, None) if name.startswith("KHO_") else None
        if value is not None and hasattr(value, "require_totp"):
            return bool(value.require_totp)
    return None


@register(SECURE_TAG, deploy=True)
def check_second_factor(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A second factor (TOTP) at sign-in, where Kho offers one."""
    if totp_required() is False:
        return [
            Warning(
                _("Đăng nhập không bắt buộc mã xác thực hai lớp (TOTP)."),
                hint=_("Đặt KHO_REQUIRE_TOTP=1 sau khi mọi tài khoản đã đăng ký mã TOTP."),
                id="kho.S116",
            )
        ]
    return []
