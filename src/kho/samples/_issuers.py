"""Issuing bodies of synthetic documents: State (UBND, Sở, Bộ) and Party (cấp ủy, Trung ương).

Header names, symbol codes and signature forms follow standards.md §5: State ``TM.``/``KT.``/``TL.``,
Party ``T/M``/``K/T``/``T/L``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from kho.samples._vocab import COMMUNES, DISTRICTS, PROVINCES, Province

__all__ = ["Issuer", "make_issuer"]

# Date from which districts no longer exist (two-level local government, 1 July 2025).
TWO_LEVEL_FROM = dt.date(2025, 7, 1)

_SO = (
    ("Sở Nội vụ", "SNV"),
    ("Sở Tài chính", "STC"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Tư pháp", "STP"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("Sở Xây dựng", "SXD"),
)
_BO = (
    ("Bộ Nội vụ", "BNV"),
    ("Bộ Tài chính", "BTC"),
    ("Bộ Khoa học và Công nghệ", "BKHCN"),
    ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL"),
    ("Bộ Tư pháp", "BTP"),
)
_STATE_TYPES = ("Quyết định", "Công văn", "Kế hoạch", "Báo cáo", "Thông báo", "Tờ trình")
_PARTY_TYPES = ("Nghị quyết", "Kết luận", "Công văn", "Thông báo", "Kế hoạch")


@dataclass(frozen=True, slots=True)
class Issuer:
    """Everything the generator needs to know about one issuing body.

    Attributes:
        system: "state" or "party".
        name: Issuing body as printed in the header (upper case, one string).
        parent: Superior body printed above it, or None.
        code: Issuer part of the symbol (UBND, SNV, BNV, TU, HU, ĐU, TW, VPTW).
        units: Drafting-unit codes for State công văn symbols and the "Lưu" line.
        org: The body in running text ("Ủy ban nhân dân tỉnh", "Ban Thường vụ Tỉnh ủy").
        head: Superior in running text, for "chịu trách nhiệm trước …".
        enact: Upper-case enacting line of a decision or resolution.
        place: Place name of the place-date line.
        where: Territory in running text ("tỉnh Quảng Ninh").
        signers: (authority lines or None, title or None) choices for the signature block.
        types: Document types this body issues.
        addressees: "Kính gửi" pool for công văn.
        superiors: "Kính gửi" pool for tờ trình and báo cáo.
        copies: "Nơi nhận" pool.
        archive: Last "Nơi nhận" entry without the leading dash and final period.
    """

    system: str
    name: str
    parent: str | None
    code: str
    units: tuple[str, ...]
    org: str
    head: str
    enact: str
    place: str
    where: str
    signers: tuple[tuple[str | None, str | None], ...]
    types: tuple[str, ...]
    addressees: tuple[str, ...]
    superiors: tuple[str, ...]
    copies: tuple[str, ...]
    archive: str


def _level(prov: Province) -> str:
    return "thành phố" if prov.city else "tỉnh"


def _ubnd_signers(body: str) -> tuple[tuple[str | None, str | None], ...]:
    return (
        (f"TM. {body} / KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        (f"TM. {body}", "CHỦ TỊCH"),
        ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    )


def _ubnd_tinh(rng: random.Random, prov: Province) -> Issuer:
    level = _level(prov)
    where = f"{level} {prov.name}"
    name = f"ỦY BAN NHÂN DÂN {where.upper()}"
    return Issuer(
        system="state", name=name, parent=None, code="UBND", units=("VP", "NC", "VX", "KT", "TH"),
        org=f"Ủy ban nhân dân {level}", head=f"Chủ tịch Ủy ban nhân dân {level}",
        enact=f"ỦY BAN NHÂN DÂN {where.upper()}",
        place="Thành phố Hồ Chí Minh" if prov.name == "Hồ Chí Minh" else prov.name, where=where,
        signers=_ubnd_signers("ỦY BAN NHÂN DÂN"), types=(*_STATE_TYPES, "Công điện"),
        addressees=("Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường", "Các cơ quan Trung ương đóng trên địa bàn"),
        superiors=("Bộ Nội vụ", f"Hội đồng nhân dân {where}"),
        copies=("Bộ Nội vụ (để b/c)", "Cục Văn thư và Lưu trữ nhà nước", "Thường trực Tỉnh ủy",
                f"Thường trực HĐND {level}", "Chủ tịch, các PCT UBND", "Trung tâm Lưu trữ lịch sử",
                "Cổng thông tin điện tử", "Các sở, ban, ngành"),
        archive=f"Lưu: VT, {rng.choice(('NC', 'VX', 'TH'))}",
    )  # fmt: skip


def _ubnd_xa(rng: random.Random, prov: Province) -> Issuer:
    commune = rng.choice(COMMUNES)
    kind = rng.choice(("XÃ", "XÃ", "PHƯỜNG"))
    name = f"ỦY BAN NHÂN DÂN {kind} {commune.upper()}"
    org = f"Ủy ban nhân dân {kind.lower()}"
    return Issuer(
        system="state", name=name, parent=None, code="UBND", units=("VP",), org=org,
        head=f"Chủ tịch Ủy ban nhân dân {kind.lower()}", enact=name, place=commune,
        where=f"{kind.lower()} {commune}", signers=_ubnd_signers("ỦY BAN NHÂN DÂN"), types=_STATE_TYPES,
        addressees=("Các thôn, tổ dân phố", "Các ban, ngành, đoàn thể", "Công chức chuyên môn"),
        superiors=(f"Ủy ban nhân dân {_level(prov)} {prov.name}", f"Sở Nội vụ {_level(prov)} {prov.name}"),
        copies=("Sở Nội vụ", "Thường trực Đảng ủy", "Thường trực HĐND", "Chủ tịch, các PCT UBND"),
        archive="Lưu: VT, VP",
    )  # fmt: skip


def _so(rng: random.Random, prov: Province) -> Issuer:
    so, code = rng.choice(_SO)
    where = f"{_level(prov)} {prov.name}"
    head = "Giám đốc " + so
    return Issuer(
        system="state", name=so.upper(), parent=f"UBND {where.upper()}", code=code,
        units=("VP", "TCCB", "CCVTLT", "KHTC"), org=so, head=head, enact=f"GIÁM ĐỐC {so.upper()}",
        place=prov.name, where=where,
        signers=((None, "GIÁM ĐỐC"), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG")),
        types=_STATE_TYPES,
        addressees=("Các phòng, đơn vị thuộc Sở", "Ủy ban nhân dân các xã, phường", "Các sở, ban, ngành"),
        superiors=(f"Ủy ban nhân dân {where}",),
        copies=(f"UBND {where} (để b/c)", "Giám đốc, các PGĐ Sở", "Trung tâm Lưu trữ lịch sử", "Website Sở"),
        archive=f"Lưu: VT, {rng.choice(('VP', 'TCCB'))}",
    )  # fmt: skip


def _bo(rng: random.Random) -> Issuer:
    bo, code = rng.choice(_BO)
    return Issuer(
        system="state", name=bo.upper(), parent=None, code=code, units=("VP", "TCCB", "CVTLNN", "PC"),
        org=bo, head="Bộ trưởng " + bo, enact=f"BỘ TRƯỞNG {bo.upper()}", place="Hà Nội", where="cả nước",
        signers=((None, "BỘ TRƯỞNG"), ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"), ("TL. BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG")),
        types=(*_STATE_TYPES, "Công điện"),
        addressees=("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
                    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"),
        superiors=("Thủ tướng Chính phủ", "Chính phủ"),
        copies=("Bộ trưởng (để b/c)", "Các Thứ trưởng", "Văn phòng Chính phủ", "Cổng TTĐT Bộ"),
        archive=f"Lưu: VT, {rng.choice(('VP', 'CVTLNN'))}",
    )  # fmt: skip


def _party_copies(body: str) -> tuple[str, ...]:
    return (
        "Ban Bí thư (để báo cáo)", "Văn phòng Trung ương Đảng", f"Các đồng chí {body} viên",
        "Các ban đảng, văn phòng cấp ủy", "Các đảng ủy trực thuộc", "Kho Lưu trữ",
    )  # fmt: skip


def _cap_uy(rng: random.Random, prov: Province, date: dt.date) -> Issuer:
    """A provincial, district or commune Party committee (Tỉnh ủy, Huyện ủy, Đảng ủy xã)."""
    level = rng.choices(("tinh", "huyen", "xa"), weights=(5, 2, 3))[0]
    if level == "huyen" and date >= TWO_LEVEL_FROM:
        level = "xa"
    prov_upper = prov.name.upper()
    if level == "tinh":
        body = "Thành ủy" if prov.city else "Tỉnh ủy"
        name, parent, code, place = f"{body.upper()} {prov_upper}", None, "TU", prov.seat
    elif level == "huyen":
        district = rng.choice(DISTRICTS)
        body, name, code, place = "Huyện ủy", f"HUYỆN ỦY {district.upper()}", "HU", district
        parent = f"ĐẢNG BỘ {_level(prov).upper()} {prov_upper}"
    else:
        commune = rng.choice(COMMUNES)
        body, name, code, place = "Đảng ủy", f"ĐẢNG ỦY XÃ {commune.upper()}", "ĐU", commune
        before = date < TWO_LEVEL_FROM
        above = f"HUYỆN {rng.choice(DISTRICTS).upper()}" if before else f"{_level(prov).upper()} {prov_upper}"
        parent = f"ĐẢNG BỘ {above}"
    signers: tuple[tuple[str | None, str | None], ...] = (
        ("T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
        ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"),
        ("T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"),
    )
    return Issuer(
        system="party", name=name, parent=parent, code=code, units=("VP",), org=f"Ban Thường vụ {body}",
        head=f"Ban Thường vụ {body}", enact=f"BAN THƯỜNG VỤ {body.upper()} QUYẾT NGHỊ:", place=place,
        where=f"{_level(prov)} {prov.name}", signers=signers, types=_PARTY_TYPES,
        addressees=("Các đảng ủy trực thuộc", "Các ban đảng, văn phòng cấp ủy", "Các chi bộ trực thuộc"),
        superiors=("Ban Bí thư",) if level == "tinh" else ("Ban Thường vụ Tỉnh ủy",),
        copies=_party_copies(body), archive=f"Lưu Văn phòng {body}",
    )  # fmt: skip


def _trung_uong(rng: random.Random) -> Issuer:
    office = rng.random() < 0.4
    if office:
        name, parent, code, org = "VĂN PHÒNG", "BAN CHẤP HÀNH TRUNG ƯƠNG", "VPTW", "Văn phòng Trung ương Đảng"
        signers: tuple[tuple[str | None, str | None], ...] = (
            (None, "CHÁNH VĂN PHÒNG"),
            ("K/T CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
        )
        types: tuple[str, ...] = ("Công văn", "Thông báo", "Kế hoạch")
    else:
        name, parent, code, org = "BAN CHẤP HÀNH TRUNG ƯƠNG", None, "TW", "Ban Bí thư"
        signers = (("T/M BAN BÍ THƯ", None), ("T/M BỘ CHÍNH TRỊ", None))
        types = ("Nghị quyết", "Kết luận", "Công văn", "Thông báo")
    return Issuer(
        system="party", name=name, parent=parent, code=code, units=("VP",), org=org, head="Ban Bí thư",
        enact="BỘ CHÍNH TRỊ QUYẾT NGHỊ:", place="Hà Nội", where="toàn Đảng", signers=signers, types=types,
        addressees=("Các tỉnh ủy, thành ủy", "Các ban đảng, đảng ủy trực thuộc Trung ương"),
        superiors=("Ban Bí thư",),
        copies=("Các tỉnh ủy, thành ủy", "Các ban đảng Trung ương", "Các đảng ủy trực thuộc Trung ương"),
        archive="Lưu Văn phòng Trung ương Đảng",
    )  # fmt: skip


def make_issuer(rng: random.Random, system: str, date: dt.date) -> Issuer:
    """Pick a random issuing body of ``system`` that existed on ``date``.

    Args:
        rng: Source of randomness.
        system: "state" or "party".
        date: Issue date; districts (huyện) are not used from 1 July 2025.

    Returns:
        A fully populated :class:`Issuer`.
    """
    prov = rng.choice(PROVINCES)
    if system == "party":
        return _trung_uong(rng) if rng.random() < 0.15 else _cap_uy(rng, prov, date)
    kind = rng.choices(("tinh", "so", "xa", "bo"), weights=(7, 7, 3, 3))[0]
    if kind == "tinh":
        return _ubnd_tinh(rng, prov)
    if kind == "so":
        return _so(rng, prov)
    if kind == "xa":
        return _ubnd_xa(rng, prov)
    return _bo(rng)
