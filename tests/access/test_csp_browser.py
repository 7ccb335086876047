"""The Content-Security-Policy in a real browser: no violation on Kho's screens, the PDF frame still loads,
and the TOTP code step works end to end (Debian's Chromium through Playwright, like tests/web/test_browser.py)."""
# ruff: noqa: F811 - fixtures are imported from the web tests, so test arguments "redefine" them

from pathlib import Path

import pytest

from kho.access import totp
from tests.web.conftest import PASSWORD, World, _fresh_cache, client_for, flushable_audit, world  # noqa: F401
from tests.web.test_browser import ARGS, CHROMIUM, VIEWPORT, browser, sign_in  # noqa: F401

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

RECORD = """window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def page(browser, live_server, flushable_audit):
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    context.set_default_timeout(30_000)
    context.add_init_script(RECORD)
    tab = context.new_page()
    messages = []
    tab.on("console", lambda message: messages.append(message.text))
    tab.csp_console = messages
    yield tab
    context.close()


def violations(page):
    found = list(page.evaluate("window.__csp"))
    found += [text for text in page.csp_console if "Content Security Policy" in text]
    return found


def test_no_csp_violation_on_the_screens_and_the_pdf_frame_loads(page, live_server, world: World):
    base = live_server.url
    sign_in(page, base, "leader")
    document = world.documents["luu_tru"]
    for path in ["/", "/agencies/", "/documents/", "/search/?q=quyết+định", f"/documents/{document.doc_code}/"]:
        page.goto(f"{base}{path}")
        assert violations(page) == [], path
    page.locator("details.pdf-inline summary").click()
    frame = page.locator("details.pdf-inline iframe")
    playwright_sync.expect(frame).to_be_visible()
    response = page.request.get(f"{base}/documents/{document.doc_code}/pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    page.wait_for_load_state("networkidle")  # the frame has loaded (or been blocked, which is reported)
    assert violations(page) == []


def test_second_factor_sign_in_in_the_browser(page, live_server, world: World, kho):
    result = kho("users", "totp", "enable", "reader", "--json")
    key = totp.decode_secret(result.json()["secret"])
    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_label("Tên đăng nhập").fill("reader")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/accounts/login/code/")
    page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill("000000")
    page.get_by_role("button", name="Xác nhận").click()
    playwright_sync.expect(page.get_by_role("alert")).to_contain_text("Mã xác thực không đúng")
    import time

    page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(totp.totp(key, time.time()))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{base}/")
    assert violations(page) == []
