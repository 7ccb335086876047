"""The tables behind full-text search: the indexed text of each document, and SQLite's FTS5 table.

``DocumentIndex`` (``search_documentindex``) keeps, per document, exactly the original (NFC) text that
was indexed: the SQLite backend builds snippets from it and re-derives nothing else; on PostgreSQL the
migration adds generated ``tsvector`` columns and GIN indexes to this same table. ``FtsEntry`` maps the
SQLite FTS5 virtual table ``search_fts`` (created by the migration only on SQLite) so that searches can be
composed with the ORM; it is unmanaged and must never be queried on PostgreSQL.

Both keys point at ``records.Document`` without a database constraint and with ``DO_NOTHING``: an
entry may briefly outlive its document until the after-commit removal task runs, and every search joins
``records_document``, so such an entry is never found.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.records.models import Document, Fonds


class DocumentIndex(models.Model):
    """The indexed fields of one document, as stored text (classified documents: number and type only)."""

    document = models.OneToOneField(
        Document,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("tài liệu"),
    )
    number_symbol = models.TextField(_("số, ký hiệu"), blank=True)
    symbol_terms = models.TextField(_("số, ký hiệu đã chuẩn hóa"), blank=True)
    type_name = models.TextField(_("tên loại"), blank=True)
    subject = models.TextField(_("trích yếu"), blank=True)
    organ_name = models.TextField(_("cơ quan ban hành"), blank=True)
    signer = models.TextField(_("người ký"), blank=True)
    record_title = models.TextField(_("tiêu đề hồ sơ"), blank=True)
    body = models.TextField(_("nội dung văn bản"), blank=True)
    # Copies of the most selective filters, so that the database narrows a search before ranking it;
    # searches still apply the filters to records_document, which stays authoritative.
    type_code = models.CharField(_("mã tên loại"), max_length=2, blank=True)
    year = models.PositiveSmallIntegerField(_("năm ban hành"), null=True, blank=True)
    fonds = models.ForeignKey(
        Fonds, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", null=True, blank=True
    )
    indexed_at = models.DateTimeField(_("lập chỉ mục lúc"), auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["year"]), models.Index(fields=["type_code", "year"])]
        verbose_name = _("chỉ mục tài liệu")
        verbose_name_plural = _("chỉ mục tài liệu")

    def __str__(self) -> str:
        return f"{self.document_id} {self.number_symbol}".strip()


class FtsEntry(models.Model):
    """A row of the SQLite FTS5 table ``search_fts`` (its rowid is the document id). SQLite only."""

    document = models.OneToOneField(
        Document,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return str(self.document_id)
