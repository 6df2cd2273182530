"""Browser fixtures: the sample site built once, served on 127.0.0.1, read by Debian's Chromium.

One Chromium for the whole session (starting it costs more than a page), a fresh context per
test so colour scheme and viewport never leak between tests. Every page the tests open
records its console errors, uncaught exceptions and any request that tried to leave
127.0.0.1 (those are aborted, so a slip can never reach the network).

When ``/usr/bin/chromium`` is missing the tests skip with one line saying so, unless
``TWEETORIALS_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then a missing browser is a failure,
because a CI run whose browser tests silently skipped proves nothing.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1"}

# Every rule axe-core has for WCAG 2.0-2.2 A and AA, plus its best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files, with the site's 404.html for missing paths (as GitHub Pages does)."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read pages, not logs
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving ``folder`` from a background thread. The folder may be
    filled after the address is known (a site built with it as its ``SITEURL``)."""
    handler = functools.partial(_SiteHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving the built site from a background thread."""
    with serving(built_site) as url:
        yield url


def check_chromium(path: Path = CHROMIUM, environ: Mapping[str, str] = os.environ) -> None:
    """Skip (one line saying why) when Chromium is missing; fail instead when CI requires it."""
    if path.exists():
        return
    reason = f"{path} not found; install it with `apt-get install -y chromium`"
    if environ.get("TWEETORIALS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (TWEETORIALS_REQUIRE_BROWSER=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    check_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watched:
    """A page plus what went wrong while it was open."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"console: {e}" for e in self.console_errors] + [
            f"left 127.0.0.1: {u}" for u in self.external_requests
        ]


OpenPage = Callable[..., Watched]


@pytest.fixture
def open_page(browser: object, base_url: str) -> Iterator[OpenPage]:
    """``open_page(path, scheme="light", width=1280, media=None)`` -> :class:`Watched`."""
    contexts = []

    def open_(
        path: str, scheme: str = "light", width: int = 1280, height: int = 900, **goto: object
    ) -> Watched:
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page)

        def route(route_: object) -> None:
            url = route_.request.url  # type: ignore[attr-defined]
            if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
                route_.continue_()  # type: ignore[attr-defined]
            else:
                watched.external_requests.append(url)
                route_.abort()  # type: ignore[attr-defined]

        context.route("**/*", route)
        page.on(
            "console",
            lambda msg: watched.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: watched.console_errors.append(str(exc)))
        page.goto(base_url + path, wait_until="load", **goto)
        return watched

    yield open_
    for context in contexts:
        context.close()


def search_results(page: object, at_least: int = 1) -> list[str]:
    """The paths of Pagefind's results, in order, once at least ``at_least`` are shown and
    none is still loading: each result first shows a placeholder (``pagefind-ui__loading``),
    and their titles and excerpts arrive one by one, in no fixed order."""
    page.wait_for_function(  # type: ignore[attr-defined]
        """n => document.querySelectorAll(
                '.pagefind-ui__result-title .pagefind-ui__result-link').length >= n
            && !document.querySelector('.pagefind-ui__result .pagefind-ui__loading')""",
        arg=at_least,
    )
    paths: list[str] = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".pagefind-ui__result-title .pagefind-ui__result-link",
        "links => links.map(a => new URL(a.href).pathname)",
    )
    return paths
