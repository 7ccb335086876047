"""Start-up problems as Django system checks, each with its fix (style.md rule 20).

``kho doctor`` runs them all and prints each problem with the hint that tells how to fix it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.utils.translation import gettext as _

KHO_TAG = "kho"


def _tesseract_languages(binary: str) -> set[str]:
    try:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {line.strip() for line in done.stdout.splitlines()[1:] if line.strip()}


@register(KHO_TAG, deploy=True)
def check_ocr_tools(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Tesseract with the Vietnamese model, and Ghostscript, are needed to digitize."""
    problems: list[CheckMessage] = []
    binary = shutil.which("tesseract")
    if binary is None:
        problems.append(
            Warning(
                _("Không tìm thấy Tesseract OCR: chưa số hóa được."),
                hint="apt-get install tesseract-ocr tesseract-ocr-vie",
                id="kho.W001",
            )
        )
    elif settings.KHO_OCR_LANGUAGE not in _tesseract_languages(binary):
        problems.append(
            Warning(
                _("Tesseract thiếu ngôn ngữ “%(lang)s” (tiếng Việt).") % {"lang": settings.KHO_OCR_LANGUAGE},
                hint="apt-get install tesseract-ocr-vie",
                id="kho.W002",
            )
        )
    if shutil.which("gs") is None:
        problems.append(
            Warning(
                _("Không tìm thấy Ghostscript (cần cho PDF/A)."),
                hint="apt-get install ghostscript",
                id="kho.W003",
            )
        )
    return problems


@register(KHO_TAG, deploy=True)
def check_storage_writable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The object store directory must exist and accept new files."""
    root = Path(settings.OBJECT_STORE_DIR)
    if not root.is_dir():
        return [
            Error(
                _("Thư mục lưu trữ %(path)s chưa có.") % {"path": root},
                hint=_("Chạy 'kho init' (hoặc đặt KHO_DATA_DIR)."),
                id="kho.E001",
            )
        ]
    try:
        with tempfile.NamedTemporaryFile(dir=root, prefix=".doctor-"):
            pass
    except OSError as error:
        return [
            Error(
                _("Không ghi được vào thư mục lưu trữ %(path)s: %(reason)s") % {"path": root, "reason": error.strerror},
                hint=_("Cấp quyền ghi cho người dùng chạy Kho, hoặc đổi KHO_DATA_DIR."),
                id="kho.E002",
            )
        ]
    return []


@register(Tags.database, KHO_TAG, deploy=True)
def check_database(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The database must answer, and every migration must be applied."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return [
            Error(
                _("Không kết nối được cơ sở dữ liệu: %(reason)s") % {"reason": str(error).strip()},
                hint=_("Kiểm tra KHO_DATABASE_URL và máy chủ PostgreSQL, hoặc bỏ biến này để dùng SQLite."),
                id="kho.E003",
            )
        ]
    if pending:
        return [
            Warning(
                _("Còn %(count)s migration chưa áp dụng.") % {"count": len(pending)},
                hint=_("Chạy 'kho init'."),
                id="kho.W004",
            )
        ]
    return []


@register(Tags.security, KHO_TAG, deploy=True)
def check_debug_and_secret(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """DEBUG must be off and SECRET_KEY set in production."""
    problems: list[CheckMessage] = []
    if settings.DEBUG:
        problems.append(
            Warning(
                _("DEBUG đang bật: lỗi sẽ lộ chi tiết hệ thống."),
                hint=_("Bỏ KHO_DEBUG hoặc đặt KHO_DEBUG=0."),
                id="kho.W005",
            )
        )
    if settings.KHO_SECRET_KEY_IS_DEFAULT:
        problems.append(
            Warning(
                _("Đang dùng khóa bí mật mặc định."),
                hint=_("Đặt KHO_SECRET_KEY (một chuỗi ngẫu nhiên dài); 'kho init' ghi sẵn một khóa."),
                id="kho.W006",
            )
        )
    return problems
