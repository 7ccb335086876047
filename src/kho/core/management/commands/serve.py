"""``kho serve``: start the web server (localhost only unless told otherwise)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand


class Command(KhoCommand):
    """Serve Kho over HTTP with Django's threaded server, static files included."""

    help = _("Chạy máy chủ web của Kho (mặc định chỉ trên 127.0.0.1).")

    def add_arguments(self, parser: CommandParser) -> None:
        """Address and port."""
        parser.add_argument("--host", default="127.0.0.1", help=_("Địa chỉ lắng nghe (mặc định 127.0.0.1)."))
        parser.add_argument("--port", type=int, default=8000, help=_("Cổng (mặc định 8000)."))

    def run(self, *args: Any, **options: Any) -> None:
        """Run until interrupted."""
        host = options["host"]
        address = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        call_command("runserver", address, use_reloader=False, insecure_serving=True, use_threading=True)
