"""Thread pages with polls and a Community Note, fetched end to end, checked by axe-core.

The site comes from ``tests/test_end_to_end_polls.py``: the installed ``tweetorials fetch``
against the loopback replay server, then Pelican. Two builds are served, each on its own port: the
first fetch (an open poll with interim counts, a quoted closed poll, counts Mastodon hides)
and the refresh (final counts and the Community Note). Each page must have no axe violation in
light and dark, keep the poll readable as text, and print it.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.test_end_to_end import Replay
from tests.test_end_to_end import server as server  # the loopback server fixture
from tests.test_end_to_end_polls import PAGES, answers, fetch_command, make_poll_site

from .conftest import AXE_OPTIONS, _SiteHandler

pytestmark = pytest.mark.browser

#: (build, page) pairs worth checking: each kind of poll box and the note.
CASES = [
    ("first", PAGES["fx"]),  # open poll, interim counts, a quoted final poll
    ("first", PAGES["masto"]),  # hidden counts
    ("later", PAGES["fx"]),  # final results and a Community Note
    ("later", PAGES["syn"]),  # an X poll card
]


@pytest.fixture(scope="module")
def poll_pages(
    server: Replay, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """``{"first": base URL, "later": base URL}``: the two builds, each served at its root."""
    root = tmp_path_factory.mktemp("poll-pages")
    (root / "site").mkdir()
    world = make_poll_site(server, root / "site")
    shutil.copytree(world.output, root / "first")
    server.answers = answers(server, later=True)
    fetch_command(server, world.site, "--refresh")
    world.rebuild()
    shutil.copytree(world.output, root / "later")
    servers = {}
    for build in ("first", "later"):
        handler = functools.partial(_SiteHandler, directory=str(root / build))
        servers[build] = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=servers[build].serve_forever, daemon=True).start()
    try:
        yield {b: f"http://127.0.0.1:{s.server_address[1]}" for b, s in servers.items()}
    finally:
        for httpd in servers.values():
            httpd.shutdown()
            httpd.server_close()


def _open(browser: object, url: str, scheme: str, media: str = "screen") -> object:
    """The page in a fresh context; any request that would leave 127.0.0.1 is aborted."""
    context = browser.new_context(color_scheme=scheme, reduced_motion="reduce")  # type: ignore[attr-defined]
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("http://127.0.0.1:")
            else route.abort()
        ),
    )
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("build", "slug"), CASES)
def test_poll_pages_have_no_axe_violations(
    browser: object, poll_pages: dict[str, str], build: str, slug: str, scheme: str
) -> None:
    page = _open(browser, f"{poll_pages[build]}/threads/{slug}/", scheme)
    assert page.locator(".poll").count() >= 1  # type: ignore[attr-defined]
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_poll_is_a_labelled_list_a_screen_reader_reads_as_text(
    browser: object, poll_pages: dict[str, str]
) -> None:
    page = _open(browser, f"{poll_pages['later']}/threads/{PAGES['fx']}/", "light")
    snapshot = page.locator("#post-1 .poll").aria_snapshot()  # type: ignore[attr-defined]
    assert 'group "Poll in post 1"' in snapshot
    assert "listitem: It widens 412 votes, 68%" in snapshot
    assert "Final results · 608 votes" in snapshot
    note = page.get_by_role("note")  # type: ignore[attr-defined]
    assert note.count() == 1 and "Readers added context" in note.inner_text()


def test_poll_bars_and_counts_print(browser: object, poll_pages: dict[str, str]) -> None:
    page = _open(browser, f"{poll_pages['later']}/threads/{PAGES['fx']}/", "light", media="print")
    box = page.locator("#post-1 .poll")  # type: ignore[attr-defined]
    assert box.is_visible() and "412 votes" in box.inner_text()
    bar = page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.querySelector('#post-1 .poll-option'), '::after')"
        ".backgroundImage"
    )
    assert "linear-gradient" in bar
    assert page.locator(".community-note").is_visible()  # type: ignore[attr-defined]
