"""Every page in Debian's Chromium: loads with no console error, no broken image, a screenshot each.

Requests that leave the site are blocked and counted as failures, so a page
that needs the network shows up here.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import BUILD, HTML, chapter_files
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = BUILD / "screenshots"
# Without these Chromium reaches for Google's services, which this network refuses.
ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("name", chapter_files())
def test_page_loads_cleanly_and_is_screenshotted(browser, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

    def only_local(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            problems.append(f"request leaves the site: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    url = (HTML / f"{name}.html").as_uri()
    page.goto(url, wait_until="load")
    broken = page.evaluate("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    assert page.locator("article h1").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name.replace('/', '-')}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert shot.stat().st_size > 10_000
    assert broken == [], f"broken images: {broken}"
    assert problems == [], problems
