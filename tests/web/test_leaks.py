"""No screen shows, counts or serves what the policy hides; hidden answers exactly like missing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kho.core.codetables import SecrecyLevel
from tests.access.helpers import user as make_user

pytestmark = pytest.mark.django_db

SECRET_DOC = "H49.64.33.2024.01.VP.0000003"
IN_SECRET_RECORD = "H49.64.33.2024.09.MAT.0000001"
MISSING_DOC = "H49.64.33.2024.01.VP.0009999"


def _doc_urls(code: str) -> list[str]:
    return [
        reverse("web:document", kwargs={"code": code}),
        reverse("web:document-pdf", kwargs={"code": code}),
        reverse("web:page-image", kwargs={"code": code, "page": 1}),
        reverse("web:verify", kwargs={"code": code}),
    ]


def _page(content: bytes, code: str) -> str:
    """The page without its code and its per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode()).replace(code, "")


@pytest.mark.parametrize("code", [SECRET_DOC, IN_SECRET_RECORD])
def test_classified_documents_answer_like_missing_ones(world, client_for, code):
    client = client_for("reader")
    for hidden, missing in zip(_doc_urls(code), _doc_urls(MISSING_DOC), strict=True):
        a, b = client.get(hidden), client.get(missing)
        assert a.status_code == b.status_code == 404
        assert _page(a.content, code) == _page(b.content, MISSING_DOC)


def test_classified_documents_are_in_no_list_count_or_search(world, client_for):
    client = client_for("reader")
    lists = [
        client.get(reverse("web:record", kwargs={"code": "H49.64.33.2024.01.VP"})),
        client.get(reverse("web:documents")),
        client.get(reverse("web:documents"), {"type": "02"}),
        client.get(reverse("web:fonds", kwargs={"code": "PH49.64.33"})),
    ]
    for response in lists:
        html = response.content.decode()
        assert response.status_code == 200
        for secret in ("17/QĐ-UBND", "phòng thủ", "H49.64.33.2024.09.MAT", "01/KH-QS", "quốc phòng", SECRET_DOC):
            assert secret not in html
    for query in ({"q": "17/QĐ-UBND"}, {"q": "phòng thủ"}, {"q": "bi mat"}, {"secrecy": "1"}, {"q": "ke hoach"}):
        html = client.get(reverse("web:search"), query).content.decode()
        assert "0 tài liệu" in html, query
        assert SECRET_DOC not in html and IN_SECRET_RECORD not in html and "Kế hoạch trong" not in html


def test_cleared_users_do_see_them(world, client_for):
    client = client_for("archivist")
    for code in (SECRET_DOC, IN_SECRET_RECORD):
        assert client.get(reverse("web:document", kwargs={"code": code})).status_code == 200
    html = client.get(reverse("web:search"), {"q": "17/QĐ-UBND"}).content.decode()
    assert SECRET_DOC in html


def test_out_of_scope_objects_are_404_everywhere(world, client_for):
    client = client_for("outsider")  # archivist of H49.64.34 only
    for url in [
        reverse("web:agency", kwargs={"code": "H49.64.33"}),
        reverse("web:fonds", kwargs={"code": "PH49.64.33"}),
        reverse("web:record", kwargs={"code": "H49.64.33.2024.01.VP"}),
        reverse("web:upload", kwargs={"code": "H49.64.33.2024.01.VP"}),
        *_doc_urls("H49.64.33.2024.01.VP.0000001"),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("web:upload-create", kwargs={"code": "H49.64.33.2024.01.VP"})).status_code == 404
    html = client.get(reverse("web:fonds-list")).content.decode()
    assert "PH49.64.34" in html and "PH49.64.33" not in html
    assert "15/QĐ-UBND" not in client.get(reverse("web:search"), {"q": "luu tru"}).content.decode()


def test_users_without_a_profile_see_nothing(world, client_for):
    client = client_for("nobody")
    assert "PH49" not in client.get(reverse("web:fonds-list")).content.decode()
    assert "H49.64" not in client.get(reverse("web:agencies")).content.decode()
    assert client.get(reverse("web:document", kwargs={"code": "H49.64.33.2024.01.VP.0000001"})).status_code == 404
    assert "15/QĐ-UBND" not in client.get(reverse("web:search"), {"q": "15"}).content.decode()


def test_metadata_only_admin_sees_no_file(world, client_for):
    admin = make_user("admin-role", role="admin", clearance=SecrecyLevel.MAT, all_agencies=True)
    world.users["admin-role"] = admin
    client = client_for("admin-role")
    code = "H49.64.33.2024.01.VP.0000001"
    html = client.get(reverse("web:document", kwargs={"code": code})).content.decode()
    assert "Không có tệp nào bạn được xem." in html and "sha256:" not in html
    assert client.get(reverse("web:document-pdf", kwargs={"code": code})).status_code == 404
    assert client.get(reverse("web:page-image", kwargs={"code": code, "page": 1})).status_code == 404
    assert client.get(reverse("web:document", kwargs={"code": SECRET_DOC})).status_code == 404  # capped at NONE
