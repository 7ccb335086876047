"""The Blob: one stored byte sequence, known by its digest, with its last fixity result."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    """A content-addressed object. Its bytes are written before this row (style.md rule 7).

    ``digest`` and ``size`` are always those of the plaintext (the archive identity used by manifests and
    packages). An encrypted object (``key_id`` not empty) is stored as ciphertext under ``storage_key``
    (``enc/…``, named by ``cipher_digest``); ``wrapped_key`` is its data key sealed by the master key
    ``key_id``, so fixity can be checked without the key and rotation only rewrites this row.
    """

    digest = models.CharField(_("mã băm"), max_length=71, unique=True)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    storage_key = models.CharField(_("khóa lưu trữ"), max_length=200)
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)
    last_fixity_at = models.DateTimeField(_("kiểm tra toàn vẹn lần cuối"), null=True, blank=True)
    last_fixity_ok = models.BooleanField(_("toàn vẹn"), null=True, blank=True)
    key_id = models.CharField(_("mã khóa chủ"), max_length=16, blank=True, default="", db_index=True)
    wrapped_key = models.CharField(_("khóa dữ liệu đã bọc"), max_length=120, blank=True, default="")
    cipher_digest = models.CharField(_("mã băm bản mã"), max_length=71, blank=True, default="", db_index=True)
    cipher_size = models.PositiveBigIntegerField(_("kích thước bản mã"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["last_fixity_at"])]
        verbose_name = _("đối tượng lưu trữ")
        verbose_name_plural = _("đối tượng lưu trữ")

    def __str__(self) -> str:
        return self.digest

    @property
    def encrypted(self) -> bool:
        """Whether the stored bytes are ciphertext."""
        return bool(self.key_id)
