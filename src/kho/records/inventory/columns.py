"""Column specs of the agency list and of the records inventory "Mục lục hồ sơ" (standards.md §2, §4).

A header in a file matches a column when its folded form (``fold_vi``, then only letters and digits) equals
the folded Vietnamese header or one of the aliases, so "SỐ, KÝ HIỆU HỒ SƠ", "Số ký hiệu hồ sơ" and the
NFD-typed "Số, ký hiệu hồ sơ" are the same column; the TT05 English keys ("fileCode", "title") match too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kho.core.text import fold_vi

__all__ = [
    "AGENCY_COLUMNS",
    "EXPORT_COLUMNS",
    "INVENTORY_COLUMNS",
    "RECORD_COLUMNS",
    "Column",
    "header_index",
    "normalise_header",
]

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: internal ``key``, the Vietnamese ``header`` written on export, and accepted ``aliases``."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None


def normalise_header(text: str) -> str:
    """Fold a header for matching: accents, case, spaces and punctuation are ignored."""
    return _NOT_ALNUM.sub("", fold_vi(text))


def header_index(columns: Sequence[Column]) -> dict[str, Column]:
    """Map every folded header and alias of ``columns`` to its column."""
    index: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            index[normalise_header(name)] = column
    return index


AGENCY_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "Mã định danh",
        ("Mã định danh điện tử", "Mã cơ quan", "code", "organCode"),
        required=True,
        max_length=35,
    ),
    Column("legacy_code", "Mã cũ 13 ký tự", ("Mã cũ", "Mã cơ quan 13 ký tự", "legacyCode", "organId"), max_length=13),
    Column("name", "Tên cơ quan", ("Tên cơ quan, tổ chức", "name", "organName"), required=True, max_length=300),
    Column("short_name", "Tên viết tắt", ("shortName",), max_length=40),
    Column("level", "Cấp", ("Cấp hành chính", "level")),
    Column("system", "Hệ thống", ("Khối", "system")),
    Column("parent", "Mã cơ quan cấp trên", ("Cơ quan cấp trên", "parentCode", "parent"), max_length=35),
    Column("status", "Trạng thái", ("status",)),
    Column("valid_from", "Hoạt động từ", ("Ngày bắt đầu hoạt động", "validFrom")),
    Column("valid_to", "Kết thúc hoạt động", ("Ngày kết thúc hoạt động", "validTo")),
)

# The seven columns of the ND30 "Mục lục hồ sơ, tài liệu nộp lưu" (standards.md §4), in form order.
INVENTORY_COLUMNS: tuple[Column, ...] = (
    Column("seq", "Số TT", ("STT", "Số thứ tự")),
    Column("file_number", "Số, ký hiệu hồ sơ", ("Số và ký hiệu hồ sơ", "Số ký hiệu", "fileNotation"), max_length=50),
    Column(
        "title", "Tiêu đề hồ sơ", ("Tiêu đề", "Tên đề mục và tiêu đề hồ sơ", "title"), required=True, max_length=1000
    ),
    Column("period", "Thời gian tài liệu", ("Thời gian", "timeRange")),
    Column("maintenance", "Thời hạn bảo quản", ("Thời hạn lưu trữ", "maintenance")),
    Column("sheets_pages", "Số tờ/Số trang", ("Số tờ, số trang", "Tờ/Trang")),
    Column("description", "Ghi chú", ("description",), max_length=2000),
)

# What the archive core needs beyond the form: fonds, identifiers and the remaining TT05 fields (§2.2).
CORE_COLUMNS: tuple[Column, ...] = (
    Column("fonds_code", "Mã phông", ("Mã phông/công trình/sưu tập", "fondCode"), required=True, max_length=40),
    Column("file_code", "Mã hồ sơ", ("fileCode",), required=True, max_length=100),
    Column("fonds_name", "Tên phông", ("fondName",), max_length=300),
    Column("agency_code", "Mã cơ quan", ("Mã cơ quan hình thành phông", "agencyCode"), max_length=35),
    Column("start_date", "Thời gian bắt đầu", ("Ngày bắt đầu", "startDate")),
    Column("end_date", "Thời gian kết thúc", ("Ngày kết thúc", "endDate")),
    Column("mode", "Chế độ sử dụng", ("Mức độ tiếp cận", "mode")),
    Column("secrecy_level", "Độ mật", ("Mức độ mật", "secrecyLevel")),
    Column("language", "Ngôn ngữ", ("language",), max_length=100),
    Column("keyword", "Từ khóa", ("keyword",), max_length=100),
    Column("total_doc", "Tổng số tài liệu", ("Số lượng tài liệu", "totalDoc")),
    Column("number_of_paper", "Số lượng tờ", ("Số tờ", "numberOfPaper")),
    Column("number_of_page", "Số lượng trang", ("Số trang", "numberOfPage")),
    Column("format", "Tình trạng vật lý", ("format",)),
    Column("infor_sign", "Ký hiệu thông tin", ("inforSign",), max_length=30),
    Column("confidence_level", "Mức độ tin cậy", ("confidenceLevel",)),
    Column("paper_file_code", "Mã hồ sơ gốc giấy", ("paperFileCode",), max_length=100),
    Column("risk_recovery", "Chế độ dự phòng", ("riskRecovery",)),
    Column("risk_recovery_status", "Tình trạng dự phòng", ("riskRecoveryStatus",)),
    Column("storage_room", "Kho", ("Kho số", "storageRoom"), max_length=40),
    Column("shelf", "Giá", ("Giá số", "shelf"), max_length=40),
    Column("box", "Hộp", ("Hộp số", "box"), max_length=40),
    Column("compiled_by", "Người lập hồ sơ", ("Người lập", "compiledBy"), max_length=200),
)

RECORD_COLUMNS: tuple[Column, ...] = INVENTORY_COLUMNS + CORE_COLUMNS

# Export writes the form's columns first, then every column the importer reads, so that
# `kho export inventory` → `kho import records` loses nothing (secrecy included).
EXPORT_COLUMNS: tuple[Column, ...] = INVENTORY_COLUMNS + tuple(
    c for c in CORE_COLUMNS if c.key not in {"number_of_paper", "number_of_page"}
)
