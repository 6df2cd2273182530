"""End to end: recorded threads from all three platforms, fetched by the real command from a
loopback server, built by Pelican, and read back from the pages.

The server on 127.0.0.1 replays the recorded API answers under tests/fixtures/ (FxTwitter's
``/2/thread``, X syndication's ``/tweet-result``, Bluesky's ``resolveHandle`` and
``getPostThread``, Mastodon's ``statuses`` and ``context``). Every image address inside them
is rewritten to point at the same server, which answers with pictures made by Pillow (and
every MP4 address with an MP4 file built box by box), so nothing leaves the machine. The first fetch runs the installed ``tweetorials`` console script
with ``TWEETORIALS_*_API=http://127.0.0.1:PORT/...`` exactly as the issue's "done when" says.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import tweetorials.fetch.http
from bs4 import BeautifulSoup
from PIL import Image
from tweetorials.catalog import load_catalog
from tweetorials.cli import main
from tweetorials.snapshot import SnapshotStore, Thread, load_snapshot
from tweetorials.snapshot.merge import same_content

from tests.conftest import FIXTURES, build, copy_site
from tests.video_samples import mp4


def console_script() -> list[str]:
    """The installed ``tweetorials`` command beside this Python, else the same entry point."""
    script = Path(sys.executable).parent / "tweetorials"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from tweetorials.cli import main; sys.exit(main())"]


X_FX_ID = "2072439205213421694"  # FxTwitter /2/thread: the XCreators self-thread
X_SYN_ID = "1641895049427550208"  # FxTwitter has nothing; syndication has it (with a quote)
BSKY_DID = "did:plc:foamedauthor7x2k4m"
BSKY_RKEY = "3kpost2"  # the recorded getPostThread answers for the thread's second post
MASTODON_ID = "110000000000000002"

#: Hosts whose addresses in the recorded answers are images; they are served locally.
MEDIA_HOSTS = ("pbs.twimg.com", "cdn.bsky.app", "video.bsky.app", "files.med.example.social")
STREAM_SUFFIXES = (".m3u8",)  # HLS playlists: only linked, never downloaded
VIDEO_HOSTS = ("video.twimg.com", *MEDIA_HOSTS)

CATALOG = f"""\
specialties:
  value-care:
    name: High-value care
    description: Tests and treatments that help patients.
  pathophysiology:
    name: Pathophysiology
    description: How the body works and how disease changes it.
threads:
  - url: https://x.com/XCreators/status/{X_FX_ID}
    specialties: [value-care]
    title: Going live from X
  - url: https://twitter.com/mattcarrollcode/status/{X_SYN_ID}
    specialties: [value-care]
    title: View flattening
  - url: https://bsky.app/profile/drfoamed.bsky.social/post/{BSKY_RKEY}
    specialties: [pathophysiology]
    title: Hyperkalaemia and the ECG
  - url: https://med.example.social/@drfoamed/{MASTODON_ID}
    specialties: [pathophysiology]
    title: Potassium before insulin in DKA
"""


def fixture(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


# -- the loopback server -----------------------------------------------------------------------


@dataclass
class Replay:
    """What the server answers, and what it was asked."""

    base: str = ""
    answers: dict[tuple[str, str], Any] = field(default_factory=dict)  # (prefix, key) -> JSON
    failing: set[str] = field(default_factory=set)  # prefixes answering 500
    requests: Counter[str] = field(default_factory=Counter)  # prefix -> count
    unknown: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    images: dict[str, bytes] = field(default_factory=dict)
    video_sizes: dict[str, int] = field(default_factory=dict)  # name -> size (default 64 KB)

    def rewrite(self, data: Any) -> Any:
        """The recorded answer with every image and MP4 address pointing at this server.

        HLS playlists stay where they are: pages only link to them, nothing downloads them.
        """
        if isinstance(data, dict):
            return {key: self.rewrite(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self.rewrite(value) for value in data]
        if isinstance(data, str) and not data.split("?")[0].endswith(STREAM_SUFFIXES):
            if data.split("?")[0].endswith(".mp4"):
                for host in VIDEO_HOSTS:
                    if data.startswith(f"https://{host}/"):
                        return f"{self.base}/vid/{host}/" + data.removeprefix(f"https://{host}/")
            for host in MEDIA_HOSTS:
                if data.startswith(f"https://{host}/"):
                    return f"{self.base}/img/{host}/" + data.removeprefix(f"https://{host}/")
        return data

    def total(self) -> int:
        with self.lock:
            return sum(self.requests.values())

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        prefix, _, rest = path.lstrip("/").partition("/")
        with self.lock:
            self.requests[prefix] += 1
        if prefix in self.failing:
            return 500, "application/json", b'{"error": "InternalServerError"}'
        if prefix == "img":
            return 200, _image_type(rest), self.image(rest)
        if prefix == "vid":
            size = next((n for part, n in self.video_sizes.items() if part in rest), 65_536)
            return 200, "video/mp4", mp4(size, seed=rest.encode())
        key = {
            "fx": rest,
            "syn": f"{rest}?id={query.get('id', [''])[0]}",
            "bsky": f"{rest}?{query.get('handle', query.get('uri', ['']))[0]}",
            "masto": rest,
        }.get(prefix)
        data = self.answers.get((prefix, key or ""))
        if data is None:
            with self.lock:
                self.unknown.append(path)
            body = {"code": 404, "message": "NOT_FOUND", "error": "Not Found"}
            return 404, "application/json", json.dumps(body).encode()
        return 200, "application/json; charset=utf-8", json.dumps(data).encode()

    def image(self, name: str) -> bytes:
        """A picture made for this address: its own colour, big enough for two web sizes."""
        with self.lock:
            if name not in self.images:
                digest = hashlib.sha256(name.encode()).digest()
                picture = Image.new("RGB", (1100, 700), tuple(digest[:3]))
                picture.paste(tuple(digest[3:6]), (0, 0, 550, 350))
                buffer = io.BytesIO()
                fmt = "PNG" if _image_type(name) == "image/png" else "JPEG"
                picture.save(buffer, fmt)
                self.images[name] = buffer.getvalue()
            return self.images[name]


def _image_type(name: str) -> str:
    return "image/png" if name.lower().endswith(".png") else "image/jpeg"


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, content_type, body = replay.answer(parts.path, parse_qs(parts.query))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

    return Handler


def recorded_answers(replay: Replay) -> dict[tuple[str, str], Any]:
    mastodon_status = f"api/v1/statuses/{MASTODON_ID}"
    answers = {
        ("fx", f"2/thread/{X_FX_ID}"): fixture(f"x/fxtwitter_v2_thread_XCreators_{X_FX_ID}.json"),
        ("syn", f"tweet-result?id={X_SYN_ID}"): fixture(
            f"x/syndication_tweetrsc_quote_{X_SYN_ID}.json"
        ),
        ("bsky", "xrpc/com.atproto.identity.resolveHandle?drfoamed.bsky.social"): {"did": BSKY_DID},
        (
            "bsky",
            f"xrpc/app.bsky.feed.getPostThread?at://{BSKY_DID}/app.bsky.feed.post/{BSKY_RKEY}",
        ): fixture("bluesky/crafted_getPostThread_multi.json"),
        ("masto", mastodon_status): fixture("mastodon/crafted_thread_status.json"),
        ("masto", f"{mastodon_status}/context"): fixture("mastodon/crafted_thread_context.json"),
    }
    return {key: replay.rewrite(value) for key, value in answers.items()}


@contextmanager
def serving(
    answers: Callable[[Replay], dict[tuple[str, str], object]], name: str = "replay"
) -> Iterator[Replay]:
    """A replay server on 127.0.0.1 (a free port) answering from ``answers``, shut down after."""
    replay = Replay()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    httpd.daemon_threads = True
    replay.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    replay.answers = answers(replay)
    thread = threading.Thread(target=httpd.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[Replay]:
    with serving(recorded_answers) as replay:
        yield replay


def api_environment(replay: Replay) -> dict[str, str]:
    return {
        "TWEETORIALS_FXTWITTER_API": f"{replay.base}/fx",
        "TWEETORIALS_X_API": f"{replay.base}/syn",
        "TWEETORIALS_BLUESKY_API": f"{replay.base}/bsky",
        "TWEETORIALS_MASTODON_API": f"{replay.base}/masto",
    }


def fetch_command(replay: Replay, site: Path, *args: str, **settings: str) -> str:
    """Run the installed ``tweetorials fetch`` against the loopback server, as a maintainer
    (or CI) runs it, with ``settings`` as ``TWEETORIALS_*`` variables; what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWEETORIALS_")}
    env.update(api_environment(replay))
    env.update({f"TWEETORIALS_{name}": value for name, value in settings.items()})
    done = subprocess.run(
        [*console_script(), "fetch", "--catalog", str(site / "threads.yaml"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=site,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


#: Each catalog entry's page (the slug Pelican makes from its title), posts and their ids.
PAGES = {
    "x": "going-live-from-x",
    "x-syndication": "view-flattening",
    "bluesky": "hyperkalaemia-and-the-ecg",
    "mastodon": "potassium-before-insulin-in-dka",
}
POSTS = {
    "x": [
        X_FX_ID,
        "2072439207402820041",
        "2072439209437380841",
        "2072439211395825978",
        "2072439213178392714",
    ],
    "x-syndication": [X_SYN_ID],
    "bluesky": ["3kpost1", "3kpost2", "3kpost3", "3kpost4", "3kpost5"],
    "mastodon": ["110000000000000001", MASTODON_ID, "110000000000000005", "110000000000000006"],
}


@dataclass
class World:
    replay: Replay
    site: Path
    output: Path
    fetch_output: str
    fetch_requests: int  # what the server saw during the first fetch

    @property
    def catalog(self) -> Path:
        return self.site / "threads.yaml"

    def snapshot_path(self, name: str) -> Path:
        index = list(PAGES).index(name)
        slug = load_catalog(self.catalog).included[index].slug
        path = SnapshotStore(self.site / "content" / "threads").find(slug)
        assert path is not None, f"no snapshot for {name}"
        return path

    def snapshot(self, name: str) -> Thread:
        return load_snapshot(self.snapshot_path(name))

    def html(self, name: str) -> str:
        return (self.output / "threads" / PAGES[name] / "index.html").read_text(encoding="utf-8")

    def page(self, name: str) -> BeautifulSoup:
        return BeautifulSoup(self.html(name), "html.parser")


@pytest.fixture(scope="module")
def world(server: Replay, tmp_path_factory: pytest.TempPathFactory) -> World:
    site = copy_site(tmp_path_factory.mktemp("e2e"))
    (site / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    for old in (site / "content" / "threads").iterdir():  # only this catalog's threads
        old.unlink()
    said = fetch_command(server, site)
    output = build(site, TWEETORIALS_SEARCH=False)
    return World(server, site, output, said, server.total())


def fetch_in_process(world: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    for name, value in api_environment(world.replay).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TWEETORIALS_MAX_IMAGE_BYTES", raising=False)
    return main(["fetch", "--catalog", str(world.catalog), "--no-progress", *args])


def text_of(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


# -- the fetch -----------------------------------------------------------------------------------


def test_the_fetch_archived_every_thread_and_image_from_the_loopback_server(world: World) -> None:
    out = world.fetch_output
    for line, count in ((9, 5), (18, 4)):
        assert re.search(rf"threads.yaml:{line}: \S+: fetched: {count} posts?\n", out), out
    # Bluesky streams its video (HLS) and offers no MP4 file: the report says so.
    assert re.search(
        r"threads.yaml:15: \S+: fetched: 5 posts; video https://bsky.app/\S+ not archived: "
        r"the platform offered no MP4 file of it \(only a stream\)",
        out,
    ), out
    # Syndication alone can only walk up: the maintainer is told the thread may go on.
    assert re.search(r"threads.yaml:12: \S+: fetched: 1 post; only 1 post archived: ", out), out
    images = world.replay.requests["img"]
    assert images >= 15  # posts, quotes, link cards and avatars
    summary = (
        f"4 fetched; images: {images} encoded, 0 reused, 0 failed; "
        "videos: 2 archived, 0 reused, 1 not archived"
    )
    # The client's own count of requests is the one the server saw.
    assert f"{summary} ({world.fetch_requests} requests sent)" in out, out
    # FxTwitter did not know the second X thread, so the syndication door was used; nothing
    # else was asked for that the recordings do not hold.
    assert world.replay.unknown == [f"/fx/2/thread/{X_SYN_ID}"]
    assert world.snapshot("x").source == "fxtwitter"
    assert world.snapshot("x-syndication").source == "syndication"


def test_snapshots_hold_every_post_with_real_addresses_and_archived_images(world: World) -> None:
    for name, ids in POSTS.items():
        thread = world.snapshot(name)
        assert [p.id for p in thread.posts] == ids
        data = world.snapshot_path(name).read_text(encoding="utf-8")
        assert "t.co/" not in data
        for post in thread.posts:
            assert post.url.startswith(("https://x.com/", "https://bsky.app/", "https://med."))
            for media in post.media + (post.quote.media if post.quote else []):
                assert media.error is None and media.local is not None, media.url
                assert (world.site / "content" / media.local.original).is_file()


# -- the pages -----------------------------------------------------------------------------------


def test_every_post_is_on_its_page(world: World) -> None:
    for name, ids in POSTS.items():
        page = world.page(name)
        sections = page.select("section.post")
        assert [s["id"] for s in sections] == [f"post-{n}" for n in range(1, len(ids) + 1)]
        thread = world.snapshot(name)
        for number, (section, post) in enumerate(zip(sections, thread.posts, strict=True), 1):
            shown = " ".join(section.select_one("div.post-text").get_text(" ").split())
            assert shown == text_of(post.html)
            # Every post links its original, except a later post whose address is the
            # thread's own (already linked from post 1).
            repeats_thread = number > 1 and post.url == thread.url
            assert (section.find("a", href=post.url) is None) == repeats_thread
    assert "Tweetorial: why does hyperkalaemia widen the QRS?" in world.html("bluesky")
    assert "So: K+ first, then insulin. /end" in world.html("mastodon")
    assert "built into \U0001d54f.com." in world.html("x")


def test_links_are_expanded_mentions_and_tags_linked(world: World) -> None:
    pages = {name: world.page(name) for name in PAGES}
    for name, page in pages.items():
        hrefs = [a["href"] for a in page.find_all("a", href=True)]
        assert not [h for h in hrefs if "//t.co/" in h], name
        assert "t.co/" not in world.html(name)

    def link(name: str, href: str) -> str:
        anchor = pages[name].select_one(f'div.post-text a[href="{href}"]')
        assert anchor is not None, (name, href)
        return anchor.get_text()

    assert link("x", "http://x.com/i/live-studio") == "x.com/i/live-studio"
    github = "https://github.com/reactwg/react-native-new-architecture/discussions/110"
    assert link("x-syndication", github).startswith("github.com/reactwg/")
    assert link("x-syndication", "https://x.com/hashtag/ReactNative") == "#ReactNative"
    assert link("bluesky", "https://www.nice.org.uk/guidance/ng203?utm=x&a=1").startswith(
        "nice.org.uk/guidance/"
    )
    mention = "https://bsky.app/profile/did:plc:colleague42"
    assert link("bluesky", mention) == "@colleague.bsky.social"
    assert link("bluesky", "https://bsky.app/hashtag/FOAMed") == "#FOAMed"
    assert link("mastodon", "https://www.ncbi.nlm.nih.gov/books/NBK470284/").startswith(
        "ncbi.nlm.nih.gov/books/"
    )
    assert link("mastodon", "https://med.example.social/tags/FOAMed") == "#FOAMed"
    # Untrusted markup stays text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in world.html("bluesky")


def test_images_are_served_from_the_site_in_several_sizes_with_their_alt_text(
    world: World,
) -> None:
    alts: dict[str, list[str]] = {}
    for name in PAGES:
        html = world.html(name)
        assert "127.0.0.1" not in html  # never hotlinked, not even the archived address
        figures = world.page(name).select("figure.media")
        assert figures, name
        alts[name] = []
        for figure in figures:
            clip = figure.find("video")
            if clip is not None:  # an archived MP4: its own player, poster and description
                alts[name].append(_check_video(world, figure, clip))
                continue
            img = figure.find("img")
            assert img is not None and not figure.select(".media-missing"), name
            for attribute in ("width", "height"):
                assert int(img[attribute]) > 0
            assert (img["loading"], img["decoding"]) == ("lazy", "async")
            webp = figure.find("source", type="image/webp")
            for srcset in (img["srcset"], webp["srcset"]):
                sizes = [part.split() for part in srcset.split(", ")]
                assert len(sizes) >= 3, srcset  # 480w, 960w and the 1100 px original width
                for path, width in sizes:
                    assert path.startswith("/media/") and width.endswith("w")
                    assert (world.output / path.lstrip("/")).is_file(), path
            assert (world.output / img["src"].lstrip("/")).is_file()
            alts[name].append(img["alt"])
            if img["alt"]:
                assert figure.select_one("details.alt p").get_text() == img["alt"]
            else:
                assert figure.select_one(".alt-none") is not None
    assert alts == {
        "x": [""],  # a video poster without a description
        "x-syndication": [""],  # the quoted tweet's photo has no ext_alt_text
        "bluesky": [
            "12-lead ECG with peaked T waves",
            "Diagram of the myocyte resting membrane potential",
            "",
            "Carol's chart",  # inside the quoted post
            "Screen recording of an ECG",
        ],
        "mastodon": ["Flowchart: check K+ first, then insulin", "", "Animated ECG strip"],
    }


def _check_video(world: World, figure: Any, clip: Any) -> str:
    """An archived video or GIF is played from the site; returns its description (alt)."""
    assert clip.has_attr("controls") and clip["preload"] == "none"
    assert not clip.has_attr("autoplay")
    source = clip.find("source", type="video/mp4")
    assert source["src"].startswith("/media/") and source["src"].endswith(".mp4")
    assert (world.output / source["src"].lstrip("/")).is_file()
    assert (world.output / clip["poster"].lstrip("/")).is_file()
    if "media-video" in figure["class"] and clip.has_attr("loop"):
        assert clip.has_attr("muted") and clip.has_attr("playsinline")  # a GIF
    described = clip.get("aria-describedby")
    return figure.find(id=described).get_text() if described else ""


# -- fetching again --------------------------------------------------------------------------------


def test_a_second_fetch_sends_no_request(world: World, monkeypatch, capsys) -> None:
    before = world.replay.total()
    snapshots = {name: world.snapshot_path(name).read_bytes() for name in PAGES}
    assert fetch_in_process(world, monkeypatch) == 0
    assert world.replay.total() == before
    assert "4 reused (0 requests sent)" in capsys.readouterr().out
    assert {name: world.snapshot_path(name).read_bytes() for name in PAGES} == snapshots


def test_a_refresh_with_one_platform_down_keeps_its_snapshot_and_exits_1(
    world: World, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(tweetorials.fetch.http, "BACKOFF_BASE", 0.001)  # retries, without waiting
    kept = world.snapshot_path("bluesky").read_bytes()
    others = {name: world.snapshot(name) for name in PAGES if name != "bluesky"}
    requests = Counter(world.replay.requests)
    world.replay.failing = {"bsky"}
    try:
        code = fetch_in_process(world, monkeypatch, "--refresh")
    finally:
        world.replay.failing = set()
    out = capsys.readouterr().out
    assert code == 1, out
    assert world.snapshot_path("bluesky").read_bytes() == kept
    assert re.search(r"threads.yaml:15: \S+: failed: .*HTTP 500.*snapshot kept unchanged", out)
    assert world.replay.requests["bsky"] - requests["bsky"] > 1  # it was retried first
    # The other threads were re-fetched; their images were already archived: no download.
    assert world.replay.requests["img"] == requests["img"]
    assert re.search(r"3 unchanged, 1 failed; images: 0 encoded, \d+ reused, 0 failed", out), out
    for name, before in others.items():
        after = world.snapshot(name)
        assert same_content(before, after)
