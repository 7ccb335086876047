"""Errors of the copies app (style.md rule 12): each maps to an exit code and an HTTP status.

Pure module (the watermark raises these too). Messages are Vietnamese templates with named placeholders;
the interface passes them through gettext.
"""

from __future__ import annotations

from kho.core.exceptions import BadInputError, ConflictError, EnvironmentProblemError
from kho.core.text import N_

__all__ = [
    "EncryptedPdfError",
    "MarkFontMissingError",
    "SourceUnavailableError",
    "UnmarkableFileError",
    "UnreadableImageError",
    "UnreadablePdfError",
]


class UnreadablePdfError(BadInputError):
    """The source is not a PDF that can be read (corrupt, truncated, no pages): run ``kho fixity`` on it."""

    http_status = 422
    code = "unreadable_pdf"
    template = N_("Không đọc được tệp PDF để đóng dấu bản sao (%(problem)s); hãy báo quản trị viên chạy 'kho fixity'.")


class EncryptedPdfError(BadInputError):
    """The source PDF is encrypted: Kho stores unencrypted PDF/A masters; store a decrypted copy first."""

    http_status = 422
    code = "encrypted_pdf"
    template = N_("Tệp PDF đã bị mã hóa nên không thể đóng dấu bản sao; hãy lưu bản PDF không mã hóa.")


class UnreadableImageError(BadInputError):
    """The source image cannot be decoded: check the stored file with ``kho fixity``."""

    http_status = 422
    code = "unreadable_image"
    template = N_("Không đọc được ảnh để đóng dấu bản sao (%(problem)s).")


class UnmarkableFileError(ConflictError):
    """A file of a classified document that cannot carry a copy mark (text, XML, multi-page TIFF).

    Only marked copies of classified documents leave Kho: download the document's PDF instead.
    """

    code = "unmarkable_file"
    template = N_(
        "Tệp này của tài liệu mật không thể đóng dấu bản sao (kiểu %(media_type)s); hãy tải bản PDF của tài liệu."
    )


class MarkFontMissingError(EnvironmentProblemError):
    """No serif font with Vietnamese glyphs is installed: ``apt-get install fonts-noto-core``."""

    code = "mark_font_missing"
    template = N_("Thiếu phông chữ có dấu tiếng Việt để đóng dấu bản sao; cài gói fonts-noto-core.")


class SourceUnavailableError(EnvironmentProblemError):
    """The file to copy is missing from the object store: run ``kho fixity`` and restore it from a copy."""

    code = "copy_source_unavailable"
    template = N_("Tệp cần sao đang không đọc được từ kho đối tượng; hãy báo quản trị viên chạy 'kho fixity'.")
