"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.reference_data import ensure_reference_data

CHROMIUM = os.environ.get("SMARTTVET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and was not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are still
    # synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """Console errors, page errors and HTTP responses >= 400 seen while a page was open."""

    def __init__(self, page):
        self.items: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.items.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.items.append(f"page error: {e}"))
        page.on("response", lambda r: r.status >= 400 and self.items.append(f"HTTP {r.status}: {r.url}"))


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(locale: str = "kk"):
        context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        return page, PageProblems(page)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Transactional tests empty every table afterwards, the migrations' reference data included: reload it."""
    ensure_reference_data()
