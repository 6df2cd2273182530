"""Images archived by ``fetch``: before the snapshot is written, never failing the thread.

The platform and its image CDN are respx routes behind a real :class:`PoliteClient`, so the
byte cap, the Content-Type check and the request counts are the real ones.
"""

from __future__ import annotations

import io
import logging
import random
from pathlib import Path
from typing import ClassVar

import pytest
import respx
import tweetorials.fetch.pelican_hook as hook
from PIL import Image
from tweetorials.catalog import load_catalog
from tweetorials.fetch.http import PoliteClient
from tweetorials.fetch.image_downloads import image_archiver
from tweetorials.fetch.runner import FetchReport, fetch_threads
from tweetorials.platforms import PostRef
from tweetorials.settings import Settings
from tweetorials.snapshot import Author, Media, Post, SnapshotStore, Thread, thread_from_dict

from tests import media_samples as samples

from .conftest import catalog_entry

NOW = "2024-06-01T12:00:00Z"
CDN = "https://pbs.example/media/"
API = "https://api.example/thread/"
URL = "https://x.com/ada/status/100"
CAP = 40_000  # bytes: room for the plain test pictures, not for the noisy one

GOOD_JPEG = CDN + "good.jpg"
GOOD_PNG = CDN + "good.png"
AVATAR = CDN + "avatar.jpg"
MISSING = CDN + "missing.jpg"
HTML = CDN + "login.jpg"
OVERSIZE = CDN + "huge.png"
FAKE_PNG = CDN + "text.png"


def noise_png(size: tuple[int, int] = (200, 200)) -> bytes:
    """A PNG that does not compress: far over :data:`CAP`."""
    pixels = random.Random(4).randbytes(size[0] * size[1] * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(buffer, "PNG")
    return buffer.getvalue()


def make_thread(*urls: str) -> Thread:
    author = Author(name="Dr Ada", handle="ada", url="https://x.com/ada", avatar_url=AVATAR)
    media = [Media(kind="image", url=u, alt=f"picture {i}") for i, u in enumerate(urls)]
    post = Post(id="100", url=URL, created_at=None, text="look", html="<p>look</p>", media=media)
    return Thread(platform="x", url=URL, author=author, posts=[post])


class JsonSource:
    """Reads the thread as snapshot JSON from :data:`API` through the shared client."""

    platform: ClassVar[str] = "x"

    def __init__(self, client: PoliteClient) -> None:
        self.client = client

    def fetch(self, ref: PostRef, *, last: PostRef | None = None) -> Thread:
        return thread_from_dict(self.client.get_json(API + ref.post_id))


class CDNRoutes:
    """The image server: good pictures, a 404, an HTML page, an oversize and a lying PNG."""

    def __init__(self, mock: respx.MockRouter) -> None:
        self.good = {
            GOOD_JPEG: mock.get(GOOD_JPEG).respond(
                content=samples.jpeg((800, 600)), headers={"Content-Type": "image/jpeg"}
            ),
            GOOD_PNG: mock.get(GOOD_PNG).respond(
                content=samples.png_transparent((300, 200)), headers={"Content-Type": "image/png"}
            ),
            AVATAR: mock.get(AVATAR).respond(
                content=samples.jpeg((200, 200), "navy"), headers={"Content-Type": "image/jpeg"}
            ),
        }
        self.bad = {
            MISSING: mock.get(MISSING).respond(404, text="Not Found"),
            HTML: mock.get(HTML).respond(
                content=b"<!doctype html><title>Log in</title>",
                headers={"Content-Type": "text/html; charset=utf-8"},
            ),
            OVERSIZE: mock.get(OVERSIZE).respond(
                content=noise_png(), headers={"Content-Type": "image/png"}
            ),
            FAKE_PNG: mock.get(FAKE_PNG).respond(
                content=b"this is text, not a picture", headers={"Content-Type": "image/png"}
            ),
        }

    def calls(self, group: dict[str, respx.Route]) -> int:
        return sum(route.call_count for route in group.values())


@pytest.fixture
def client() -> PoliteClient:
    with PoliteClient(sleep=lambda s: None, retries=1) as c:
        yield c


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return tmp_path / "content"


def run(client: PoliteClient, content: Path, **kwargs: object) -> FetchReport:
    return fetch_threads(
        [catalog_entry(URL)],
        SnapshotStore(content / "threads"),
        {"x": JsonSource(client)},
        clock=lambda: NOW,
        media=image_archiver(client, content, max_bytes=CAP, max_video_bytes=CAP),
        **kwargs,  # type: ignore[arg-type]
    )


def saved(content: Path) -> Thread:
    thread = SnapshotStore(content / "threads").load("x-100")
    assert thread is not None
    return thread


def test_images_are_archived_before_the_snapshot_is_written(client, content) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(API + "100").respond(json=make_thread(GOOD_JPEG, GOOD_PNG).to_dict())
        cdn = CDNRoutes(mock)
        report = run(client, content)

    (outcome,) = report.outcomes
    assert (outcome.status, outcome.reason) == ("fetched", "1 post")
    assert report.summary() == "1 fetched; images: 3 encoded, 0 reused, 0 failed"
    assert cdn.calls(cdn.good) == 3
    for route in cdn.good.values():  # the shared client: same polite User-Agent
        assert "tweetorials" in route.calls[0].request.headers["User-Agent"]

    thread = saved(content)
    jpeg, png = thread.posts[0].media
    assert jpeg.error is None and jpeg.local is not None
    assert (jpeg.local.width, jpeg.local.height) == (800, 600)
    assert (jpeg.width, jpeg.height) == (800, 600)  # filled in from the picture itself
    assert {r.width for r in jpeg.local.renditions} == {480, 800}
    assert png.local is not None and png.local.original.endswith(".png")  # transparency kept
    assert thread.author.avatar is not None
    for local in (jpeg.local, png.local, thread.author.avatar):
        assert local.original.startswith("media/")
        assert (content / local.original).is_file()
        for rendition in local.renditions:
            assert (content / rendition.webp).is_file()
            assert (content / rendition.fallback).is_file()


def test_failed_images_never_fail_the_thread_and_are_reported(client, content, caplog) -> None:
    with respx.mock(assert_all_called=False) as mock:
        thread = make_thread(GOOD_JPEG, MISSING, HTML, OVERSIZE, FAKE_PNG)
        mock.get(API + "100").respond(json=thread.to_dict())
        CDNRoutes(mock)
        with caplog.at_level(logging.WARNING, "tweetorials.media"):
            report = run(client, content)

    (outcome,) = report.outcomes
    assert outcome.status == "fetched" and report.exit_code == 0
    assert outcome.reason.startswith("1 post; 4 images failed: ")
    for url in (MISSING, HTML, OVERSIZE, FAKE_PNG):
        assert url in outcome.reason
    assert report.summary() == "1 fetched; images: 2 encoded, 0 reused, 4 failed"

    good, missing, html, oversize, fake = saved(content).posts[0].media
    assert good.local is not None and good.error is None
    for media in (missing, html, oversize, fake):
        assert media.local is None and media.error
        assert media.alt.startswith("picture ")  # the placeholder still has its alt text
    assert "404" in missing.error
    assert "text/html" in html.error
    assert f"{CAP:,} bytes" in oversize.error
    assert "image" in fake.error.lower()
    # Each failure is said once in the log, with its address.
    assert sum(MISSING in r.getMessage() for r in caplog.records) == 1


def test_a_refresh_with_unchanged_images_downloads_and_encodes_nothing(client, content) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(API + "100").respond(json=make_thread(GOOD_JPEG, GOOD_PNG, MISSING).to_dict())
        cdn = CDNRoutes(mock)
        run(client, content)
        first = (content / "threads" / "x-100.json").read_bytes()
        files = sorted(p.relative_to(content) for p in (content / "media").rglob("*"))
        assert cdn.calls(cdn.good) == 3

        report = run(client, content, mode="refresh")

    (outcome,) = report.outcomes
    assert outcome.status == "unchanged"
    assert cdn.calls(cdn.good) == 3  # nothing archived was downloaded again
    assert cdn.bad[MISSING].call_count == 2  # a failed image is tried again on refresh
    assert outcome.reason.startswith("1 image failed: " + MISSING)
    assert report.summary() == "1 unchanged; images: 0 encoded, 3 reused, 1 failed"
    assert sorted(p.relative_to(content) for p in (content / "media").rglob("*")) == files
    after = (content / "threads" / "x-100.json").read_bytes()
    # Only the fetch times moved.
    assert after.replace(NOW.encode(), b"") == first.replace(NOW.encode(), b"")


def test_an_image_that_works_on_refresh_replaces_its_error(client, content) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(API + "100").respond(json=make_thread(MISSING).to_dict())
        route = mock.get(MISSING).respond(404)
        mock.get(AVATAR).respond(
            content=samples.jpeg((64, 64)), headers={"Content-Type": "image/jpeg"}
        )
        run(client, content)
        assert saved(content).posts[0].media[0].error

        route.respond(content=samples.jpeg((300, 300)), headers={"Content-Type": "image/jpeg"})
        report = run(client, content, mode="refresh")

    assert report.outcomes[0].status == "updated"
    (media,) = saved(content).posts[0].media
    assert media.error is None and media.local is not None


def test_a_crashing_media_step_still_saves_the_thread(client, content) -> None:
    def broken(thread: Thread) -> object:
        raise RuntimeError("disk on fire")

    with respx.mock(assert_all_called=False) as mock:
        mock.get(API + "100").respond(json=make_thread(GOOD_JPEG).to_dict())
        report = fetch_threads(
            [catalog_entry(URL)],
            SnapshotStore(content / "threads"),
            {"x": JsonSource(client)},
            clock=lambda: NOW,
            media=broken,  # type: ignore[arg-type]
        )
    (outcome,) = report.outcomes
    assert outcome.status == "fetched"
    assert "images not archived (unexpected error: RuntimeError: disk on fire)" in outcome.reason
    assert saved(content).posts[0].media[0].local is None


def test_nothing_to_fetch_downloads_no_image(client, content) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(API + "100").respond(json=make_thread(GOOD_JPEG).to_dict())
        cdn = CDNRoutes(mock)
        run(client, content)
        sent = client.requests_sent
        again = run(client, content)
    assert again.summary() == "1 reused"
    assert client.requests_sent == sent
    assert cdn.calls(cdn.good) == 2


# -- the build-time hook uses the same step ----------------------------------------------------

CATALOG = """\
specialties:
  value-care:
    name: High-value care
    description: Tests and treatments that help patients.
threads:
  - url: https://x.com/ada/status/100
    specialties: [value-care]
"""


def test_the_build_hook_archives_images_of_threads_it_fetches(tmp_path, monkeypatch) -> None:
    (tmp_path / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.delenv("TWEETORIALS_FETCH", raising=False)
    monkeypatch.setenv("TWEETORIALS_MAX_IMAGE_BYTES", str(CAP))
    with respx.mock(assert_all_called=False) as mock:
        mock.get(API + "100").respond(json=make_thread(GOOD_JPEG, OVERSIZE).to_dict())
        CDNRoutes(mock)
        settings = Settings.from_pelican({"PATH": str(content)})
        report = hook.fetch_before_build(
            settings,
            load_catalog(settings.catalog),
            sources=lambda client, settings: {"x": JsonSource(client)},
        )
    assert report is not None
    assert report.summary() == "1 fetched; images: 2 encoded, 0 reused, 1 failed"
    good, oversize = saved(content).posts[0].media
    assert good.local is not None and (content / good.local.original).is_file()
    assert oversize.error and f"{CAP:,} bytes" in oversize.error
