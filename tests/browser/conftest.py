"""Browser tests: Debian's Chromium (/usr/bin/chromium, installed by `make browser-deps`) driven by Playwright
(playwright-core's Python client, no browser download). Reports are opened from disk with every request that
is not file:, data: or blob: refused and recorded; screenshots go to build/browser/."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis import config

CHROMIUM = os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium")
SHOTS = config.PROJECT_ROOT / "build" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make browser-deps` installs Debian's chromium package "
                    f"(or set WORKBOOK_CHROMIUM to a Chromium binary)", pytrace=False)
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    """Where screenshots go (build/browser/)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture()
def offline_page(browser):
    """A page that may load only file:, data: and blob: URLs; ``page.external`` lists every other request."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    external: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            external.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.external, page.errors = external, errors
    yield page
    context.close()


@pytest.fixture(scope="session")
def seed_reports(tmp_path_factory) -> Path:
    """Every notebook published as an HTML report on the seed corpus (analysis.publish), in a temporary folder."""
    from analysis import publish

    given = os.environ.get("WORKBOOK_TEST_REPORTS", "").strip()  # test reports already published there instead
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("reports")
    result = publish.publish(None, out_root=out)
    assert result.ok, f"notebooks failed while publishing: {result.failed}"
    return result.out_dir
