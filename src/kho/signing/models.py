"""Which key and certificate sign each agency's digitized copies. Keys stay in files, never in the database."""

from __future__ import annotations

from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.agencies.models import Agency
from kho.core.models import TimeStampedModel
from kho.signing.pades import SigningIdentity


class AgencySigner(TimeStampedModel):
    """An agency's signing identity: the organisation name printed in the stamp and file paths."""

    agency = models.OneToOneField(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="signer")
    organisation = models.CharField(_("tên tổ chức trên chữ ký"), max_length=300)
    key_path = models.CharField(_("tệp khóa bí mật"), max_length=500)
    cert_path = models.CharField(_("tệp chứng thư số"), max_length=500)
    chain_paths = models.JSONField(_("chuỗi chứng thư"), default=list, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chữ ký số cơ quan")
        verbose_name_plural = _("chữ ký số cơ quan")

    def __str__(self) -> str:
        return f"{self.agency.code} {self.organisation}"

    def identity(self) -> SigningIdentity:
        """The pure identity the signer uses."""
        return SigningIdentity(
            organisation=self.organisation,
            key_path=Path(self.key_path),
            cert_path=Path(self.cert_path),
            chain_paths=tuple(Path(p) for p in self.chain_paths),
        )
