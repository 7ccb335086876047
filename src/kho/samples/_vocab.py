"""Word lists for synthetic documents: people, places, real citable documents, summaries, sentences.

All data is invented except the cited national documents in ``STATE_REFERENCES`` and
``PARTY_REFERENCES`` (numbers and dates taken from standards.md §0 and the public record); the
descriptions of those documents are paraphrased. Names of people are random combinations.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

__all__ = [
    "COMMUNES",
    "DISTRICTS",
    "FAMILY_NAMES",
    "GIVEN_NAMES",
    "MIDDLE_NAMES",
    "PARTY_REFERENCES",
    "PARTY_SENTENCES",
    "PARTY_SUMMARIES",
    "PROVINCES",
    "STATE_REFERENCES",
    "STATE_SENTENCES",
    "STATE_SUMMARIES",
    "Province",
    "Reference",
]


class Province(NamedTuple):
    """A province-level unit after the 2025 reorganisation."""

    name: str  # as in "tỉnh Quảng Ninh" / "thành phố Hà Nội"
    city: bool  # centrally-run city (thành phố trực thuộc Trung ương)
    seat: str  # place name printed by Party bodies (where the committee sits)


class Reference(NamedTuple):
    """A document that bodies cite ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày …")."""

    type_name: str
    symbol: str
    date: dt.date
    issuer: str
    about: str


PROVINCES: tuple[Province, ...] = (
    Province("Hà Nội", city=True, seat="Hà Nội"),
    Province("Hải Phòng", city=True, seat="Hải Phòng"),
    Province("Đà Nẵng", city=True, seat="Đà Nẵng"),
    Province("Huế", city=True, seat="Huế"),
    Province("Cần Thơ", city=True, seat="Cần Thơ"),
    Province("Hồ Chí Minh", city=True, seat="Thành phố Hồ Chí Minh"),
    Province("Quảng Ninh", city=False, seat="Hạ Long"),
    Province("Cao Bằng", city=False, seat="Cao Bằng"),
    Province("Lạng Sơn", city=False, seat="Lạng Sơn"),
    Province("Điện Biên", city=False, seat="Điện Biên Phủ"),
    Province("Lào Cai", city=False, seat="Lào Cai"),
    Province("Tuyên Quang", city=False, seat="Tuyên Quang"),
    Province("Thái Nguyên", city=False, seat="Thái Nguyên"),
    Province("Phú Thọ", city=False, seat="Việt Trì"),
    Province("Bắc Ninh", city=False, seat="Bắc Giang"),
    Province("Hưng Yên", city=False, seat="Hưng Yên"),
    Province("Ninh Bình", city=False, seat="Hoa Lư"),
    Province("Thanh Hóa", city=False, seat="Thanh Hóa"),
    Province("Nghệ An", city=False, seat="Vinh"),
    Province("Hà Tĩnh", city=False, seat="Hà Tĩnh"),
    Province("Quảng Trị", city=False, seat="Đồng Hới"),
    Province("Quảng Ngãi", city=False, seat="Quảng Ngãi"),
    Province("Gia Lai", city=False, seat="Quy Nhơn"),
    Province("Đắk Lắk", city=False, seat="Buôn Ma Thuột"),
    Province("Khánh Hòa", city=False, seat="Nha Trang"),
    Province("Lâm Đồng", city=False, seat="Đà Lạt"),
    Province("Đồng Nai", city=False, seat="Biên Hòa"),
    Province("Tây Ninh", city=False, seat="Tân An"),
    Province("Vĩnh Long", city=False, seat="Vĩnh Long"),
    Province("An Giang", city=False, seat="Rạch Giá"),
    Province("Cà Mau", city=False, seat="Cà Mau"),
)

COMMUNES: tuple[str, ...] = (
    "Tiên Yên", "Đông Ngũ", "Hải Lạng", "Quang Trung", "Hòa Bình", "Tân Lập", "Minh Khai",
    "Phú Xuyên", "Yên Thành", "Đồng Văn", "Thanh Sơn", "Hưng Đạo", "Nam Sơn", "Kim Sơn",
    "Bình Minh", "Hồng Phong", "Tân Phú", "Cẩm Giàng", "Vĩnh Bảo", "Lộc Hà", "Định Hóa",
    "Xuân Trường", "Ba Chẽ", "Quỳnh Lưu", "Đức Thọ", "Tam Đảo", "Mường Tè", "Hữu Lũng",
)  # fmt: skip

DISTRICTS: tuple[str, ...] = (
    "Tiên Yên", "Ba Chẽ", "Yên Định", "Quỳnh Lưu", "Kim Sơn", "Thanh Sơn", "Đông Hưng",
    "Phú Bình", "Hữu Lũng", "Đức Thọ", "Vĩnh Bảo", "Định Hóa", "Cẩm Xuyên", "Krông Pắc",
)  # fmt: skip

FAMILY_NAMES: tuple[str, ...] = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Mai",
)  # fmt: skip
MIDDLE_NAMES: dict[bool, tuple[str, ...]] = {
    True: ("Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Mạnh", "Tiến"),
    False: ("Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Kim", "Phương", "Mỹ"),
}
GIVEN_NAMES: dict[bool, tuple[str, ...]] = {
    True: (
        "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phong", "Quân",
        "Sơn", "Thắng", "Tuấn", "Việt", "Đạt", "Hiếu", "Lực", "Thành", "Trung", "Vinh", "Tùng",
    ),
    False: (
        "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Thảo", "Trang", "Yến",
        "Huyền", "Loan", "Nhung", "Oanh", "Phượng", "Thủy", "Vân", "Ánh", "Dung",
    ),
}  # fmt: skip

STATE_REFERENCES: tuple[Reference, ...] = (
    Reference("Luật Lưu trữ", "33/2024/QH15", dt.date(2024, 6, 21), "Quốc hội", ""),
    Reference("Nghị định", "30/2020/NĐ-CP", dt.date(2020, 3, 5), "Chính phủ", "về công tác văn thư"),
    Reference(
        "Thông tư", "16/2014/TT-BNV", dt.date(2014, 11, 20), "Bộ trưởng Bộ Nội vụ",
        "hướng dẫn giao, nhận tài liệu lưu trữ vào Lưu trữ lịch sử các cấp",
    ),
    Reference(
        "Thông tư", "10/2022/TT-BNV", dt.date(2022, 12, 19), "Bộ trưởng Bộ Nội vụ",
        "quy định thời hạn lưu trữ hồ sơ, tài liệu",
    ),
    Reference(
        "Công văn", "414/BNV-VTLTNN", dt.date(2025, 3, 19), "Bộ Nội vụ",
        "về việc quản lý tài liệu lưu trữ khi sắp xếp tổ chức bộ máy",
    ),
    Reference(
        "Quyết định", "759/QĐ-TTg", dt.date(2025, 4, 14), "Thủ tướng Chính phủ",
        "phê duyệt Đề án sắp xếp, tổ chức lại đơn vị hành chính các cấp",
    ),
    Reference(
        "Công văn", "1479/BCA-ANCTNB", dt.date(2025, 4, 17), "Bộ Công an",
        "về bảo vệ bí mật nhà nước trong số hóa tài liệu lưu trữ",
    ),
    Reference(
        "Thông tư", "05/2025/TT-BNV", dt.date(2025, 5, 14), "Bộ trưởng Bộ Nội vụ",
        "quy định về số hóa tài liệu lưu trữ và dữ liệu thông tin đầu vào",
    ),
    Reference(
        "Nghị quyết", "202/2025/QH15", dt.date(2025, 6, 12), "Quốc hội",
        "về việc sắp xếp đơn vị hành chính cấp tỉnh",
    ),
)  # fmt: skip

PARTY_REFERENCES: tuple[Reference, ...] = (
    Reference(
        "Hướng dẫn", "17-HD/VPTW", dt.date(2016, 12, 16), "Văn phòng Trung ương Đảng",
        "về lập hồ sơ và nộp lưu hồ sơ, tài liệu vào lưu trữ cơ quan",
    ),
    Reference(
        "Nghị quyết", "18-NQ/TW", dt.date(2017, 10, 25), "Ban Chấp hành Trung ương Đảng khóa XII",
        "về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn",
    ),
    Reference(
        "Hướng dẫn", "36-HD/VPTW", dt.date(2018, 4, 3), "Văn phòng Trung ương Đảng",
        "về thể thức và kỹ thuật trình bày văn bản của Đảng",
    ),
    Reference(
        "Hướng dẫn", "40-HD/VPTW", dt.date(2018, 11, 7), "Văn phòng Trung ương Đảng",
        "về số hóa tài liệu lưu trữ",
    ),
    Reference(
        "Kết luận", "127-KL/TW", dt.date(2025, 2, 28), "Bộ Chính trị, Ban Bí thư",
        "về triển khai nghiên cứu, đề xuất tiếp tục sắp xếp tổ chức bộ máy",
    ),
    Reference(
        "Kết luận", "137-KL/TW", dt.date(2025, 3, 28), "Bộ Chính trị, Ban Bí thư",
        "về Đề án sắp xếp, tổ chức lại đơn vị hành chính các cấp",
    ),
    Reference(
        "Công văn", "64-CV/TW", dt.date(2025, 4, 10), "Ban Bí thư",
        "về quản lý tài liệu lưu trữ khi sắp xếp tổ chức bộ máy",
    ),
    Reference(
        "Nghị quyết", "60-NQ/TW", dt.date(2025, 4, 12), "Ban Chấp hành Trung ương Đảng khóa XIII",
        "Hội nghị lần thứ mười một",
    ),
)  # fmt: skip

# Summaries (trích yếu) by type name. Placeholders: {year}, {next_year}, {prev_year}, {where}, {body}.
STATE_SUMMARIES: dict[str, tuple[str, ...]] = {
    "Quyết định": (
        "Về việc ban hành Quy chế công tác văn thư, lưu trữ",
        "Về việc thành lập Tổ công tác chỉnh lý, bàn giao tài liệu khi sắp xếp đơn vị hành chính",
        "Về việc phê duyệt Kế hoạch số hóa tài liệu lưu trữ năm {year}",
        "Về việc ban hành Danh mục hồ sơ năm {year}",
        "Về việc thành lập Hội đồng xác định giá trị tài liệu",
        "Về việc giao nhiệm vụ tiếp nhận hồ sơ, tài liệu của các cơ quan, đơn vị sau sáp nhập",
    ),
    "Công văn": (
        "V/v bàn giao hồ sơ, tài liệu khi sắp xếp tổ chức bộ máy",
        "V/v quản lý tài liệu lưu trữ của các cơ quan, đơn vị sáp nhập",
        "V/v triển khai số hóa tài liệu lưu trữ năm {year}",
        "V/v chỉnh lý tài liệu tồn đọng trước khi bàn giao",
        "V/v đóng phông lưu trữ của các cơ quan chấm dứt hoạt động",
        "V/v thu nộp hồ sơ, tài liệu vào Lưu trữ lịch sử",
    ),
    "Kế hoạch": (
        "Chỉnh lý, số hóa tài liệu lưu trữ năm {year}",
        "Tiếp nhận, quản lý hồ sơ, tài liệu của các cơ quan, đơn vị sau sắp xếp",
        "Triển khai thi hành Luật Lưu trữ trên địa bàn {where}",
        "Kiểm tra công tác văn thư, lưu trữ năm {year}",
    ),
    "Báo cáo": (
        "Kết quả thực hiện công tác văn thư, lưu trữ năm {prev_year}",
        "Tình hình quản lý hồ sơ, tài liệu khi sắp xếp đơn vị hành chính",
        "Kết quả số hóa tài liệu lưu trữ 6 tháng đầu năm {year}",
    ),
    "Thông báo": (
        "Kết luận của lãnh đạo tại cuộc họp về công tác lưu trữ khi sắp xếp tổ chức bộ máy",
        "Về việc tiếp nhận hồ sơ, tài liệu lưu trữ của các đơn vị sáp nhập",
        "Kết quả kiểm tra công tác văn thư, lưu trữ năm {year}",
    ),
    "Tờ trình": (
        "Về việc đề nghị phê duyệt Đề án chỉnh lý tài liệu tồn đọng",
        "Về việc đề nghị bố trí kinh phí số hóa tài liệu lưu trữ năm {next_year}",
        "Về việc đề nghị cải tạo kho lưu trữ chuyên dụng",
    ),
    "Công điện": (
        "Về việc tăng cường bảo vệ hồ sơ, tài liệu trong quá trình sắp xếp, sáp nhập",
        "Về việc chủ động ứng phó với bão, bảo đảm an toàn kho lưu trữ",
    ),
}

PARTY_SUMMARIES: dict[str, tuple[str, ...]] = {
    "Nghị quyết": (
        "về tăng cường sự lãnh đạo của Đảng đối với công tác lưu trữ trong tình hình mới",
        "về đẩy mạnh chuyển đổi số, số hóa tài liệu lưu trữ của Đảng bộ giai đoạn 2025 - 2030",
    ),
    "Kết luận": (
        "về công tác quản lý hồ sơ, tài liệu khi sắp xếp tổ chức bộ máy",
        "về kết quả chỉnh lý, số hóa tài liệu lưu trữ năm {prev_year}",
    ),
    "Công văn": (
        "V/v quản lý, bàn giao hồ sơ, tài liệu của các tổ chức đảng khi sáp nhập",
        "V/v thu thập tài liệu vào Kho Lưu trữ {body}",
        "V/v số hóa tài liệu lưu trữ của Đảng",
    ),
    "Thông báo": (
        "kết luận của Thường trực {body} về công tác chỉnh lý, số hóa tài liệu lưu trữ",
        "kết luận của Ban Thường vụ {body} về việc thu thập tài liệu của các đảng bộ giải thể",
    ),
    "Kế hoạch": (
        "thực hiện chỉnh lý, số hóa tài liệu lưu trữ năm {year}",
        "thu thập hồ sơ, tài liệu của các tổ chức đảng giải thể, sáp nhập",
    ),
}

# Generic body sentences. Placeholders: {org} (the issuing body in running text), {where}, {year},
# {head} (superior in running text), {n}, {m}, {k} (random counts).
STATE_SENTENCES: tuple[str, ...] = (
    "Các cơ quan, đơn vị rà soát, thống kê toàn bộ hồ sơ, tài liệu đang quản lý, kể cả tài liệu điện tử, "
    "bảo đảm không để thất lạc, hư hỏng hoặc tiêu hủy trái quy định.",
    "Tài liệu của cơ quan, đơn vị chấm dứt hoạt động được quản lý theo nguyên tắc không phân tán, "
    "xé lẻ phông lưu trữ; phông lưu trữ được đóng kể từ ngày cơ quan, đơn vị chấm dứt hoạt động.",
    "Việc chỉnh lý tài liệu phải hoàn thành trước khi bàn giao, có biên bản giao nhận và mục lục hồ sơ kèm theo.",
    "Tài liệu có giá trị bảo quản vĩnh viễn được số hóa theo đúng quy trình, định dạng và yêu cầu kỹ thuật hiện hành.",
    "Cơ sở dữ liệu tài liệu lưu trữ số hóa phải được sao lưu ít nhất hai bộ trên các phương tiện lưu trữ độc lập.",
    "Tài liệu chứa bí mật nhà nước được quản lý, bảo vệ theo quy định của pháp luật về bảo vệ bí mật "
    "nhà nước; không số hóa tài liệu có độ Tuyệt mật.",
    "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước {head} về việc để mất, hư hỏng hồ sơ, tài "
    "liệu trong quá trình sắp xếp.",
    "Văn phòng phối hợp với Trung tâm Lưu trữ lịch sử hướng dẫn nghiệp vụ, kiểm tra việc thu thập, "
    "chỉnh lý và giao nộp tài liệu.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước năm {year} và các nguồn hợp pháp khác.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời báo cáo về "
    "{org} để được hướng dẫn, giải quyết.",
    "Đến nay, các cơ quan, đơn vị trên địa bàn {where} đã chỉnh lý được {n} mét giá tài liệu, lập {m} "
    "hồ sơ và số hóa {k} trang tài liệu.",
    "Tuy nhiên, một số cơ quan, đơn vị chưa bố trí kho lưu trữ đạt tiêu chuẩn, trang thiết bị bảo "
    "quản còn thiếu, tài liệu tồn đọng chưa được chỉnh lý còn nhiều.",
    "Công chức làm công tác văn thư, lưu trữ ở nhiều đơn vị còn kiêm nhiệm, chưa được bồi dưỡng "
    "nghiệp vụ thường xuyên.",
    "Hồ sơ, tài liệu sau khi số hóa được kiểm tra chất lượng hình ảnh, gắn siêu dữ liệu và đóng gói "
    "theo chuẩn thông tin đầu vào.",
    "Bản gốc tài liệu sau số hóa được hoàn trả nguyên trạng cho kho lưu trữ, có biên bản giao nhận.",
    "Sổ đăng ký văn bản đi, văn bản đến được khóa sổ tại thời điểm chấm dứt hoạt động; con dấu được "
    "nộp lại cho cơ quan công an theo quy định.",
    "Cơ quan, đơn vị mới hình thành sau sắp xếp đăng ký số văn bản bắt đầu từ số 01.",
    "Nghiêm cấm việc tự ý di chuyển, chiếm giữ, tiêu hủy hoặc làm hư hỏng, mất mát hồ sơ, tài liệu.",
    "Tăng cường ứng dụng công nghệ thông tin, chuyển đổi số trong quản lý tài liệu lưu trữ, từng bước "
    "hình thành kho lưu trữ số của {where}.",
    "Đội ngũ làm công tác lưu trữ được tập huấn về quy trình số hóa, nhận dạng ký tự tiếng Việt và "
    "kiểm tra chất lượng dữ liệu.",
    "Trong năm {year}, đã tiếp nhận {m} hồ sơ của {n} cơ quan, đơn vị giải thể, sáp nhập; tổng số "
    "tài liệu đã được sắp xếp trên giá là {k} hộp.",
)

PARTY_SENTENCES: tuple[str, ...] = (
    "Các cấp ủy, tổ chức đảng quán triệt sâu sắc chủ trương của Trung ương, của {org} về sắp xếp tổ "
    "chức bộ máy gắn với bảo quản an toàn tài liệu lưu trữ của Đảng.",
    "Hồ sơ, tài liệu của các tổ chức đảng giải thể, sáp nhập được thu thập đầy đủ về Kho Lưu trữ của "
    "cấp ủy cấp trên trực tiếp.",
    "Đồng chí bí thư cấp ủy trực tiếp chỉ đạo, chịu trách nhiệm về việc quản lý, bàn giao hồ sơ, tài "
    "liệu của cơ quan, đơn vị mình.",
    "Văn phòng cấp ủy chủ trì, phối hợp với các ban đảng theo dõi, đôn đốc và định kỳ báo cáo kết quả thực hiện.",
    "Chi ủy, chi bộ phải lập hồ sơ công việc, hồ sơ nguyên tắc đầy đủ và nộp lưu đúng thời hạn.",
    "Tài liệu có độ mật phải được thống kê riêng, bàn giao trực tiếp, có biên bản giao nhận và không "
    "được số hóa khi chưa có ý kiến của cấp có thẩm quyền.",
    "Đến nay, toàn Đảng bộ đã chỉnh lý {n} mét giá tài liệu, lập {m} hồ sơ và số hóa {k} trang tài "
    "liệu của các cơ quan tham mưu, giúp việc.",
    "Việc số hóa tài liệu lưu trữ của Đảng được thực hiện theo hướng dẫn của Văn phòng Trung ương "
    "Đảng, bảo đảm an toàn thông tin và bí mật nhà nước.",
    "Các đảng ủy trực thuộc khẩn trương hoàn thành chỉnh lý tài liệu trước khi kết thúc hoạt động, "
    "không để tài liệu bị thất lạc, hư hỏng.",
    "Kinh phí thực hiện được bố trí trong dự toán ngân sách năm {year} của cơ quan đảng.",
    "Tăng cường kiểm tra, giám sát việc thực hiện công tác văn thư, lưu trữ tại các tổ chức cơ sở "
    "đảng, kịp thời chấn chỉnh những thiếu sót.",
)
