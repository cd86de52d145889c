"""Playwright driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package (make deps-browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str, password: str, *, student: bool = False) -> None:
    """Sign in through the real form."""
    page.goto("/student/login/" if student else "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


# --- phone and desktop widths, overflow and accessibility --------------------------------

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = 390
DESKTOP = 1366


@pytest.fixture
def sized_page(browser, live_server, settings):
    """A page factory at a given width: 390 is a phone (mobile, touch, 3x pixels)."""
    settings.LANGUAGE_CODE = "zh-hans"
    contexts = []

    def make(width: int):
        if width == PHONE:
            options = {"viewport": {"width": PHONE, "height": 844}, "is_mobile": True, "has_touch": True,
                       "device_scale_factor": 3}  # fmt: skip
        else:
            options = {"viewport": {"width": width, "height": 900}}
        # axe-core is injected as a script the page's CSP would refuse; the CSP itself
        # has its own browser test (test_security_browser).
        context = browser.new_context(locale="zh-CN", base_url=live_server.url, bypass_csp=True, **options)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def assert_fits(page, width: int) -> None:
    """Nothing scrolls sideways: the document is no wider than the device (not innerWidth,
    which a mobile browser widens to fit wide content)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at {width}px"


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.0/2.1 A or AA violation on the page."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }""",
        AXE_TAGS,
    )
    assert violations == [], f"{page.url}: {violations}"


def shoot(page, name: str) -> None:
    """A full-page screenshot for people to look at, when SELFCHECK_SHOTS names a folder."""
    folder = os.environ.get("SELFCHECK_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
