"""The demo archive, generated here: no file is shipped.

A province, a district that ends operations and its communes, with fonds, records and born-digital
documents. ``kho demo`` loads it once; later runs only print how to sign in.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from kho.access.models import AccessProfile, Role
from kho.agencies.models import Agency, AgencyLevel, AgencyStatus, PoliticalSystem
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.codetables import SecrecyLevel
from kho.ingest.borndigital import IngestBornDigitalAction
from kho.records.models import Fonds, Record

DEMO_ADMIN = "admin"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
AGENCIES = [
    # code, name, level, system, parent, status, valid_to
    ("H49", "Ủy ban nhân dân tỉnh Quảng Ninh", AgencyLevel.PROVINCE, PoliticalSystem.STATE, None, None, None),
    (
        "H49.20",
        "Trung tâm Lưu trữ lịch sử tỉnh Quảng Ninh",
        AgencyLevel.PROVINCE,
        PoliticalSystem.STATE,
        "H49",
        None,
        None,
    ),
    (
        "H49.64",
        "Ủy ban nhân dân huyện Hoành Bồ",
        AgencyLevel.DISTRICT,
        PoliticalSystem.STATE,
        "H49",
        AgencyStatus.ENDING,
        dt.date(2025, 6, 30),
    ),
    (
        "H49.64.33",
        "Ủy ban nhân dân xã Thống Nhất",
        AgencyLevel.COMMUNE,
        PoliticalSystem.STATE,
        "H49.64",
        AgencyStatus.ENDING,
        dt.date(2025, 6, 30),
    ),
    (
        "H49.64.34",
        "Ủy ban nhân dân xã Lê Lợi",
        AgencyLevel.COMMUNE,
        PoliticalSystem.STATE,
        "H49.64",
        AgencyStatus.ENDING,
        dt.date(2025, 6, 30),
    ),
    ("D49", "Tỉnh ủy Quảng Ninh", AgencyLevel.PROVINCE, PoliticalSystem.PARTY, None, None, None),
]
RECORD_TITLES = [
    "Hồ sơ về việc sắp xếp đơn vị hành chính cấp xã năm {year}",
    "Hồ sơ chỉnh lý tài liệu lưu trữ năm {year}",
    "Kế hoạch số hóa tài liệu lưu trữ năm {year}",
    "Hồ sơ hội nghị tổng kết công tác văn thư, lưu trữ năm {year}",
    "Tập công văn đi về công tác cải cách hành chính năm {year}",
    "Hồ sơ tiếp công dân và giải quyết khiếu nại năm {year}",
]


def admin_password_file(data_dir: Path) -> Path:
    """Where the demo administrator's password is kept (readable by the owner only)."""
    return data_dir / "demo-admin-password.txt"


def ensure_admin(data_dir: Path) -> tuple[str, str]:
    """Create the demo administrator once; return its user name and password."""
    path = admin_password_file(data_dir)
    user_model = get_user_model()
    if path.exists() and user_model.objects.filter(username=DEMO_ADMIN).exists():
        return DEMO_ADMIN, path.read_text(encoding="utf-8").strip()
    password = "kho-" + secrets.token_urlsafe(9)
    user = user_model.objects.filter(username=DEMO_ADMIN).first() or user_model(username=DEMO_ADMIN)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    # Deny by default: a superuser sees no record without an access profile. The demo archivist may see
    # everything up to TỐI MẬT in every agency of the province.
    AccessProfile.objects.update_or_create(
        user=user, defaults={"role": Role.ARCHIVIST, "clearance": int(SecrecyLevel.TOI_MAT), "all_agencies": True}
    )
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return DEMO_ADMIN, password


def load_demo(data_dir: Path, *, records_per_fonds: int = 6, documents_per_record: int = 2) -> bool:
    """Create the demo archive if it is not there yet; return True when it was created now."""
    if Agency.objects.filter(code="H49").exists():
        return False
    rng = random.Random(2025)  # noqa: S311 - demo data, not security
    with transaction.atomic():
        agencies = _create_agencies()
        records = _create_fonds_and_records(agencies, rng, records_per_fonds)
        log.append(EventType.CREATION, object_type="archive", object_id="demo", detail="demo archive loaded")
    work = data_dir / "demo-files"
    for record in records[: max(1, len(records) // 2)]:
        paths = [
            _write_pdf(work / f"{record.file_code}-{n}.pdf", record, n) for n in range(1, documents_per_record + 1)
        ]
        IngestBornDigitalAction(record.file_code, paths).execute()
    return True


def _create_agencies() -> dict[str, Agency]:
    made: dict[str, Agency] = {}
    for code, name, level, system, parent, status, valid_to in AGENCIES:
        made[code] = Agency.objects.create(
            code=code,
            name=name,
            level=level,
            system=system,
            parent=made.get(parent) if parent else None,
            status=status or AgencyStatus.ACTIVE,
            valid_from=dt.date(1999, 1, 1),
            valid_to=valid_to,
        )
    return made


def _create_fonds_and_records(agencies: dict[str, Agency], rng: random.Random, per_fonds: int) -> list[Record]:
    records: list[Record] = []
    for code in ("H49.64", "H49.64.33", "H49.64.34", "D49"):
        agency = agencies[code]
        fonds = Fonds.objects.create(
            code=f"P{code}",
            name=f"Phông {agency.name}",
            agency=agency,
            start_year=2015,
            end_year=2025,
            history=f"Phông lưu trữ của {agency.name}.",
        )
        for n in range(1, per_fonds + 1):
            year = rng.randint(2018, 2025)
            records.append(
                Record.objects.create(
                    fonds=fonds,
                    file_code=f"{code}.{year}.{n:02d}.VP",
                    file_number=f"{n:02d}.VP",
                    year=year,
                    title=rng.choice(RECORD_TITLES).format(year=year),
                    maintenance=rng.choice(["01", "01", "02", "04"]),
                    start_date=dt.date(year, 1, 5),
                    end_date=dt.date(year, 12, 20),
                    number_of_paper=rng.randint(8, 60),
                    paper_file_code=f"H49.20.K1G{n}.{n:03d}",
                    storage_room="K1",
                    shelf=f"G{rng.randint(1, 9)}",
                    box=f"H{rng.randint(1, 40):02d}",
                    compiled_by="Nguyễn Thị Lan",
                )
            )
    return records


def _write_pdf(path: Path, record: Record, n: int) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_path = next((f for f in FONT_CANDIDATES if Path(f).exists()), None)
    font = "Helvetica"
    if font_path:
        pdfmetrics.registerFont(TTFont("KhoSans", font_path))
        font = "KhoSans"
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setFont(font, 12)
    lines = [
        record.fonds.agency.name.upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {n:02d}/UBND-VP",
        f"Quảng Ninh, ngày {n + 4:02d} tháng 3 năm {record.year}",
        "",
        "CÔNG VĂN",
        f"V/v {record.title.lower()}",
        "",
        "Kính gửi: Sở Nội vụ tỉnh Quảng Ninh",
    ]
    for i, line in enumerate(lines):
        pdf.drawString(60, 780 - i * 22, line)
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path
