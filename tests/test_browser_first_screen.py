"""On a meeting-room projector (1280x720), every page shows its answer on the first screen:
the part of the page that answers its question lies wholly inside the window, without scrolling.
The real server in Debian's Chromium, over the demo warehouse."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, serve, wait_for_app

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 720}
# Each page's answer: what a director should read without scrolling, by a locator on the page.
ANSWERS = {
    "overview": ("Overview", lambda page: page.get_by_label("Headline figures")),
    "projects": ("Projects", lambda page: page.locator(".ai-answer")),
    "pathway": ("R&D to operational pathway", lambda page: page.locator(".ai-answer")),
    "tech_stack": ("Tech stack", lambda page: page.locator(".ai-answer")),
    "radar": ("Tech radar", lambda page: page.locator('[data-testid="stAlert"]', has_text="disagree")),
    "collaboration": ("Collaboration across teams", lambda page: page.locator(".ai-answer")),
    "repositories": ("Repositories", lambda page: page.locator(".ai-answer")),
    "reports": ("Reports", lambda page: page.get_by_role("button", name="Annual report (HTML)")),
    "data": ("Data and refreshes", lambda page: page.locator('[data-testid="stMain"] [data-testid="stAlert"]').first),
}


@pytest.fixture(scope="module")
def server_url(demo_db_master):
    with serve(Path(demo_db_master)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `apt-get install chromium` (bin/dev test does it for you)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("slug", ANSWERS)
def test_each_page_shows_its_answer_on_the_first_screen_at_1280x720(server_url, browser, slug):
    title, answer = ANSWERS[slug]
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server_url}/{slug}")
        wait_for_app(page)
        page.get_by_role("heading", name=title, exact=True).wait_for()
        found = answer(page)
        found.wait_for(state="visible")
        scrolled = page.evaluate("""() => [window.scrollY,
            document.querySelector('[data-testid="stMain"]').scrollTop]""")
        box = found.bounding_box()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"first-screen-{slug}.png"))
    finally:
        context.close()
    assert scrolled == [0, 0]
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= SCREEN["width"] and box["y"] + box["height"] <= SCREEN["height"], \
        f"{slug}: the answer ends at y={box['y'] + box['height']:.0f}, below the first screen ({SCREEN['height']} px)"
