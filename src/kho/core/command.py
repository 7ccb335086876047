"""Base class of every ``kho`` subcommand: the CLI's one place that turns errors into messages and exit codes.

Style.md rule 14: commands raise ``KhoError`` subclasses (or let bugs propagate); ``KhoCommand`` maps them
to one line on stderr (and a JSON error object on stdout with ``--json``) and the documented exit code.
A bug never shows a traceback: it is logged and the user gets exit code 70.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connections
from django.db.utils import OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

from kho.core.exceptions import EnvironmentProblemError, ExitCode, KhoError

logger = logging.getLogger("kho.cli")


def record_internal_error(error: BaseException) -> str:
    """Append the traceback of a bug to ``<data dir>/logs/errors.log`` (never to the screen); return where."""
    path = Path(settings.DATA_DIR) / "logs" / "errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(f"--- {datetime.now(UTC).isoformat()}\n")
            out.write("".join(traceback.format_exception(error)))
    except OSError:
        logger.debug("could not write %s", path)
        return "stderr"
    return str(path)


class KhoCommand(BaseCommand):
    """A ``kho`` subcommand. Subclasses implement ``run(**options)`` and set ``supports_json``."""

    supports_json = False
    requires_system_checks: list[str] = []  # `kho doctor` runs the checks; commands stay fast  # noqa: RUF012
    json_mode = False
    _emitted = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """Add ``--json`` to commands that support it."""
        parser = super().create_parser("kho", subcommand, **kwargs)
        if self.supports_json:
            help_text = _("In kết quả dạng JSON (cho script).")
            parser.add_argument("--json", action="store_true", help=help_text)
            for action in parser._subparsers._group_actions if parser._subparsers else ():  # noqa: SLF001
                for child in getattr(action, "choices", {}).values():
                    child.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=help_text)
        return parser

    def handle(self, *args: Any, **options: Any) -> None:
        """Activate the interface language, then run the command."""
        self.json_mode, self._emitted = bool(options.get("json")), False
        translation.activate(settings.LANGUAGE_CODE)
        self.run(*args, **options)

    def run(self, *args: Any, **options: Any) -> None:
        """Do the command's work; raise ``KhoError`` subclasses for expected failures."""
        raise NotImplementedError

    def execute(self, *args: Any, **options: Any) -> Any:
        """Run the command and translate every failure into a ``CommandError`` with the right exit code."""
        try:
            return super().execute(*args, **options)
        except CommandError:
            raise
        except KhoError as error:
            self._report_error(error.code, error.render(_), error.details)
            raise CommandError(error.render(_), returncode=int(error.exit_code)) from error
        except OperationalError as error:
            problem = EnvironmentProblemError(
                _("Không kết nối được cơ sở dữ liệu: %(reason)s. Chạy 'kho doctor'."),
                reason=str(error).splitlines()[0] if str(error) else "",
            )
            raise CommandError(problem.render(), returncode=int(problem.exit_code)) from error
        except KeyboardInterrupt:
            raise CommandError(_("Đã dừng theo yêu cầu."), returncode=int(ExitCode.INTERRUPTED)) from None
        except Exception as error:  # noqa: BLE001 - the one place where a bug becomes exit code 70
            where = record_internal_error(error)
            message = _("Lỗi nội bộ (%(kind)s). Chi tiết đã ghi vào %(log)s; hãy báo cho quản trị viên.") % {
                "kind": type(error).__name__,
                "log": where,
            }
            raise CommandError(message, returncode=int(ExitCode.INTERNAL)) from error

    def run_from_argv(self, argv: list[str]) -> None:
        """Like Django's, but prints ``kho: lỗi: …`` instead of ``CommandError: …``."""
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = vars(parser.parse_args(argv[2:]))
        args = options.pop("args", ())
        try:
            self.execute(*args, **options)
        except CommandError as error:
            self.stderr.write(_("kho: lỗi: %(message)s") % {"message": error}, lambda text: text)
            sys.exit(error.returncode)
        finally:
            connections.close_all()

    def _report_error(self, code: str, message: str, details: list[Any]) -> None:
        if self.json_mode and self._emitted:
            return  # the command already printed its report, which carries the problems
        if self.json_mode:
            self.emit({"ok": False, "error": {"code": code, "message": message, "details": details}})
        elif details:
            for item in details:
                self.stderr.write(f"  - {item}", lambda text: text)

    def emit(self, data: dict[str, Any], human: Callable[[], None] | None = None) -> None:
        """Print ``data`` as JSON in ``--json`` mode, otherwise call ``human`` to print prose."""
        if self.json_mode:
            self._emitted = True
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        elif human is not None:
            human()

    def say(self, message: str, style: Callable[[str], str] | None = None) -> None:
        """Print one human line (suppressed in ``--json`` mode)."""
        if not self.json_mode:
            self.stdout.write(message, style)

    @contextmanager
    def progress(self, total: int, description: str) -> Iterator[Callable[[int], None]]:
        """A progress bar on stderr for long runs; silent when not a terminal or in ``--json`` mode."""
        stream = self.stderr._out if isinstance(self.stderr, OutputWrapper) else sys.stderr
        if self.json_mode or not getattr(stream, "isatty", lambda: False)():
            yield lambda _advance: None
            return
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True) as bar:
            task_id = bar.add_task(description, total=total)
            yield lambda advance: bar.advance(task_id, advance)
