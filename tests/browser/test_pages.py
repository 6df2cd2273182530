"""Every page type in a real Chromium: clean console, no outside requests, axe-core clean.

Plus what only a browser can tell: keyboard-only reading, the print stylesheet, no sideways
scrolling on a 320 px phone, and screenshots a person can look at
(``test-artifacts/screenshots/``, not committed).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import AXE_OPTIONS, SCREENSHOTS, OpenPage

pytestmark = pytest.mark.browser

THREAD = "/threads/the-anion-gap-built-from-scratch/"
PAGES = {
    "home": "/",
    "thread": THREAD,
    "thread-unrolled": "/threads/four-ways-social-media-helps-students-lead-change-in-high-value-care/",
    "specialty": "/specialty/pathophysiology/",
    "specialties": "/specialty/",
    "tag": "/tag/choosing-wisely/",
    "topics": "/tag/",
    "author": "/author/dr-iris-sample/",
    "archive": "/archive/",
    "year": "/archive/2026/",
    "about": "/about/",
    "404": "/404.html",
}

_axe = Axe()


def _violations(page: object) -> str:
    results = _axe.run(page, options=AXE_OPTIONS)
    return "" if results.violations_count == 0 else results.generate_report()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_clean_and_accessible(open_page: OpenPage, name: str, scheme: str) -> None:
    watched = open_page(PAGES[name], scheme=scheme)
    page = watched.page
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == (
        "rgb(21, 24, 27)" if scheme == "dark" else "rgb(251, 250, 247)"
    ), "the stylesheet did not load or ignores prefers-color-scheme"
    report = _violations(page)
    assert not report, f"axe-core found problems on {name} ({scheme}):\n{report}"
    assert not watched.problems(), watched.problems()


@pytest.mark.parametrize("name", ["home", "thread", "specialty", "archive", "about"])
def test_no_sideways_scrolling_at_320px(open_page: OpenPage, name: str) -> None:
    page = open_page(PAGES[name], width=320, height=640).page
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 320, f"{name} is {overflow}px wide on a 320px screen"


def test_missing_address_gets_the_styled_404_page(open_page: OpenPage, base_url: str) -> None:
    watched = open_page("/threads/no-such-thread/")
    page = watched.page
    assert page.locator("h1").inner_text() == "This page is not in the library"
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle")
        == "solid"
    )
    # The only error allowed is the 404 status of the page itself.
    others = [e for e in watched.console_errors if "404" not in e]
    assert not others and not watched.external_requests


def _tab_until(page: object, predicate: str, limit: int = 40) -> dict:
    """Press Tab until ``predicate`` (JS, on document.activeElement ``el``) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(
            f"""() => {{ const el = document.activeElement;
                 return ({predicate}) ? {{href: el.getAttribute('href') || '', text: el.innerText,
                   outline: [getComputedStyle(el), getComputedStyle(el, '::after')]
                     .map(s => s.outlineStyle).find(o => o !== 'none') || 'none'}} : null; }}"""
        )
        if found:
            return found
    raise AssertionError(f"{limit} presses of Tab never reached an element where {predicate}")


def test_keyboard_alone_reaches_a_thread_and_its_posts(open_page: OpenPage) -> None:
    page = open_page("/").page
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.className")
    assert skip == "skip-link", "the first Tab stop must be the skip link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0, "the skip link must show on focus"

    page.keyboard.press("Enter")  # skip to the content
    link = _tab_until(page, "el.matches('main a[href*=\"threads/\"]')")
    assert link["outline"] != "none", "focus must be visible"
    page.keyboard.press("Enter")
    page.wait_for_url("**/threads/*/")
    assert page.locator("section.post").count() > 1

    post_link = _tab_until(page, "el.closest('section.post') && el.matches('a[href]')")
    assert post_link["href"] == "#post-1", "a post's first stop is its number, its own address"
    assert post_link["outline"] != "none"
    # and every post keeps its own address
    ids = page.eval_on_selector_all("section.post", "els => els.map(e => e.id)")
    assert ids == [f"post-{n}" for n in range(1, len(ids) + 1)]


def test_print_hides_navigation_and_prints_addresses(open_page: OpenPage) -> None:
    page = open_page(PAGES["thread"]).page
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-nav", ".site-footer", ".skip-link", ".avatar-initial"):
        assert not page.locator(selector).first.is_visible(), f"{selector} shows in print"
    assert page.locator("section.post").first.is_visible()
    # The cite box is printed whole, never split across two sheets.
    assert page.eval_on_selector(".citation", "e => getComputedStyle(e).breakInside") == "avoid"
    printed = page.evaluate(
        "getComputedStyle(document.querySelector('.post-text a[href^=\"http\"]'), '::after').content"
    )
    assert "doi.org/10.2215/CJN.03020906" in printed, printed


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", ["home", "thread", "specialty"])
def test_screenshots(open_page: OpenPage, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page = open_page(PAGES[name], scheme=scheme, width=width).page
        label = "desktop" if width >= 1000 else "mobile"
        path = SCREENSHOTS / f"{name}-{label}-{scheme}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, f"{path} looks blank"
