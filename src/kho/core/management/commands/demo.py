"""``kho demo``: load the demo archive (once) and print how to sign in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.demo import ensure_admin, load_demo


class Command(KhoCommand):
    """Create the demo administrator and the demo archive made from generated data."""

    help = _("Nạp kho lưu trữ mẫu (dữ liệu sinh tự động) và tạo tài khoản quản trị mẫu.")
    supports_json = True

    def run(self, *args: Any, **options: Any) -> None:
        """Load and print the sign-in details."""
        data_dir = Path(settings.DATA_DIR)
        created = load_demo(data_dir)
        user, password = ensure_admin(data_dir)
        data = {"ok": True, "created": created, "url": "http://127.0.0.1:8000/", "username": user, "password": password}
        self.emit(
            data,
            lambda: self.say(
                _("Kho mẫu %(state)s. Mở %(url)s và đăng nhập: tài khoản “%(user)s”, mật khẩu “%(password)s”.")
                % {
                    "state": _("đã tạo") if created else _("đã có sẵn"),
                    "url": data["url"],
                    "user": user,
                    "password": password,
                },
                self.style.SUCCESS,
            ),
        )
