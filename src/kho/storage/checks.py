"""System checks of the secure profile (tag ``kho-secure``, run by ``kho doctor --secure``).

They fail when classified objects exist but cannot be protected or read: no master key, a key file with
open permissions or inside the data directory, classified objects still stored in plain, or objects sealed
under a key that is not the configured one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.db.utils import DatabaseError
from django.utils.translation import gettext as _

from kho.core.exceptions import KhoError

SECURE_TAG = "kho-secure"

__all__ = ["SECURE_TAG", "check_encryption_at_rest", "register_checks"]


def _key_problems() -> tuple[list[CheckMessage], str | None]:
    from kho.storage.keys import configured_key, key_file_problems

    path = getattr(settings, "KHO_MASTER_KEY_FILE", None)
    if path is not None:
        problems = key_file_problems(Path(path))
        if problems:
            return [
                Error(
                    _("Tệp khóa chủ %(path)s không an toàn: %(reason)s.")
                    % {"path": path, "reason": "; ".join(problems)},
                    hint=_("chmod 600 tệp khóa và để nó ngoài KHO_DATA_DIR."),
                    id="kho.E201",
                )
            ], None
    try:
        key = configured_key()
    except KhoError as error:
        return [Error(error.render(_), hint=_("Tạo khóa mới bằng 'kho keys generate --out TỆP'."), id="kho.E201")], None
    return [], key.key_id if key else None


def check_encryption_at_rest(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Classified objects need a usable master key, and must all be sealed under it."""
    from kho.storage.encryption import key_status

    problems, key_id = _key_problems()
    try:
        status = key_status() if not problems else None
    except DatabaseError:
        return problems  # no schema yet: the kho checks report the database
    except KhoError as error:
        return [*problems, Error(error.render(_), id="kho.E201")]
    if status is None:
        return problems
    encrypted = sum(status["encrypted"].values())
    if key_id is None and (encrypted or status["classified_in_plain"]):
        problems.append(
            Error(
                _("Có tài liệu mật nhưng chưa cấu hình khóa chủ."),
                hint=_("Đặt KHO_MASTER_KEY_FILE (tệp tạo bằng 'kho keys generate --out TỆP', quyền 0600)."),
                id="kho.E202",
            )
        )
    if key_id is not None and status["classified_in_plain"]:
        problems.append(
            Error(
                _("%(count)s đối tượng của tài liệu mật còn lưu ở dạng rõ.") % {"count": status["classified_in_plain"]},
                hint=_("Chạy 'kho keys seal'."),
                id="kho.E203",
            )
        )
    if key_id is not None and status["under_other_keys"]:
        problems.append(
            Error(
                _("%(count)s đối tượng được mã hóa bằng khóa chủ khác khóa đang cấu hình.")
                % {"count": status["under_other_keys"]},
                hint=_("Cấu hình đúng khóa, hoặc chạy xong 'kho keys rotate --new-key-file TỆP'."),
                id="kho.E204",
            )
        )
    return problems


def register_checks() -> None:
    """Register the secure-profile checks (called from ``StorageConfig.ready``)."""
    register(check_encryption_at_rest, SECURE_TAG, deploy=True)
