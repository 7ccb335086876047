"""``kho serve``: start the web server (localhost only unless told otherwise).

Waitress serves Kho with a fixed pool of threads, so the number of database connections stays bounded
(Django's development server starts a thread, and on PostgreSQL a connection, per HTTP connection: the
upload benchmark exhausted PostgreSQL's connection slots with it). Static files are served by Kho itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError

DEFAULT_THREADS = 8


class Command(KhoCommand):
    """Serve Kho over HTTP with waitress."""

    help = _("Chạy máy chủ web của Kho (mặc định chỉ trên 127.0.0.1).")

    def add_arguments(self, parser: CommandParser) -> None:
        """Address, port and threads."""
        parser.add_argument(
            "--host", default=settings.KHO_BIND, help=_("Địa chỉ lắng nghe (mặc định KHO_BIND, tức 127.0.0.1).")
        )
        parser.add_argument("--port", type=int, default=8000, help=_("Cổng (mặc định 8000)."))
        parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help=_("Số luồng xử lý (mặc định 8)."))

    def run(self, *args: Any, **options: Any) -> None:
        """Run until interrupted."""
        if not 0 < options["port"] < 65536 or options["threads"] < 1:
            raise BadInputError(_("Cổng phải từ 1 đến 65535 và số luồng ít nhất là 1."))
        from waitress import serve

        from kho.config.wsgi import application

        self.say(
            _("Kho đang chạy tại http://%(host)s:%(port)s/ (Ctrl-C để dừng).")
            % {"host": options["host"], "port": options["port"]}
        )
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="Kho",
            clear_untrusted_proxy_headers=True,
        )
