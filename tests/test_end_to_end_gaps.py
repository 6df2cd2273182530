"""End to end, for what a thread loses without a word: a short FxTwitter answer, a video.

The recorded-answer server of :mod:`tests.test_end_to_end` replays crafted answers (see
tests/fixtures/README.md) on 127.0.0.1; the real ``tweetorials fetch`` command archives them,
Pelican builds the site, and the tests read what the maintainer and the reader are told.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from tweetorials.catalog import load_catalog
from tweetorials.cli import main
from tweetorials.snapshot import SnapshotStore, Thread

from tests.conftest import build, copy_site
from tests.test_end_to_end import Replay, api_environment, fetch_command, fixture, serving

NULL_ID = "1850000000000000001"  # FxTwitter answers `thread: null` for it
VIDEO_ID = "1870000000000000001"  # a video (over the 1 MB cap set below) and a GIF
VIDEO_CAP = "1MB"

CATALOG = f"""\
specialties:
  pathophysiology:
    name: Pathophysiology
    description: How the body works and how disease changes it.
threads:
  - url: https://x.com/dra_lucia_med/status/{NULL_ID}
    specialties: [pathophysiology]
    title: Hiperpotasemia y QRS
  - url: https://x.com/dr_video_md/status/{VIDEO_ID}
    specialties: [pathophysiology]
    title: A failing heart on echo
  - url: https://x.com/jack/status/20
    last: https://x.com/jack/status/20
    specialties: [pathophysiology]
    title: A long post cut short
"""
NULL_LINE = 6
VIDEO_LINE = 9


def answers(replay: Replay) -> dict[tuple[str, str], object]:
    recorded = {
        ("fx", f"2/thread/{NULL_ID}"): fixture("x/crafted_fxtwitter_thread_null_es.json"),
        ("fx", f"2/thread/{VIDEO_ID}"): fixture("x/crafted_fxtwitter_thread_video_gif.json"),
        # A long post ("note tweet"): syndication sends the cut text and only the note's id,
        # and FxTwitter has neither the thread nor the post (404).
        ("syn", "tweet-result?id=20"): {
            **fixture("x/syndication_x2md_plain_jack_20.json"),
            "note_tweet": {"id": "Tm90ZVR3ZWV0OjIw"},
        },
    }
    return {key: replay.rewrite(value) for key, value in recorded.items()}


@dataclass
class Site:
    replay: Replay
    root: Path
    fetch_output: str
    output: Path
    build_log: list[str]

    @property
    def catalog(self) -> Path:
        return self.root / "threads.yaml"

    def snapshot(self, index: int) -> Thread:
        slug = load_catalog(self.catalog).included[index].slug
        thread = SnapshotStore(self.root / "content" / "threads").load(slug)
        assert thread is not None
        return thread


@pytest.fixture(scope="module")
def replay() -> Iterator[Replay]:
    with serving(answers, "replay-gaps") as server:
        yield server


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def site(replay: Replay, tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = copy_site(tmp_path_factory.mktemp("gaps"))
    (root / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    for old in (root / "content" / "threads").iterdir():
        old.unlink()
    said = fetch_command(replay, root, MAX_VIDEO_BYTES=VIDEO_CAP)
    collect = _Collect()
    logging.getLogger("tweetorials").addHandler(collect)
    try:
        output = build(root, TWEETORIALS_SEARCH=False)
    finally:
        logging.getLogger("tweetorials").removeHandler(collect)
    return Site(replay, root, said, output, collect.messages)


# -- FxTwitter's `thread: null` ----------------------------------------------------------------

CAVEAT = (
    "FxTwitter gave no thread list; posts after the first may be missing; add "
    "`last: <URL of the thread's last post>` to this entry"
)


def test_thread_null_is_archived_with_a_caveat_the_fetch_reports(site: Site) -> None:
    assert re.search(
        rf"threads.yaml:{NULL_LINE}: \S+: fetched: 1 post; {re.escape(CAVEAT)}", site.fetch_output
    ), site.fetch_output
    thread = site.snapshot(0)
    assert [p.id for p in thread.posts] == [NULL_ID]
    [caveat] = thread.caveats
    assert caveat.startswith(CAVEAT)


def test_the_build_log_repeats_the_caveat(site: Site) -> None:
    said = [m for m in site.build_log if CAVEAT in m]
    assert len(said) == 1, site.build_log
    assert said[0].startswith(
        f"threads.yaml:{NULL_LINE}: https://x.com/dra_lucia_med/status/{NULL_ID}: "
    )


def test_check_lists_the_thread_as_possibly_incomplete(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--catalog", str(site.catalog)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        rf"threads.yaml:{NULL_LINE}: https://x.com/dra_lucia_med/status/{NULL_ID} may be "
        rf"incomplete: {re.escape(CAVEAT)}",
        out,
    ), out


# -- video and GIF -----------------------------------------------------------------------------

OVER_CAP = "it is larger than the 1 MB limit for archived videos (TWEETORIALS_MAX_VIDEO_BYTES)"


def _page(site: Site, slug: str) -> BeautifulSoup:
    return BeautifulSoup(
        (site.output / "threads" / slug / "index.html").read_text(encoding="utf-8"), "html.parser"
    )


def test_a_video_over_the_cap_is_reported_and_never_downloaded(site: Site) -> None:
    assert re.search(
        rf"threads.yaml:{VIDEO_LINE}: \S+: fetched: 2 posts; video \S+/1080.mp4 not archived: "
        + re.escape(OVER_CAP),
        site.fetch_output,
    ), site.fetch_output
    # Every MP4 of the 52 s video is too big by bitrate x duration: only the GIF was asked for.
    assert site.replay.requests["vid"] == 1
    clip, gif = (p.media[0] for p in site.snapshot(1).posts)
    assert clip.video is None and clip.video_error == OVER_CAP
    assert gif.video is not None and gif.video_error is None
    assert (site.root / "content" / gif.video.file).is_file()


def test_the_page_keeps_the_poster_and_link_and_says_why(site: Site) -> None:
    page = _page(site, "a-failing-heart-on-echo")
    video_figure, _ = page.select("figure.media")
    assert video_figure.find("video") is None
    poster = video_figure.select_one("a.media-frame img")
    assert poster is not None and (site.output / poster["src"].lstrip("/")).is_file()
    note = video_figure.select_one(".video-note")
    assert note.get_text(" ", strip=True).startswith(f"Video not archived: {OVER_CAP}.")
    assert note.find("a")["href"].endswith("/amplify_video/v1/1080.mp4")


def test_a_gif_plays_from_the_site_looping_muted_and_never_by_itself(site: Site) -> None:
    page = _page(site, "a-failing-heart-on-echo")
    player = page.select("figure.media")[1].find("video")
    assert player is not None
    for attribute in ("controls", "loop", "muted", "playsinline"):
        assert player.has_attr(attribute), attribute
    assert player["preload"] == "none" and not player.has_attr("autoplay")
    source = player.find("source", type="video/mp4")
    assert (site.output / source["src"].lstrip("/")).is_file()
    assert (site.output / player["poster"].lstrip("/")).is_file()
    described = page.find(id=player["aria-describedby"])
    assert described.get_text() == "Looping animation of the Starling forces"


def test_a_second_fetch_and_build_add_no_video(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    media = site.root / "content" / "media"
    files = {p: p.stat().st_mtime_ns for p in media.rglob("*.mp4")}
    asked = site.replay.requests["vid"]
    for name, value in api_environment(site.replay).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TWEETORIALS_MAX_VIDEO_BYTES", VIDEO_CAP)
    assert (
        main(
            [
                "fetch",
                "--catalog",
                str(site.catalog),
                "--refresh",
                "--only",
                f"https://x.com/dr_video_md/status/{VIDEO_ID}",
                "--no-progress",
            ]
        )
        == 0
    )
    assert site.replay.requests["vid"] == asked  # the GIF is on disk; the video still too big
    assert {p: p.stat().st_mtime_ns for p in media.rglob("*.mp4")} == files
    output = build(site.root, site.root / "output-again", TWEETORIALS_SEARCH=False)
    built = sorted(p.relative_to(output) for p in (output / "media").rglob("*.mp4"))
    assert built == sorted(p.relative_to(media.parent) for p in files)


# -- a long post no source has whole ----------------------------------------------------------


def test_a_post_cut_by_the_platform_says_so_on_the_page(site: Site) -> None:
    assert "/fx/2/status/20" in site.replay.unknown  # FxTwitter was asked for the whole text
    [post] = site.snapshot(2).posts
    assert post.truncated is True
    page = _page(site, "a-long-post-cut-short")
    note = page.select_one("section.post .post-gone")
    assert note.get_text(" ", strip=True) == (
        "The platform shortened this post. Read the full text on X (Twitter) ."
    )
    assert note.find("a")["href"] == "https://x.com/jack/status/20"
