"""Synthetic scanned pages for the stage tests: Pillow, a system font, RGB, with dpi set."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)

HEADER_LEFT = ("BAN CHẤP HÀNH TRUNG ƯƠNG", "*", "Số 64-CV/TW", "V/v lưu trữ hồ sơ, tài liệu")
HEADER_RIGHT = ("ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nội, ngày 10 tháng 4 năm 2025")
BODY = (
    "Kính gửi: Các tỉnh ủy, thành ủy trực thuộc Trung ương.",
    "Thực hiện chủ trương sắp xếp tổ chức bộ máy của hệ thống chính trị,",
    "Ban Bí thư yêu cầu các cấp ủy, tổ chức đảng chỉ đạo việc thu thập,",
    "chỉnh lý và giao nộp hồ sơ, tài liệu của các cơ quan kết thúc hoạt động.",
    "Các cơ quan phải quản lý chặt chẽ theo phông lưu trữ, không để thất lạc,",
    "hư hỏng hoặc tiêu hủy tài liệu trái quy định; lập biên bản giao nhận",
    "và mục lục hồ sơ đầy đủ; bảo đảm an toàn tài liệu mật theo luật định.",
    "Văn phòng Trung ương Đảng hướng dẫn nghiệp vụ và kiểm tra việc thực hiện.",
)


def font_path() -> Path:
    """Return the first installed font that has Vietnamese glyphs."""
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError("no DejaVu or Noto font under /usr/share/fonts")


def page_lines() -> list[str]:
    """The text drawn on a page, one visual line each (right header column after the left one)."""
    return [*HEADER_LEFT, *HEADER_RIGHT, *BODY]


def make_page(
    dpi: int = 300,
    *,
    mode: str = "RGB",
    blank: bool = False,
    lines: tuple[str, ...] | None = None,
    rotate: float = 0.0,
    size_mm: tuple[float, float] = (210, 297),
) -> Image.Image:
    """Draw an A4 page (by default) of Vietnamese text at ``dpi``; ``info["dpi"]`` is set on save."""
    width, height = (round(mm / 25.4 * dpi) for mm in size_mm)
    page = Image.new("RGB", (width, height), (250, 248, 240))
    if not blank:
        draw = ImageDraw.Draw(page)
        font = ImageFont.truetype(str(font_path()), size=round(13 * dpi / 72))
        small = ImageFont.truetype(str(font_path()), size=round(12 * dpi / 72))
        margin, step = round(20 / 25.4 * dpi), round(13 * 1.6 * dpi / 72)
        y = margin
        if lines is None:
            for i, (left, right) in enumerate(zip(HEADER_LEFT, (*HEADER_RIGHT, "", ""), strict=False)):
                draw.text((margin, y + i * step), left, font=small, fill=(20, 20, 30))
                draw.text((width // 2 + margin // 2, y + i * step), right, font=small, fill=(20, 20, 30))
            y += (len(HEADER_LEFT) + 1) * step
            body = BODY
        else:
            body = lines
        for i, line in enumerate(body):
            draw.text((margin, y + i * step), line, font=font, fill=(15, 15, 25))
    if rotate:
        page = page.rotate(rotate, resample=Image.Resampling.BICUBIC, fillcolor=(250, 248, 240))
    if mode != "RGB":
        page = page.convert(mode)
    return page


def save_page(image: Image.Image, path: Path, dpi: int | None) -> Path:
    """Save ``image`` to ``path`` (format from the suffix), recording ``dpi`` when given."""
    kwargs: dict[str, object] = {}
    if dpi is not None:
        kwargs["dpi"] = (dpi, dpi)
    image.save(path, **kwargs)
    return path
