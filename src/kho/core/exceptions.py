"""Base exceptions and exit codes shared by every app (style.md rule 12).

Every Kho error carries a message template in English with named placeholders (translated at the edge
through Django i18n; Vietnamese is the default language), its parameters, and the exit code / HTTP status
the interfaces map it to. Interfaces turn them into output in exactly one place each (rule 14).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar

from kho.core.text import N_


class ExitCode(IntEnum):
    """Exit codes of the ``kho`` command, documented in README.md."""

    OK = 0
    PROBLEMS_FOUND = 1  # the command ran and found problems (fixity mismatch, broken chain, invalid package)
    BAD_INPUT = 2  # bad arguments or a malformed input file
    NOT_FOUND = 3  # an unknown code, file or object
    CONFLICT = 4  # a duplicate code or a state that forbids the action
    ENVIRONMENT = 5  # storage not writable, database unreachable, missing tool
    PERMISSION_DENIED = 6  # the policy refused the action
    INTERRUPTED = 130  # stopped by Ctrl-C
    INTERNAL = 70  # a bug: the details are in the log, never on screen


class KhoError(Exception):
    """Base of every expected Kho error; subclasses set ``exit_code``, ``http_status`` and ``template``."""

    exit_code: ClassVar[ExitCode] = ExitCode.BAD_INPUT
    http_status: ClassVar[int] = 400
    code: ClassVar[str] = "error"
    template: ClassVar[str] = N_("The operation failed.")

    def __init__(self, template: str | None = None, /, details: list[Any] | None = None, **params: Any):
        self.message_template = template or self.template
        self.params = params
        self.details: list[Any] = list(details or [])
        super().__init__(self.message_template % params if params else self.message_template)

    def render(self, translate: Any = None) -> str:
        """Return the message, translated by ``translate`` (a gettext function) when given."""
        template = translate(self.message_template) if translate else self.message_template
        return template % self.params if self.params else template


class BadInputError(KhoError):
    """Input the user gave cannot be used as it is: fix the input and run the command again."""

    code = "bad_input"
    template = N_("The input is not valid.")


class NotFoundError(KhoError):
    """A code, file or object named by the user does not exist (or is not visible to them)."""

    exit_code = ExitCode.NOT_FOUND
    http_status = 404
    code = "not_found"
    template = N_("Not found.")


class ConflictError(KhoError):
    """The action conflicts with what is stored (a duplicate code, a closed fonds): nothing was changed."""

    exit_code = ExitCode.CONFLICT
    http_status = 409
    code = "conflict"
    template = N_("The action conflicts with the archive's current state.")


class EnvironmentProblemError(KhoError):
    """The machine is not ready (storage, database, a tool): run ``kho doctor`` for the fix."""

    exit_code = ExitCode.ENVIRONMENT
    http_status = 503
    code = "environment"
    template = N_("The system is not ready; run 'kho doctor'.")


class ProblemsFoundError(KhoError):
    """A check ran to the end and found problems, listed in ``details``."""

    exit_code = ExitCode.PROBLEMS_FOUND
    http_status = 422
    code = "problems_found"
    template = N_("Problems were found.")


class KhoPermissionDeniedError(KhoError):
    """The access policy refused the action; the reason is logged, not shown to the user."""

    exit_code = ExitCode.PERMISSION_DENIED
    http_status = 403
    code = "permission_denied"
    template = N_("You are not allowed to do this.")
