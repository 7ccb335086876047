"""The copy register screen and its XLSX book: who may read it, filters, paging, export layout, no subjects."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kho.audit.models import Event
from kho.copies.actions import MakeMarkedCopyAction
from kho.copies.models import CopyEntry, CopyKind
from kho.copies.selectors import entries_for
from kho.copies.xlsx import COLUMNS, RegisterRow, register_xlsx
from tests.access.helpers import user as make_user
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REGISTER = "/copies/"
EXPORT = "/copies/export.xlsx"


def main_text(response) -> str:
    """The page's main content with white space normalised (the 404 handler and a view differ only there)."""
    return " ".join(re.search(r"<main.*</main>", response.content.decode(), re.S).group(0).split())


def copy(world, user, key="secret", kind=CopyKind.DOWNLOAD, purpose=""):
    obj = world.documents[key].digital_objects.get(role="access")
    return MakeMarkedCopyAction(world.users[user], obj, kind, purpose=purpose).execute().entry


@pytest.fixture
def entries(staff):
    copy(staff, "cleared")
    copy(staff, "cleared", kind=CopyKind.PRINT, purpose='=HYPERLINK("x")')
    copy(staff, "archivist", key="in_secret_record")
    copy(staff, "leader")
    return staff


def test_the_urls_are_where_the_nav_says():
    assert reverse("copies:register") == REGISTER and reverse("copies:register-xlsx") == EXPORT


@pytest.mark.parametrize(
    ("name", "allowed"),
    [("officer", True), ("admin", True), ("leader", True), ("reader", False), ("cleared", False), ("archivist", False)],
)
def test_who_may_read_the_register_and_see_its_link(entries, client_for, name, allowed):
    client = client_for(name)
    page = client.get(REGISTER)
    export = client.get(EXPORT)
    nav = client.get(reverse("web:dashboard")).content.decode()
    assert (page.status_code, export.status_code) == ((200, 200) if allowed else (404, 404))
    assert (f'href="{REGISTER}"' in nav) is allowed
    if not allowed:
        absent = client.get("/copies/no-such-page/")
        assert absent.status_code == 404
        assert main_text(page) == main_text(absent)


def test_signed_out_users_are_sent_to_sign_in(entries, client):
    assert client.get(REGISTER).status_code == 302 and client.get(EXPORT).status_code == 302


def test_the_register_lists_every_entry_newest_first_without_subjects(entries, client_for):
    html = client_for("officer").get(REGISTER).content.decode()
    numbers = re.findall(r'<td class="code">(\d+/\d{4})</td>', html)
    assert [int(n.split("/")[0]) for n in numbers] == [4, 3, 2, 1]
    assert "17/QĐ-UBND" in html and "01/KH-QS" in html and "127.0.0.1" not in html
    assert "Kế hoạch" not in html  # subjects (trích yếu) are never in the register


def test_a_leader_reads_only_entries_of_documents_they_may_view(entries, client_for):
    district = entries.agencies["district"]
    narrow = make_user("leader2", role="leader", clearance=0, agencies=[district])
    assert entries_for(narrow).count() == 0  # every copied document is MẬT, above this leader's clearance
    assert entries_for(entries.users["leader"]).count() == 4
    assert entries_for(entries.users["reader"]).count() == 0


def test_filters_by_year_level_user_and_kind(entries, client_for):
    client = client_for("officer")
    year = CopyEntry.objects.first().year

    def rows(**params):
        return len(re.findall(r'<td class="code">\d+/\d{4}</td>', client.get(REGISTER, params).content.decode()))

    assert rows(year=year) == 4 and rows(year=year - 1) == 0
    assert rows(level=1) == 4 and rows(level=2) == 0
    assert rows(user="cleared") == 2 and rows(user="leader") == 1 and rows(user="nobody") == 0
    assert rows(kind="print") == 1 and rows(kind="download") == 3
    assert rows(level="x") == 4  # an invalid filter is shown with its error and ignored
    assert client.get(REGISTER, {"level": "x"}).status_code == 200


def test_the_register_is_paginated(staff, client_for, settings):
    for _ in range(3):
        copy(staff, "cleared")
    import kho.copies.views.register as view

    original = view.paginate
    view.paginate = lambda qs, number: original(qs, number, size=2)
    try:
        client = client_for("officer")
        first, second = client.get(REGISTER).content.decode(), client.get(REGISTER, {"page": 2}).content.decode()
    finally:
        view.paginate = original
    assert re.findall(r'<td class="code">(\d+)/', first) == ["3", "2"] and 'rel="next"' in first
    assert re.findall(r'<td class="code">(\d+)/', second) == ["1"]


def test_the_export_is_a_register_book_with_no_secret_content_in_name_or_cells(entries, client_for):
    response = client_for("officer").get(EXPORT, {"kind": ""})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="so-sao-chup-moi-nam-\d{8}\.xlsx"', disposition)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "SỔ QUẢN LÝ SAO, CHỤP BÍ MẬT NHÀ NƯỚC"
    assert tuple(values[3]) == COLUMNS
    lines = values[4:]
    assert [line[0] for line in lines] == [entry.register_no for entry in CopyEntry.objects.order_by("year", "seq")]
    first = lines[0]
    assert first[2] == f"17/QĐ-UBND — {entries.documents['secret'].doc_code}" and first[3] == "MẬT"
    assert (first[4], first[5], first[6]) == ("Tải về", 1, "Trần Thị (cleared)")
    assert first[8] == CopyEntry.objects.get(seq=1).digest
    assert lines[1][4] == "In" and lines[1][7] == '=HYPERLINK("x")'
    assert sheet.cell(6, 8).data_type == "s"  # a purpose starting with "=" stays text, never a formula
    flat = " ".join(str(v) for row in values for v in row if v)
    assert "Kế hoạch" not in flat
    event = Event.objects.filter(object_type="copies.copyentry").get()
    assert event.agent == "user:officer" and event.payload["lines"] == 4


def test_the_export_follows_the_filters_and_names_the_year(entries, client_for):
    year = CopyEntry.objects.first().year
    response = client_for("officer").get(EXPORT, {"year": year, "user": "cleared"})
    assert f"so-sao-chup-{year}-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4 + 2 and f"Năm {year}" in sheet.cell(2, 1).value


def test_the_export_is_in_vietnamese_whatever_the_interface_language(entries, client_for):
    client = client_for("officer")
    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    response = client.get(EXPORT)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(5, 5).value == "Tải về"


def test_the_xlsx_builder_alone():
    row = RegisterRow("1/2026", "21/11/2026 15:20", "17/QĐ-UBND", "MẬT", "In", 1, "A (a)", "=1+1", "sha256:00")
    sheet = load_workbook(io.BytesIO(register_xlsx("T", "S", [row]))).active
    assert [c.value for c in sheet[5]] == [
        "1/2026",
        "21/11/2026 15:20",
        "17/QĐ-UBND",
        "MẬT",
        "In",
        1,
        "A (a)",
        "=1+1",
        "sha256:00",
    ]
    assert sheet.cell(5, 8).data_type == "s"


def test_users_signed_in_with_a_password_see_the_link(entries):
    from django.test import Client

    client = Client()
    assert client.login(username="officer", password=PASSWORD)
    assert f'href="{REGISTER}"' in client.get(reverse("web:dashboard")).content.decode()
