"""Fonds, Record (hồ sơ), Document (văn bản), cited documents and digital objects.

Fields follow TT 05/2025/TT-BNV (standards.md §2.1–§2.3) with the Party superset (secrecy level, copy
type, signer, topic). The TT05 English key of each field is given in ``help_text``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kho.agencies.models import Agency
from kho.core.models import TimeStampedModel
from kho.records import choices as c


class Fonds(TimeStampedModel):
    """A fonds (phông lưu trữ): all records of one creating agency, kept whole (standards.md §2.1)."""

    code = models.CharField(_("mã phông"), max_length=40, unique=True, help_text="fondCode")
    name = models.CharField(_("tên phông"), max_length=300, help_text="fondName")
    agency = models.ForeignKey(
        Agency, verbose_name=_("đơn vị hình thành phông"), on_delete=models.PROTECT, related_name="fonds"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=c.FondsStatus.choices,
        default=c.FondsStatus.OPEN,
        help_text="status",
    )
    closed_on = models.DateField(_("ngày đóng phông"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("tài liệu từ năm"), null=True, blank=True, help_text="timeRange")
    end_year = models.PositiveSmallIntegerField(_("tài liệu đến năm"), null=True, blank=True, help_text="timeRange")
    history = models.TextField(_("lịch sử đơn vị hình thành phông"), blank=True, help_text="history")
    classification_scheme = models.TextField(_("phương án phân loại"), blank=True, help_text="classificationScheme")
    language = models.CharField(_("ngôn ngữ"), max_length=100, default="01", help_text="language")
    risk_recovery = models.BooleanField(_("chế độ dự phòng"), default=False, help_text="riskRecovery")
    description = models.TextField(_("ghi chú"), blank=True, help_text="description")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True)
                | models.Q(status="closed", closed_on__isnull=False),
                name="fonds_closed_has_date",
            ),
        ]
        verbose_name = _("phông")
        verbose_name_plural = _("phông")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Record(TimeStampedModel):
    """A record (hồ sơ) with the 18 TT05 fields plus shelf location and digitization status."""

    fonds = models.ForeignKey(Fonds, verbose_name=_("phông"), on_delete=models.PROTECT, related_name="records")
    file_code = models.CharField(_("mã hồ sơ"), max_length=100, unique=True, help_text="fileCode")
    file_number = models.CharField(_("số và ký hiệu hồ sơ"), max_length=50, blank=True)
    year = models.PositiveSmallIntegerField(_("năm hình thành"), null=True, blank=True)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=1000, help_text="title")
    maintenance = models.CharField(
        _("thời hạn bảo quản"),
        max_length=2,
        choices=c.RETENTION_CHOICES,
        default="01",
        help_text="maintenance",
    )
    mode = models.CharField(
        _("chế độ sử dụng"), max_length=2, choices=c.ACCESS_MODE_CHOICES, default="01", help_text="mode"
    )
    language = models.CharField(_("ngôn ngữ"), max_length=100, default="01", help_text="language")
    start_date = models.DateField(_("thời gian bắt đầu"), null=True, blank=True, help_text="startDate")
    end_date = models.DateField(_("thời gian kết thúc"), null=True, blank=True, help_text="endDate")
    keyword = models.CharField(_("từ khóa"), max_length=100, blank=True, help_text="keyword")
    total_doc = models.PositiveIntegerField(_("tổng số tài liệu"), default=0, help_text="totalDoc")
    number_of_paper = models.PositiveIntegerField(_("số lượng tờ"), null=True, blank=True, help_text="numberOfPaper")
    number_of_page = models.PositiveIntegerField(_("số lượng trang"), null=True, blank=True, help_text="numberOfPage")
    format = models.CharField(
        _("tình trạng vật lý"),
        max_length=2,
        choices=c.PHYSICAL_STATE_CHOICES,
        default="01",
        help_text="format",
    )
    infor_sign = models.CharField(_("ký hiệu thông tin"), max_length=30, blank=True, help_text="inforSign")
    confidence_level = models.CharField(
        _("mức độ tin cậy"),
        max_length=2,
        choices=c.CONFIDENCE_LEVEL_CHOICES,
        default="02",
        help_text="confidenceLevel",
    )
    paper_file_code = models.CharField(_("mã hồ sơ gốc giấy"), max_length=100, blank=True, help_text="paperFileCode")
    risk_recovery = models.BooleanField(_("chế độ dự phòng"), default=False, help_text="riskRecovery")
    risk_recovery_status = models.CharField(
        _("tình trạng dự phòng"),
        max_length=2,
        blank=True,
        choices=c.RISK_RECOVERY_STATUS_CHOICES,
        help_text="riskRecoveryStatus",
    )
    description = models.TextField(_("ghi chú"), max_length=2000, blank=True, help_text="description")
    compiled_by = models.CharField(_("người lập hồ sơ"), max_length=200, blank=True)
    storage_room = models.CharField(_("kho"), max_length=40, blank=True)
    shelf = models.CharField(_("giá"), max_length=40, blank=True)
    box = models.CharField(_("hộp"), max_length=40, blank=True)
    secrecy_level = models.PositiveSmallIntegerField(_("độ mật"), choices=c.SECRECY_CHOICES, default=0)
    digitization_status = models.CharField(
        _("tình trạng số hóa"),
        max_length=12,
        choices=c.DigitizationStatus.choices,
        default=c.DigitizationStatus.NOT_STARTED,
    )

    class Meta:
        ordering = ["file_code"]
        indexes = [
            models.Index(fields=["fonds", "file_code"]),
            models.Index(fields=["fonds", "digitization_status"]),
            models.Index(fields=["secrecy_level"]),
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return f"{self.file_code} {self.title}"


class Document(TimeStampedModel):
    """A document (văn bản) with the 21 TT05 fields, the Party superset and extraction/verification state."""

    record = models.ForeignKey(Record, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="documents")
    ordinal = models.PositiveIntegerField(_("số thứ tự trong hồ sơ"))
    doc_id = models.CharField(_("mã định danh tài liệu"), max_length=120, unique=True, help_text="docId")
    doc_code = models.CharField(_("mã lưu trữ tài liệu"), max_length=120, unique=True, help_text="docCode")
    maintenance = models.CharField(
        _("thời hạn bảo quản"), max_length=2, choices=c.RETENTION_CHOICES, blank=True, help_text="maintenance"
    )
    type_code = models.CharField(
        _("tên loại"), max_length=2, choices=c.DOC_TYPE_CHOICES, blank=True, help_text="typeName"
    )
    type_name = models.CharField(_("tên loại (nguyên văn)"), max_length=100, blank=True)
    code_number = models.CharField(_("số"), max_length=11, blank=True, help_text="codeNumber")
    code_notation = models.CharField(_("ký hiệu"), max_length=30, blank=True, help_text="codeNotation")
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=50, blank=True, db_index=True)
    issued_date = models.DateField(_("ngày tháng năm"), null=True, blank=True, help_text="issuedDate")
    organ_name = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True, help_text="organName")
    organ_parent = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500, blank=True, help_text="subject")
    language = models.CharField(_("ngôn ngữ"), max_length=100, default="01", help_text="language")
    number_of_page = models.PositiveIntegerField(_("số trang"), null=True, blank=True, help_text="numberOfPage")
    page_from = models.PositiveIntegerField(_("tờ số từ"), null=True, blank=True)
    page_to = models.PositiveIntegerField(_("tờ số đến"), null=True, blank=True)
    infor_sign = models.CharField(_("ký hiệu thông tin"), max_length=30, blank=True, help_text="inforSign")
    keyword = models.CharField(_("từ khóa"), max_length=100, blank=True, help_text="keyword")
    mode = models.CharField(
        _("chế độ sử dụng"), max_length=2, choices=c.ACCESS_MODE_CHOICES, default="01", help_text="mode"
    )
    confidence_level = models.CharField(
        _("mức độ tin cậy"),
        max_length=2,
        choices=c.CONFIDENCE_LEVEL_CHOICES,
        default="02",
        help_text="confidenceLevel",
    )
    autograph = models.TextField(_("bút tích"), max_length=2000, blank=True, help_text="autograph")
    format = models.CharField(
        _("tình trạng vật lý"),
        max_length=2,
        choices=c.PHYSICAL_STATE_CHOICES,
        default="01",
        help_text="format",
    )
    risk_recovery = models.BooleanField(_("chế độ dự phòng"), default=False, help_text="riskRecovery")
    risk_recovery_status = models.CharField(
        _("tình trạng dự phòng"),
        max_length=2,
        blank=True,
        choices=c.RISK_RECOVERY_STATUS_CHOICES,
        help_text="riskRecoveryStatus",
    )
    process = models.BooleanField(_("quy trình xử lý"), default=False, help_text="process")
    description = models.TextField(_("ghi chú"), max_length=500, blank=True, help_text="description")
    signer = models.CharField(_("người ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=200, blank=True)
    secrecy_level = models.PositiveSmallIntegerField(_("độ mật"), choices=c.SECRECY_CHOICES, default=0)
    urgency = models.CharField(_("độ khẩn"), max_length=16, choices=c.URGENCY_CHOICES, blank=True)
    copy_type = models.CharField(_("loại bản"), max_length=12, choices=c.CopyType.choices, default=c.CopyType.MASTER)
    topic = models.CharField(_("chuyên đề"), max_length=200, blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    extracted = models.JSONField(_("siêu dữ liệu trích xuất"), default=dict, blank=True)
    confidence = models.JSONField(_("độ tin cậy trích xuất"), default=dict, blank=True)
    verification_status = models.CharField(
        _("kiểm tra"),
        max_length=14,
        choices=c.VerificationStatus.choices,
        default=c.VerificationStatus.UNVERIFIED,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người kiểm tra"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)

    class Meta:
        ordering = ["record", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["record", "ordinal"], name="document_ordinal_unique")]
        indexes = [
            models.Index(fields=["issued_date"]),
            models.Index(fields=["type_code", "issued_date"]),
            models.Index(fields=["secrecy_level"]),
            models.Index(fields=["created_at"]),  # pages digitized per day (dashboard)
        ]
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")

    def __str__(self) -> str:
        return f"{self.doc_code} {self.number_symbol}".strip()


class DocumentReference(models.Model):
    """A document cited by another ("Căn cứ Công văn số 64-CV/TW, ngày 10/4/2025 …")."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="references")
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=50)
    doc_type = models.CharField(_("tên loại"), max_length=100, blank=True)
    cited_date = models.DateField(_("ngày"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    target = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "number_symbol"], name="reference_unique")]
        verbose_name = _("văn bản được dẫn chiếu")

    def __str__(self) -> str:
        return self.number_symbol


class DigitalObject(TimeStampedModel):
    """A stored file of a document: master scan, PDF/A access copy, OCR text or derivative."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="digital_objects")
    blob = models.ForeignKey("storage.Blob", on_delete=models.PROTECT, related_name="digital_objects")
    role = models.CharField(_("vai trò"), max_length=10, choices=c.ObjectRole.choices)
    media_type = models.CharField(_("kiểu tệp"), max_length=100)
    filename = models.CharField(_("tên tệp"), max_length=255)

    class Meta:
        ordering = ["document", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "role", "blob"], name="digital_object_unique"),
            # The same bytes are one original or master scan, never two documents (idempotent ingest).
            models.UniqueConstraint(
                fields=["blob"],
                condition=models.Q(role__in=["original", "master"]),
                name="digital_object_source_once",
            ),
        ]
        verbose_name = _("tệp số")
        verbose_name_plural = _("tệp số")

    def __str__(self) -> str:
        return f"{self.role} {self.filename}"
