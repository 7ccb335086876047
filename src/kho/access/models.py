"""Roles, clearances and scopes: the ``AccessProfile`` that every access decision starts from.

Deny by default: a user without a profile has no data access at all. That includes Django superusers
and staff; ``is_superuser`` opens the Django admin screens, never the archive, and an ``admin`` role is
about administration (accounts, the audit log), not about reading secrets (see ``kho.access.levels``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.agencies.models import Agency
from kho.core.codetables import SecrecyLevel
from kho.core.models import TimeStampedModel
from kho.records.choices import SECRECY_CHOICES
from kho.records.models import Fonds


class Role(models.TextChoices):
    """What a user does in the archive; ``kho.access.levels.ROLE_ACTIONS`` says what each may do."""

    CLERK = "clerk", _("Văn thư")
    ARCHIVIST = "archivist", _("Lưu trữ viên")
    LEADER = "leader", _("Lãnh đạo (phê duyệt)")
    READER = "reader", _("Người khai thác")
    SECURITY_OFFICER = "security_officer", _("Cán bộ bảo mật")
    ADMIN = "admin", _("Quản trị")


class AccessProfile(TimeStampedModel):
    """One user's role, clearance and scope.

    Scope: an agency listed in ``agencies`` covers its whole subtree of subordinate agencies (and their
    fonds); a fonds listed in ``fonds`` is covered alone; ``all_agencies`` covers the whole province and
    is never implied by anything else (not by the role, not by ``is_superuser``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="access_profile",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    clearance = models.PositiveSmallIntegerField(
        _("độ mật được tiếp cận"), choices=SECRECY_CHOICES, default=SecrecyLevel.NONE.value
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan (kèm cơ quan trực thuộc)"), blank=True, related_name="access_profiles"
    )
    fonds = models.ManyToManyField(Fonds, verbose_name=_("phông"), blank=True, related_name="access_profiles")
    all_agencies = models.BooleanField(_("toàn bộ cơ quan trong tỉnh"), default=False)

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clearance__gte=SecrecyLevel.NONE.value)
                & models.Q(clearance__lte=SecrecyLevel.TUYET_MAT.value),
                name="access_profile_clearance_range",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="access_profile_role_known"),
        ]
        verbose_name = _("hồ sơ phân quyền")
        verbose_name_plural = _("hồ sơ phân quyền")

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {SecrecyLevel(self.clearance).name}"


class ThrottleScope(models.TextChoices):
    """What a sign-in throttle counts failures of."""

    USER = "user", _("tên đăng nhập")
    ADDRESS = "address", _("địa chỉ máy khách")


class SignInThrottle(models.Model):
    """Failed sign-ins of one user name or one client address, and the lock they led to.

    Kept in the database so every worker process and server sees the same counts; rows are updated under
    ``select_for_update`` (``kho.access.signin``). ``key`` is the case-folded user name or the address.
    """

    scope = models.CharField(_("phạm vi"), max_length=10, choices=ThrottleScope.choices)
    key = models.CharField(_("khóa"), max_length=150)
    failures = models.PositiveIntegerField(_("số lần sai"), default=0)
    window_started_at = models.DateTimeField(_("bắt đầu đếm lúc"), null=True, blank=True)
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="sign_in_throttle_scope_key_unique")]
        verbose_name = _("giới hạn đăng nhập")
        verbose_name_plural = _("giới hạn đăng nhập")

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} {self.failures}"


class SecondFactor(models.Model):
    """A user's TOTP secret (RFC 6238) and the last time step accepted, so a code is never used twice.

    ``secret`` holds the secret sealed under the site's secret key (:mod:`kho.access._totp_seal`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="second_factor",
    )
    secret = models.CharField(_("khóa bí mật (đã mã hóa)"), max_length=200)
    last_step = models.BigIntegerField(_("bước thời gian dùng gần nhất"), default=-1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("xác thực hai bước")
        verbose_name_plural = _("xác thực hai bước")

    def __str__(self) -> str:
        return f"totp:{self.user_id}"
