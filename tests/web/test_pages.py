"""Sign-in, language, dashboard, agency tree and the fonds → records → documents lists."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kho.records.models import Document
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = [
    ("web:dashboard", {}),
    ("web:agencies", {}),
    ("web:agency", {"code": "H49.64"}),
    ("web:fonds-list", {}),
    ("web:fonds", {"code": "PH49.64.33"}),
    ("web:record", {"code": "H49.64.33.2024.01.VP"}),
    ("web:documents", {}),
    ("web:document", {"code": "H49.64.33.2024.01.VP.0000001"}),
    ("web:verify", {"code": "H49.64.33.2024.01.VP.0000001"}),
    ("web:search", {}),
    ("web:upload", {"code": "H49.64.33.2024.01.VP"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_needs_sign_in(world, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_renders_with_landmarks(world, client_for, name, kwargs):
    html = client_for("archivist").get(reverse(name, kwargs=kwargs)).content.decode()
    assert '<html lang="vi">' in html
    for landmark in ('<main id="main"', 'class="skip-link" href="#main"', "<nav", "<header", "<footer"):
        assert landmark in html
    assert _outside_links(html) == []


def _outside_links(html: str) -> list[str]:
    """Every link, script, style or form target that leaves the site (Kho runs air-gapped).

    The random CSRF token is left out first: it once held the letters "cdn" by chance.
    """
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    targets = re.findall(r'\b(?:src|href|action|srcset|formaction)="([^"]*)"', html)
    local = [t for t in targets if t == "" or (t.startswith(("/", "#", "?")) and not t.startswith("//"))]
    outside = [t for t in targets if t not in local]
    words = [w for w in ("cdn", "googleapis", "http://", "https://") if w in html.lower()]
    return outside + words


def test_sign_in_and_out(world):
    client = Client()
    page = client.get(reverse("web:login"))
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.content.decode()
    bad = client.post(reverse("web:login"), {"username": "reader", "password": "sai"})
    assert bad.status_code == 200 and "không đúng" in bad.content.decode()
    good = client.post(reverse("web:login"), {"username": "reader", "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert client.get(reverse("web:logout")).status_code == 405  # sign-out is a POST
    assert client.post(reverse("web:logout")).status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_posts_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:login"), {"username": "reader", "password": PASSWORD})
    assert response.status_code == 403


def test_english_switch(world, client_for):
    client = client_for("reader")
    response = client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="en">' in html and "Digitization dashboard" in html and "Sign out" in html


def test_dashboard_rolls_up_an_agency_and_its_subtree(world, client_for):
    html = client_for("archivist").get(reverse("web:dashboard"), {"agency": "H49.64"}).content.decode()
    assert re.search(r'data-testid="records-total">4<', html)  # 3 in H49.64.33 + 1 in H49.64.34
    assert re.search(r'data-testid="documents-total">5<', html)  # MẬT cleared
    assert re.search(r'data-testid="days-left">40 ngày<', html)
    assert re.search(r'data-testid="pages-30">2<', html)  # two one-page documents stored today
    assert "<svg" in html and html.count('class="bar"') >= 30
    assert "H49.64.33" in html and "H49.64.34" in html  # sub-agencies table
    reader = client_for("reader").get(reverse("web:dashboard"), {"agency": "H49.64"}).content.decode()
    assert re.search(r'data-testid="records-total">3<', reader)  # the MẬT record is not counted
    assert re.search(r'data-testid="documents-total">3<', reader)


def test_dashboard_without_scope_says_so(world, client_for):
    html = client_for("nobody").get(reverse("web:dashboard")).content.decode()
    assert "chưa được giao" in html


def test_hidden_agency_on_the_dashboard_is_404(world, client_for):
    assert client_for("outsider").get(reverse("web:dashboard"), {"agency": "H49.64.33"}).status_code == 404


def test_agency_tree_shows_nesting_and_lineage(world, client_for):
    html = client_for("archivist").get(reverse("web:agencies")).content.decode()
    assert html.index("H49.64</span>") < html.index("H49.64.33</span>")
    assert "Hợp nhất, sáp nhập" in html and "01/07/2025" in html
    detail = client_for("archivist").get(reverse("web:agency", kwargs={"code": "H49.64.33"})).content.decode()
    assert "Ủy ban nhân dân xã Lê Lợi" in detail  # predecessor
    assert "PH49.64.33" in detail  # its fonds


def test_fonds_list_filters_and_sorts(world, client_for):
    client = client_for("leader")
    html = client.get(reverse("web:fonds-list"), {"q": "Lê Lợi"}).content.decode()
    assert "PH49.64.34" in html and "PH49.64.33" not in html
    html = client.get(reverse("web:fonds-list"), {"sort": "-code"}).content.decode()
    assert html.index("PH49.64.34") < html.index("PH49.64.33")


def test_fonds_page_lists_and_filters_records(world, client_for):
    client = client_for("archivist")
    url = reverse("web:fonds", kwargs={"code": "PH49.64.33"})
    html = client.get(url).content.decode()
    assert "H49.64.33.2024.01.VP" in html and "H49.64.33.2023.02.VP" in html
    html = client.get(url, {"year": "2023"}).content.decode()
    assert "H49.64.33.2023.02.VP" in html and "H49.64.33.2024.01.VP" not in html
    html = client.get(url, {"q": "hội nghị"}).content.decode()
    assert "H49.64.33.2023.02.VP" in html and "H49.64.33.2024.01.VP" not in html
    html = client.get(url, {"status": "digitized"}).content.decode()
    assert "H49.64.33.2024.01.VP" in html and "H49.64.33.2023.02.VP" not in html
    html = client.get(url, {"sort": "year"}).content.decode()
    assert html.index("H49.64.33.2023.02.VP") < html.index("H49.64.33.2024.01.VP")


def test_record_page_shows_tt05_fields_documents_and_upload_for_who_may_digitize(world, client_for):
    url = reverse("web:record", kwargs={"code": "H49.64.33.2024.01.VP"})
    html = client_for("archivist").get(url).content.decode()
    for label in ("Thời hạn bảo quản", "Chế độ sử dụng", "Mã hồ sơ gốc giấy", "Tình trạng dự phòng", "Số lượng tờ"):
        assert label in html
    assert "15/QĐ-UBND" in html and "Tải bản quét lên" in html
    reader = client_for("reader").get(url).content.decode()
    assert "Tải bản quét lên" not in reader and "17/QĐ-UBND" not in reader  # the MẬT document is hidden
    filtered = client_for("archivist").get(url, {"type": "22"}).content.decode()
    assert "16/CV-UBND" in filtered and "15/QĐ-UBND" not in filtered


def test_document_list_pages_without_counting_everything(world, client_for, django_assert_max_num_queries):
    record = world.records["r2"]
    Document.objects.bulk_create(
        [
            Document(record=record, ordinal=n, doc_id=f"{record.file_code}.{n}", doc_code=f"{record.file_code}.{n:07d}")
            for n in range(1, 121)
        ]
    )
    client = client_for("archivist")
    with django_assert_max_num_queries(12):
        first = client.get(reverse("web:documents"), {"sort": "doc_code"}).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first and "Dòng 1–50" in first
    third = client.get(reverse("web:documents"), {"sort": "doc_code", "page": "3"}).content.decode()
    assert 'rel="next"' not in third and "Dòng 101–125" in third  # 120 + the world's 5 (cleared for MẬT)
    assert client.get(reverse("web:documents"), {"page": "x"}).status_code == 200


def test_document_list_filters(world, client_for):
    client = client_for("archivist")
    html = client.get(reverse("web:documents"), {"verification": "needs_review"}).content.decode()
    assert "15/QĐ-UBND" in html and "05/TB-UBND" not in html
    html = client.get(reverse("web:documents"), {"year": "2022"}).content.decode()
    assert "05/TB-UBND" in html and "15/QĐ-UBND" not in html
    html = client.get(reverse("web:documents"), {"type": "02", "sort": "-issued_date"}).content.decode()
    assert html.index("17/QĐ-UBND") < html.index("15/QĐ-UBND")
