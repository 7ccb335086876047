"""Shared data for the E-ARK tests: test-data locations and a small TT05 package specification."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from kho.packages.formats.eark import (
    Agency,
    AgentSpec,
    DocumentationFile,
    DocumentSpec,
    EventSpec,
    FileSpec,
    PackageSpec,
    RecordSpec,
)
from tests.packages._bagit_data import TESTDATA

SCHEMAS = TESTDATA / "xml-schemas"
CORPUS = TESTDATA / "eark-ip-test-corpus"
METSRW = TESTDATA / "metsrw-fixtures"

VN = timezone(timedelta(hours=7))
T0 = datetime(2025, 7, 1, 9, 30, tzinfo=VN)
PACKAGE_ID = "AIP-H49.64.33.2001.160"
FILE_CODE = "H49.64.33.2001.160"
DOC1_PATH = f"{FILE_CODE}/{FILE_CODE}.1.pdf"
DOC2_PATH = f"{FILE_CODE}/Quyết định số 05.pdf"
HANDOVER = "Biên bản giao nhận.txt"
PDF1 = b"%PDF-1.7\n% page one of the record\n" * 40
PDF2 = "%PDF-1.7\nQuyết định về việc thành lập Ban chỉ đạo\n".encode() * 3000


def v(text: str, *, nfd: bool) -> str:
    """Return ``text`` in NFD when ``nfd`` (style rule 16: every text test also runs with NFD input)."""
    return unicodedata.normalize("NFD", text) if nfd else text


def sample_spec(src: Path, *, nfd: bool = False, with_schemas: bool = True) -> PackageSpec:
    """A one-record ``AIP_hoso`` spec: two documents (one read from a stream), a handover record, events."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "doc1.pdf").write_bytes(PDF1)
    (src / "handover.txt").write_bytes("Biên bản giao nhận hồ sơ, tài liệu\n".encode())
    f1 = FileSpec(
        v(DOC1_PATH, nfd=nfd), src / "doc1.pdf", "application/pdf", T0,
        format_name="PDF/A", format_version="2b", format_registry_key="fmt/477",
    )  # fmt: skip
    f2 = FileSpec(v(DOC2_PATH, nfd=nfd), io.BytesIO(PDF2), "application/pdf", T0)
    doc1 = DocumentSpec(
        f"{FILE_CODE}.1", f"{FILE_CODE}.0000001", 1, v("Về việc thành lập Ban chỉ đạo cải cách hành chính", nfd=nfd),
        type_code="02", code_number="15", code_notation="QĐ-UBND", issued_date=date(2001, 3, 5),
        organ_name=v("Ủy ban nhân dân phường Hồng Gai", nfd=nfd), number_of_page=3, keyword="cải cách",
        infor_sign="CCHC", autograph="Có bút tích", process=True, files=(f1,),
    )  # fmt: skip
    doc2 = DocumentSpec(
        f"{FILE_CODE}.2", f"{FILE_CODE}.0000002", 2, "Quyết định số 05", type_code="02",
        issued_date="03/2001", maintenance="02", files=(f2,),
    )  # fmt: skip
    record = RecordSpec(
        FILE_CODE, v("Hồ sơ về công tác cải cách hành chính năm 2001", nfd=nfd),
        start_date=date(2001, 1, 5), end_date="2001", total_doc=2, number_of_paper=10, number_of_page=12,
        paper_file_code="H49.01.02.160", risk_recovery=True, risk_recovery_status="01",
        description=v("Nguyễn Văn A lập hồ sơ", nfd=nfd), documents=(doc1, doc2),
    )  # fmt: skip
    agents = (
        AgentSpec("kho", "Kho", "software", version="0.1.0"),
        AgentSpec("H49.64.33", v("UBND phường Hồng Gai", nfd=nfd), "organization"),
    )
    events = (
        EventSpec(
            "7d0c3c1e-5a0e-4c43-9a8b-000000000001", "transfer", T0, detail=v("Số hóa theo TT 05/2025", nfd=nfd),
            agents=(("kho", "executing program"), ("H49.64.33", "implementer")),
            objects=(f1.path_in_package, f2.path_in_package),
        ),
        EventSpec(
            "7d0c3c1e-5a0e-4c43-9a8b-000000000002", "message digest calculation", T0,
            agents=(("kho", "executing program"),), objects=(f1.path_in_package,),
        ),
    )  # fmt: skip
    schemas = tuple(SCHEMAS / n for n in ("mets.xsd", "xlink.xsd", "premis-v3-0.xsd", "ead2002.xsd"))
    return PackageSpec(
        PACKAGE_ID, v("Hồ sơ H49.64.33.2001.160", nfd=nfd), T0,
        Agency("H49.64.33", v("UBND phường Hồng Gai", nfd=nfd)), (record,),
        archival_agency=Agency("H49", v("Lưu trữ lịch sử tỉnh Quảng Ninh", nfd=nfd)),
        fonds=Agency("H49.64.33", v("Phông UBND phường Hồng Gai", nfd=nfd)),
        events=events, agents=agents,
        documentation=(DocumentationFile(v(HANDOVER, nfd=nfd), src / "handover.txt", "text/plain", T0),),
        schema_files=schemas if with_schemas else (),
    )  # fmt: skip
