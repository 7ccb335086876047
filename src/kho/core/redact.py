"""A logging filter that removes secrets from log records before any handler writes them.

Installed on every handler in ``settings.LOGGING``. It rewrites the formatted message and the traceback
text of each record: values of password, token, secret, session id and CSRF fields (``key=value``,
``key: value``, JSON ``"key": "value"``), ``Authorization``/``Cookie`` header values, Kho API tokens
(``kho_<prefix>_<secret>``) and ``otpauth://`` URIs become ``[REDACTED]``. Pure module (no Django).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable

__all__ = ["REDACTED", "RedactSecretsFilter", "redact"]

REDACTED = "[REDACTED]"

_KEYS = (
    r"password\d?|passwd|pwd|pass|secret(?:_key)?|token|access_token|refresh_token|api_?key|"
    r"sessionid|session_key|session|csrftoken|csrfmiddlewaretoken|csrf_token|otp|totp|code_2fa"
)
_PATTERNS = (
    # Authorization / Cookie headers, as printed from request.META or raw headers.
    (
        re.compile(
            r"(?i)\b((?:HTTP_)?(?:proxy[-_])?authorization|(?:HTTP_)?cookie)(['\"]?\s*[:=]\s*['\"]?)([^'\"\r\n]+)"
        ),
        3,
    ),
    # 'key': 'value with spaces', "key": "value" (quoted values, whole).
    (re.compile(rf"(?i)(['\"]?\b(?:{_KEYS})\b['\"]?\s*[:=]\s*\[?\s*(['\"]))((?:(?!\2).)*)"), 3),
    # key=value, key: value (unquoted values, up to a separator).
    (re.compile(rf"(?i)(\b(?:{_KEYS})\b)(\s*[:=]\s*)([^\s'\",;&)}}\]]+)"), 3),
    # Kho API tokens anywhere.
    (re.compile(r"\bkho_[0-9a-f]{12}_[A-Za-z0-9_-]{10,}"), 0),
    # Bearer credentials anywhere.
    (re.compile(r"(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]{8,})"), 3),
    # otpauth:// URIs carry the TOTP secret.
    (re.compile(r"otpauth://\S+"), 0),
)


def _replace(group: int) -> Callable[[re.Match[str]], str]:
    def sub(match: re.Match[str]) -> str:
        if group == 0:
            return REDACTED
        return match.group(0)[: match.start(group) - match.start(0)] + REDACTED

    return sub


def redact(text: str) -> str:
    """``text`` with every secret it recognises replaced by ``[REDACTED]``."""
    for pattern, group in _PATTERNS:
        text = pattern.sub(_replace(group), text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrite each record's message and traceback text with ``redact``; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place and keep the record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep the raw template
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
