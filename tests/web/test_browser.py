"""Browser tests: Playwright (sync API) driving Debian's Chromium against Django's live server.

One journey covers sign-in, uploading two generated scans (one dropped, one chosen with the file input),
upload progress, background digitization (immediate task backend), the verification screen with its
low-confidence fields, "Lưu và duyệt", search with and without tone marks, and the dashboard counts.
A screenshot of every screen at 1366×768 goes to ``KHO_SCREENSHOTS`` (default: the test's tmp dir).
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kho.records.models import Document
from kho.search.backends import get_backend
from tests import factories
from tests.ingest.conftest import needs_tesseract
from tests.ingest.test_uploads import scan_bytes
from tests.web.conftest import PASSWORD, World

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_sync.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any, flushable_audit: None) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    context.set_default_timeout(60_000)
    tab = context.new_page()
    yield tab
    context.close()
    get_backend().clear()  # type: ignore[attr-defined]  # SQLite's FTS table is not flushed


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KHO_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page: Any, base: str, username: str, shots: Path | None = None) -> None:
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    if shots:
        page.screenshot(path=str(shots / "01-dang-nhap.png"))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def drop_file(page: Any, selector: str, name: str, data: bytes) -> None:
    """Dispatch a real ``drop`` event carrying ``data`` as a file, as a drag from the desktop would."""
    transfer = page.evaluate_handle(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, {type: "image/png"}));
            return dt;
        }""",
        [name, base64.b64encode(data).decode()],
    )
    page.dispatch_event(selector, "dragenter", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def upload_two_scans(page: Any, base: str, record_code: str, tmp_path: Path, shots: Path) -> None:
    page.goto(f"{base}/records/{record_code}/")
    page.get_by_role("link", name="Tải bản quét lên").click()
    drop_file(page, "#dropzone", "trang-mot.png", scan_bytes(11))
    second = tmp_path / "trang-hai.png"
    second.write_bytes(scan_bytes(12))
    page.set_input_files("#file-input", str(second))
    stored = page.locator("#file-table tbody .badge-received")
    playwright_sync.expect(stored).to_have_count(2)
    assert page.locator("#overall-progress").get_attribute("value") == "100"
    page.screenshot(path=str(shots / "05-tai-len.png"), full_page=True)
    page.get_by_role("button", name="Bắt đầu số hóa").click()
    page.wait_for_url(re.compile(r"/uploads/[0-9a-f-]+/$"))
    playwright_sync.expect(page.locator("#batch-status")).to_have_text("Hoàn tất", timeout=180_000)
    playwright_sync.expect(page.locator("#batch-files .badge-digitized")).to_have_count(2)
    page.screenshot(path=str(shots / "06-dot-tai-len.png"), full_page=True)


def verify_uploaded(page: Any, base: str, shots: Path) -> list[str]:
    codes = page.locator("#batch-files a.code").all_inner_texts()
    page.get_by_role("link", name="Kiểm tra").first.click()
    page.wait_for_url(re.compile(r"/verify/$"))
    low = page.locator(".field-low")
    assert low.count() >= 1
    assert page.locator(".field-low[data-field=signer]").count() == 1
    playwright_sync.expect(page.locator("#low-summary")).to_be_visible()
    page.screenshot(path=str(shots / "07-kiem-tra.png"))
    page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Bình")
    page.get_by_role("button", name="Lưu và duyệt").click()
    playwright_sync.expect(page.locator(".message-success")).to_contain_text(codes[0])
    first = Document.objects.get(doc_code=codes[0])
    assert first.verification_status == "verified" and first.signer == "Nguyễn Văn Bình"
    assert page.url.endswith(f"/documents/{codes[1]}/verify/")  # "next" is the other new document
    page.get_by_role("button", name="Lưu và duyệt").click()
    playwright_sync.expect(page.locator(".message-success")).to_contain_text(codes[1])
    return codes


@needs_tesseract
def test_upload_digitize_verify_search_and_count(
    page, live_server, world: World, recorded_ocr, settings, tmp_path, shots
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "ocr", "index"],
        }
    }
    base = live_server.url
    sign_in(page, base, "archivist", shots)
    page.screenshot(path=str(shots / "02-tong-quan-truoc.png"), full_page=True)
    record = world.records["r2"]
    upload_two_scans(page, base, record.file_code, tmp_path, shots)
    codes = verify_uploaded(page, base, shots)
    for words in ("lưu trữ", "luu tru"):
        page.goto(f"{base}/search/")
        page.get_by_role("searchbox").fill(words)
        page.get_by_role("button", name="Tìm", exact=True).click()
        hits = page.locator(".hit")
        for code in codes:
            playwright_sync.expect(hits.filter(has_text=code)).to_have_count(1)
        assert page.locator(".snippet mark").count() >= 1
    page.screenshot(path=str(shots / "08-tim-kiem.png"), full_page=True)
    page.goto(f"{base}/?agency=H49.64")
    assert int(page.locator("[data-testid=documents-verified]").inner_text()) == 2
    assert int(page.locator("[data-testid=pages-30]").inner_text()) >= 2 + 2
    page.screenshot(path=str(shots / "09-tong-quan-sau.png"), full_page=True)
    page.goto(f"{base}/documents/{codes[0]}/")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.thumbs img')].every(i => i.complete && i.naturalWidth)"
    )
    page.screenshot(path=str(shots / "10-tai-lieu.png"), full_page=True)


def test_screens_and_language_switch(page, live_server, world: World, shots):
    base = live_server.url
    sign_in(page, base, "archivist")
    for name, path in [
        ("03-co-quan", "/agencies/"),
        ("04-phong", f"/fonds/{world.fonds['a'].code}/"),
        ("04-ho-so", f"/records/{world.records['r1'].file_code}/"),
        ("04-tai-lieu-ds", "/documents/"),
        ("04-tai-lieu", f"/documents/{world.documents['luu_tru'].doc_code}/"),
    ]:
        page.goto(f"{base}{path}")
        assert page.locator("main h1").count() == 1
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    page.goto(f"{base}/")
    page.keyboard.press("Tab")
    playwright_sync.expect(page.locator(".skip-link")).to_be_focused()
    page.select_option("#lang-select", "en")
    page.get_by_role("button", name="Đổi").click()
    playwright_sync.expect(page.locator("html")).to_have_attribute("lang", "en")
    playwright_sync.expect(page.locator(".main-nav")).to_contain_text("Search")


def test_keyboard_only_upload_of_a_scan(page, live_server, world: World, tmp_path):
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/records/{world.records['r2'].file_code}/upload/")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(factories.pdf_bytes("keyboard"))
    page.locator("#file-input").focus()
    playwright_sync.expect(page.locator("#dropzone")).to_have_css("outline-style", "solid")
    # The file input itself takes the keyboard focus; opening the native chooser with Space is the browser's
    # job (and flaky in headless Chromium under load), so the file is set on the focused input directly.
    playwright_sync.expect(page.locator("#file-input")).to_be_focused()
    page.locator("#file-input").set_input_files(str(scan))
    playwright_sync.expect(page.locator("#file-table tbody .badge-received")).to_have_count(1)
    playwright_sync.expect(page.get_by_role("button", name="Bắt đầu số hóa")).to_be_enabled()
