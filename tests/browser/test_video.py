"""Archived video and GIFs in a real browser: no autoplay, nothing loaded early, axe clean.

A small site of its own: the sample site plus one thread with an archived GIF (an MP4 built
box by box, never played here) and a video that was over the size cap (poster, link, reason).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from PIL import Image
from tweetorials.media.videos import store_video
from tweetorials.snapshot.model import Author, Media, Post, Thread

from ..conftest import add_thread, build, copy_site
from ..video_samples import mp4
from .conftest import AXE_OPTIONS, _SiteHandler

pytestmark = pytest.mark.browser

PAGE = "/threads/starling-forces-in-motion/"
OVER_CAP = "it is larger than the 8 MB limit for archived videos (TWEETORIALS_MAX_VIDEO_BYTES)"


@pytest.fixture(scope="module")
def video_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = copy_site(tmp_path_factory.mktemp("video-site"))
    content = site / "content"
    for name, colour in (("poster-gif.png", "teal"), ("poster-video.png", "navy")):
        Image.new("RGB", (640, 360), colour).save(content / "media" / "sources" / name)
    clip, _ = store_video(mp4(), content / "media")
    gif = Media(
        "gif",
        "media/sources/poster-gif.png",
        alt="Looping animation: fluid leaves the capillary where pressure is high",
        width=640,
        height=360,
        link="https://video.example.org/loop.mp4",
        video=clip,
    )
    too_big = Media(
        "video",
        "media/sources/poster-video.png",
        alt="Echo clip of a dilated left ventricle",
        width=640,
        height=360,
        link="https://video.example.org/echo.mp4",
        video_error=OVER_CAP,
    )
    posts = [
        Post(
            "1",
            "https://x.com/ana/status/1",
            None,
            "1/ Starling forces",
            "<p>1/ Starling forces</p>",
            media=[gif],
        ),
        Post(
            "2",
            "https://x.com/ana/status/2",
            None,
            "2/ An echo",
            "<p>2/ An echo</p>",
            media=[too_big],
        ),
    ]
    thread = Thread("x", posts[0].url, Author("Ana", "ana", "https://x.com/ana"), posts)
    add_thread(
        site,
        thread,
        "\n  - url: https://x.com/ana/status/1\n    specialties: [pathophysiology]\n    title: Starling forces in motion\n",
    )
    output = build(site, TWEETORIALS_SEARCH=False)
    handler = functools.partial(_SiteHandler, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    worker = threading.Thread(target=server.serve_forever, daemon=True)
    worker.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_gif_waits_for_the_reader_and_the_page_passes_axe(
    browser: object, video_site: str, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme, reduced_motion="reduce")  # type: ignore[attr-defined]
    try:
        requested: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.goto(video_site + PAGE, wait_until="load")
        page.wait_for_timeout(300)
        # Nothing plays or downloads until the reader asks: no autoplay, preload none.
        assert page.eval_on_selector("video", "v => v.paused && !v.autoplay") is True
        assert not [url for url in requested if url.endswith(".mp4")]
        assert page.eval_on_selector("video", "v => v.loop && v.muted") is True
        assert (
            page.locator(".video-note").inner_text().startswith(f"Video not archived: {OVER_CAP}.")
        )
        results = Axe().run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
