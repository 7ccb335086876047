"""``ApiToken``: a bearer token of one user, stored only as the SHA-256 of its secret.

A token reads ``kho_<prefix>_<secret>``. The prefix (12 hex characters) is public: it names the token in
``kho tokens list`` and finds its row; the secret is shown once, at creation, and never stored. The row
keeps ``sha256:<hex>`` of the whole token, compared in constant time on every request (``kho.api.auth``).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One API token. Revoked or expired tokens stay as rows (their history is in the audit log)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=12, unique=True)
    key_hash = models.CharField(_("băm khóa"), max_length=71)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"

    def is_usable(self, now: datetime | None = None) -> bool:
        """Not revoked and not expired at ``now`` (default: the current time)."""
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
