"""Code tables of Circular 05/2025/TT-BNV and the secrecy/urgency marks, as plain Python.

Pure module (no Django import) so pipeline stages and package formats can use it.
Source: ../shared/docs/standards.md §2.4 (TT05 code tables), §5 (type abbreviations), §6 (secrecy levels).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

# standards.md §2.4 "maintenance (retention)"
RETENTION: dict[str, str] = {
    "01": "Vĩnh viễn",
    "02": "70 năm",
    "03": "50 năm",
    "04": "30 năm",
    "05": "20 năm",
    "06": "10 năm",
    "07": "Khác",
}

# standards.md §2.2 "mode" (chế độ sử dụng)
ACCESS_MODE: dict[str, str] = {
    "01": "Công khai",
    "02": "Sử dụng có điều kiện",
    "03": "Mật",
}

# standards.md §2.4 "language"
LANGUAGE: dict[str, str] = {
    "01": "Tiếng Việt",
    "02": "Tiếng Anh",
    "03": "Tiếng Pháp",
    "04": "Tiếng Nga",
    "05": "Tiếng Trung",
    "06": "Việt - Anh",
    "07": "Việt - Nga",
    "08": "Việt - Pháp",
    "09": "Hán Nôm",
    "10": "Việt - Trung",
    "11": "Khác",
}

# standards.md §2.2 "format" (tình trạng vật lý)
PHYSICAL_STATE: dict[str, str] = {"01": "Tốt", "02": "Bình thường", "03": "Hỏng"}

# standards.md §2.2 "confidenceLevel" (mức độ tin cậy)
CONFIDENCE_LEVEL: dict[str, str] = {"01": "Gốc điện tử", "02": "Số hóa", "03": "Hỗn hợp"}

# standards.md §2.2 "riskRecoveryStatus"
RISK_RECOVERY_STATUS: dict[str, str] = {"01": "Đã dự phòng", "02": "Chưa dự phòng"}

# standards.md §2.4 "typeName": code -> name. Party-only types (Kết luận, Thông tri) use 32 (Khác).
DOC_TYPE: dict[str, str] = {
    "01": "Nghị quyết",
    "02": "Quyết định",
    "03": "Chỉ thị",
    "04": "Quy chế",
    "05": "Quy định",
    "06": "Thông cáo",
    "07": "Thông báo",
    "08": "Hướng dẫn",
    "09": "Chương trình",
    "10": "Kế hoạch",
    "11": "Phương án",
    "12": "Đề án",
    "13": "Dự án",
    "14": "Báo cáo",
    "15": "Tờ trình",
    "16": "Giấy ủy quyền",
    "17": "Phiếu gửi",
    "18": "Phiếu chuyển",
    "19": "Phiếu báo",
    "20": "Biên bản",
    "21": "Hợp đồng",
    "22": "Công văn",
    "23": "Công điện",
    "24": "Bản ghi nhớ",
    "25": "Bản thỏa thuận",
    "26": "Giấy mời",
    "27": "Giấy giới thiệu",
    "28": "Giấy nghỉ phép",
    "29": "Thư công",
    "30": "Bản đồ",
    "31": "Bản vẽ kỹ thuật",
    "32": "Khác",
}
DOC_TYPE_OTHER = "32"

# standards.md §5 "State type abbreviations" (ND30 Annex III) and Party abbreviations -> TT05 type code.
# QĐ is Quyết định for the State; Party uses QĐ for both Quyết định and Quy định (the type line decides).
TYPE_ABBREVIATION: dict[str, str] = {
    "NQ": "01",
    "QĐ": "02",
    "CT": "03",
    "QC": "04",
    "QyĐ": "05",
    "QĐi": "05",
    "TC": "06",
    "TB": "07",
    "HD": "08",
    "CTr": "09",
    "KH": "10",
    "PA": "11",
    "ĐA": "12",
    "DA": "13",
    "BC": "14",
    "TTr": "15",
    "GUQ": "16",
    "PG": "17",
    "PC": "18",
    "PB": "19",
    "BB": "20",
    "HĐ": "21",
    "CV": "22",
    "CĐ": "23",
    "BGN": "24",
    "BTT": "25",
    "GM": "26",
    "GGT": "27",
    "GNP": "28",
    "KL": "32",
    "TT": "32",
}


class SecrecyLevel(IntEnum):
    """State-secret levels, ordered so that a comparison is a clearance check (standards.md §6.1).

    Tuyệt mật > Tối mật > Mật > none. Compare only through ``kho.access`` policies.
    """

    NONE = 0
    MAT = 1
    TOI_MAT = 2
    TUYET_MAT = 3

    @property
    def mark(self) -> str | None:
        """The upper-case mark printed on the document, or None for an unclassified one."""
        return SECRECY_MARKS.get(self)

    @classmethod
    def from_mark(cls, mark: str | None) -> SecrecyLevel:
        """Parse a printed mark ("MẬT", "TỐI MẬT", "TUYỆT MẬT") or a member name; None or "" is NONE."""
        if not mark:
            return cls.NONE
        text = mark.strip().upper()
        for level, printed in SECRECY_MARKS.items():
            if text == printed:
                return level
        return cls[text]


SECRECY_MARKS: dict[SecrecyLevel, str] = {
    SecrecyLevel.MAT: "MẬT",
    SecrecyLevel.TOI_MAT: "TỐI MẬT",
    SecrecyLevel.TUYET_MAT: "TUYỆT MẬT",
}

# Protection periods in years from classification (standards.md §6.1): 30 / 20 / 10.
SECRECY_PROTECTION_YEARS: dict[SecrecyLevel, int] = {
    SecrecyLevel.MAT: 10,
    SecrecyLevel.TOI_MAT: 20,
    SecrecyLevel.TUYET_MAT: 30,
}


class Urgency(StrEnum):
    """Urgency marks (độ khẩn), standards.md §5 "Stamps and marks"."""

    KHAN = "KHẨN"
    THUONG_KHAN = "THƯỢNG KHẨN"
    HOA_TOC = "HỎA TỐC"
