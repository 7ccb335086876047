"""Vocabulary of Vietnamese agency names for restoring tone marks that OCR got wrong (see ``_accents``).

Written by hand from public facts, not from any benchmark's ground truth: generic words of agency and
office names (State per Decree 30/2020/NĐ-CP and the 2025 government structure, Party per 36-HD/VPTW),
signer titles, and the names of the 34 provinces and centrally-run cities after the 2025 reorganisation
plus the 63 before it (older records carry the old names). Commune names are not listed: there are
thousands and no public list ships with Kho, so a commune's name is left as OCR read it.

Words of :data:`GENERIC` phrases are also used one by one and in every sub-sequence; a
:data:`PLACE_NAMES` entry is used only as a whole, because a syllable of a proper name says nothing about
the same syllable elsewhere. Tone marks are placed the new way (``HÓA``, ``HÒA``), as in the 2025 lists.
"""

from __future__ import annotations

GENERIC: tuple[str, ...] = (
    # Local government and its units.
    "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN", "TỈNH", "THÀNH PHỐ", "HUYỆN",
    "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN", "ĐẶC KHU", "SỞ", "BAN", "PHÒNG", "VĂN PHÒNG", "CHI CỤC",
    "CỤC", "TỔNG CỤC", "VỤ", "VIỆN", "THANH TRA", "TRUNG TÂM", "TRƯỜNG", "BỆNH VIỆN", "BAN QUẢN LÝ",
    "HỌC VIỆN", "ĐẠI HỌC", "TRƯỜNG ĐẠI HỌC", "ĐẠI HỌC QUỐC GIA",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "BAN QUẢN LÝ DỰ ÁN", "KHU KINH TẾ", "KHU CÔNG NGHIỆP",
    "TRUNG TÂM LƯU TRỮ LỊCH SỬ", "CHI CỤC VĂN THƯ LƯU TRỮ",
    # Central State bodies.
    "CHÍNH PHỦ", "THỦ TƯỚNG CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ", "QUỐC HỘI", "ỦY BAN THƯỜNG VỤ QUỐC HỘI",
    "VĂN PHÒNG QUỐC HỘI", "CHỦ TỊCH NƯỚC", "VĂN PHÒNG CHỦ TỊCH NƯỚC", "THANH TRA CHÍNH PHỦ",
    "TÒA ÁN NHÂN DÂN TỐI CAO", "TÒA ÁN NHÂN DÂN", "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", "VIỆN KIỂM SÁT NHÂN DÂN",
    "KIỂM TOÁN NHÀ NƯỚC", "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM", "KHO BẠC NHÀ NƯỚC", "BẢO HIỂM XÃ HỘI VIỆT NAM",
    "BẢO HIỂM XÃ HỘI", "CỤC THUẾ", "THUẾ", "CỤC HẢI QUAN", "HẢI QUAN", "CÔNG AN", "BỘ CHỈ HUY QUÂN SỰ",
    "BỘ ĐỘI BIÊN PHÒNG", "BỘ TƯ LỆNH", "QUÂN KHU", "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC",
    # Ministries, current and former.
    "BỘ", "BỘ QUỐC PHÒNG", "BỘ CÔNG AN", "BỘ NGOẠI GIAO", "BỘ NỘI VỤ", "BỘ TƯ PHÁP", "BỘ TÀI CHÍNH",
    "BỘ CÔNG THƯƠNG", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "BỘ XÂY DỰNG", "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
    "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "BỘ GIÁO DỤC VÀ ĐÀO TẠO", "BỘ Y TẾ", "BỘ DÂN TỘC VÀ TÔN GIÁO",
    "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "BỘ GIAO THÔNG VẬN TẢI",
    "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
    "ỦY BAN DÂN TỘC",
    # Provincial departments.
    "SỞ NỘI VỤ", "SỞ TÀI CHÍNH", "SỞ TƯ PHÁP", "SỞ XÂY DỰNG", "SỞ Y TẾ", "SỞ CÔNG THƯƠNG", "SỞ NGOẠI VỤ",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "SỞ DU LỊCH",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "SỞ DÂN TỘC VÀ TÔN GIÁO", "SỞ VĂN HÓA VÀ THỂ THAO",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SỞ GIAO THÔNG VẬN TẢI",
    "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
    # Party bodies.
    "ĐẢNG CỘNG SẢN VIỆT NAM", "BAN CHẤP HÀNH TRUNG ƯƠNG", "BAN CHẤP HÀNH", "TRUNG ƯƠNG", "BỘ CHÍNH TRỊ",
    "BAN BÍ THƯ", "BAN THƯỜNG VỤ", "VĂN PHÒNG TRUNG ƯƠNG ĐẢNG", "TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY", "QUẬN ỦY",
    "THỊ ỦY", "ĐẢNG ỦY", "ĐẢNG BỘ", "CHI BỘ", "ĐẢNG ĐOÀN", "BAN CÁN SỰ ĐẢNG", "BAN TỔ CHỨC",
    "BAN TUYÊN GIÁO VÀ DÂN VẬN", "BAN TUYÊN GIÁO", "BAN DÂN VẬN", "BAN NỘI CHÍNH", "BAN KINH TẾ",
    "BAN ĐỐI NGOẠI", "ỦY BAN KIỂM TRA", "ĐẢNG ỦY CÁC CƠ QUAN ĐẢNG", "ĐẢNG ỦY CHÍNH PHỦ",
    # Mass organisations.
    "MẶT TRẬN TỔ QUỐC VIỆT NAM", "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", "ĐOÀN THANH NIÊN CỘNG SẢN HỒ CHÍ MINH",
    "HỘI LIÊN HIỆP PHỤ NỮ", "HỘI NÔNG DÂN", "HỘI CỰU CHIẾN BINH", "LIÊN ĐOÀN LAO ĐỘNG", "CÔNG ĐOÀN",
    # Signer titles and signing authority (standards.md §5).
    "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "THỦ TƯỚNG",
    "PHÓ THỦ TƯỚNG", "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "BÍ THƯ", "PHÓ BÍ THƯ", "TỔNG BÍ THƯ",
    "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "TỔNG CỤC TRƯỞNG", "CHI CỤC TRƯỞNG",
    "VỤ TRƯỞNG", "CHÁNH THANH TRA", "TRƯỞNG PHÒNG", "HIỆU TRƯỞNG", "VIỆN TRƯỞNG", "ỦY VIÊN", "THƯỜNG TRỰC",
    "CHỦ NHIỆM", "TỔNG GIÁM ĐỐC", "CHÁNH ÁN", "TỔNG KIỂM TOÁN", "THỐNG ĐỐC",
)  # fmt: skip

PLACE_NAMES: tuple[str, ...] = (
    # The 34 provinces and centrally-run cities from 12 June 2025 (Resolution 202/2025/QH15).
    "HÀ NỘI", "HẢI PHÒNG", "ĐÀ NẴNG", "HUẾ", "CẦN THƠ", "HỒ CHÍ MINH", "CAO BẰNG", "ĐIỆN BIÊN", "LAI CHÂU",
    "LẠNG SƠN", "QUẢNG NINH", "SƠN LA", "THANH HÓA", "NGHỆ AN", "HÀ TĨNH", "TUYÊN QUANG", "LÀO CAI",
    "THÁI NGUYÊN", "PHÚ THỌ", "BẮC NINH", "HƯNG YÊN", "NINH BÌNH", "QUẢNG TRỊ", "QUẢNG NGÃI", "GIA LAI",
    "KHÁNH HÒA", "LÂM ĐỒNG", "ĐẮK LẮK", "ĐỒNG NAI", "TÂY NINH", "VĨNH LONG", "ĐỒNG THÁP", "CÀ MAU",
    "AN GIANG",
    # The other provinces before 2025.
    "HÀ GIANG", "BẮC KẠN", "YÊN BÁI", "HÒA BÌNH", "BẮC GIANG", "VĨNH PHÚC", "HẢI DƯƠNG", "THÁI BÌNH",
    "HÀ NAM", "NAM ĐỊNH", "QUẢNG BÌNH", "THỪA THIÊN HUẾ", "QUẢNG NAM", "BÌNH ĐỊNH", "PHÚ YÊN", "NINH THUẬN",
    "BÌNH THUẬN", "KON TUM", "ĐẮK NÔNG", "BÌNH PHƯỚC", "BÌNH DƯƠNG", "BÀ RỊA - VŨNG TÀU", "LONG AN",
    "TIỀN GIANG", "BẾN TRE", "TRÀ VINH", "HẬU GIANG", "SÓC TRĂNG", "BẠC LIÊU", "KIÊN GIANG",
    # Words that are names in every issuer they appear in.
    "VIỆT NAM",
)  # fmt: skip
