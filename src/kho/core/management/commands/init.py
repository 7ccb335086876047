"""``kho init``: prepare an archive in KHO_DATA_DIR (directories, secret key, database schema). Idempotent.

The data directory, object store, database files and secret key are closed to other accounts on the
machine (no "others" permission bits), which ``kho doctor --secure`` checks (check kho.S112).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _

from kho.audit import log
from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.core.command import KhoCommand
from kho.core.exceptions import EnvironmentProblemError
from kho.core.secure_checks import private_paths
from kho.storage.store import get_store


def _close_to_others() -> list[str]:
    """Remove every permission of "others" from the archive's private paths; the paths changed."""
    changed = []
    for path in private_paths():
        mode = path.stat().st_mode & 0o7777
        if mode & 0o007:
            path.chmod(mode & ~0o007)
            changed.append(str(path))
    return changed


def _write_secret_key(data_dir: Path) -> bool:
    key_file = data_dir / "secret.key"
    if key_file.exists():
        return False
    key_file.write_text(secrets.token_urlsafe(50), encoding="ascii")
    key_file.chmod(0o600)
    return True


class Command(KhoCommand):
    """Create the data directory, object store and secret key, then apply database migrations."""

    help = _("Chuẩn bị kho lưu trữ trong KHO_DATA_DIR (chạy lại nhiều lần cũng an toàn).")
    supports_json = True

    def run(self, *args: Any, **options: Any) -> None:
        """Prepare everything; report what was created."""
        data_dir = Path(settings.DATA_DIR)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            get_store().ensure()
            key_created = _write_secret_key(data_dir)
        except OSError as error:
            raise EnvironmentProblemError(
                _("Không tạo được thư mục dữ liệu %(path)s: %(reason)s"),
                path=str(data_dir),
                reason=error.strerror,
            ) from error
        call_command("migrate", interactive=False, verbosity=0)
        try:
            closed = _close_to_others()
        except OSError as error:
            raise EnvironmentProblemError(
                _("Không đóng được quyền truy cập của tài khoản khác vào %(path)s: %(reason)s"),
                path=str(error.filename),
                reason=error.strerror,
            ) from error
        first_time = not Event.objects.exists()
        if first_time:
            with transaction.atomic():
                log.append(
                    EventType.CREATION,
                    object_type="archive",
                    object_id=str(data_dir),
                    detail="archive initialised",
                )
        result = {
            "ok": True,
            "data_dir": str(data_dir),
            "object_store": str(settings.OBJECT_STORE_DIR),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "secret_key_created": key_created,
            "closed_to_others": closed,
            "new_archive": first_time,
        }
        self.emit(
            result,
            lambda: self.say(
                _("Kho lưu trữ sẵn sàng tại %(path)s (cơ sở dữ liệu: %(db)s).")
                % {"path": data_dir, "db": result["database"]},
                self.style.SUCCESS,
            ),
        )
