"""End to end for polls and Community Notes: recorded-shape answers on a loopback server,
``tweetorials fetch`` (the installed command), Pelican, and the pages read back.

The first fetch finds one poll still open (FxTwitter, interim counts), one closed (an X poll
card from syndication, final counts) and one whose counts Mastodon hides until it ends. Then
the platforms move on: the refresh finds the polls closed and a Community Note added, and a
later refresh from a stale answer must not undo any of it. Fixtures: tests/fixtures/polls/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from tweetorials.catalog import load_catalog
from tweetorials.cli import main
from tweetorials.snapshot import SnapshotStore, Thread, load_snapshot

from tests.conftest import FIXTURES, build, copy_site
from tests.test_end_to_end import Replay, api_environment, fetch_command

# The loopback server fixture, imported so pytest finds it in this module too.
from tests.test_end_to_end import server as server

FX_ID = "1830000000000000001"
SYN_ID = "1840000000000000001"
MASTO_ID = "113000000000000001"

CATALOG = f"""\
specialties:
  renal:
    name: Renal
    description: Kidneys, acids and salts.
threads:
  - url: https://x.com/gap_sample/status/{FX_ID}
    specialties: [renal]
    title: Guess the gap
  - url: https://x.com/calcium_sample/status/{SYN_ID}
    last: https://x.com/calcium_sample/status/{SYN_ID}
    specialties: [renal]
    title: Thiazides and calcium
  - url: https://med.example.social/@drfoamed/{MASTO_ID}
    specialties: [renal]
    title: Refeeding electrolytes
"""
PAGES = {"fx": "guess-the-gap", "syn": "thiazides-and-calcium", "masto": "refeeding-electrolytes"}


def polls(name: str) -> Any:
    return json.loads((FIXTURES / "polls" / name).read_text(encoding="utf-8"))


def answers(replay: Replay, *, later: bool) -> dict[tuple[str, str], Any]:
    """What the platforms answer now (``later=False``) or after the polls closed."""
    masto = f"api/v1/statuses/{MASTO_ID}"
    recorded = {
        ("fx", f"2/thread/{FX_ID}"): polls(
            "fxtwitter_thread_poll_final_note.json" if later else "fxtwitter_thread_poll_open.json"
        ),
        ("syn", f"tweet-result?id={SYN_ID}"): polls("syndication_poll_card_final.json"),
        ("masto", masto): polls(
            "mastodon_status_poll_expired.json" if later else "mastodon_status_poll_hidden.json"
        ),
        ("masto", f"{masto}/context"): polls("mastodon_context_empty.json"),
    }
    return {key: replay.rewrite(value) for key, value in recorded.items()}


@dataclass
class PollSite:
    replay: Replay
    site: Path
    output: Path
    fetch_output: str = ""

    @property
    def catalog(self) -> Path:
        return self.site / "threads.yaml"

    def snapshot(self, name: str) -> Thread:
        slug = load_catalog(self.catalog).included[list(PAGES).index(name)].slug
        path = SnapshotStore(self.site / "content" / "threads").find(slug)
        assert path is not None, name
        return load_snapshot(path)

    def page(self, name: str) -> BeautifulSoup:
        html = (self.output / "threads" / PAGES[name] / "index.html").read_text(encoding="utf-8")
        return BeautifulSoup(html, "html.parser")

    def rebuild(self) -> None:
        self.output = build(self.site, self.site / "output", TWEETORIALS_SEARCH=False)


def make_poll_site(replay: Replay, root: Path) -> PollSite:
    """Fetch the three threads with the installed command, then build the site."""
    replay.answers = answers(replay, later=False)
    site = copy_site(root)
    (site / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    for old in (site / "content" / "threads").iterdir():
        old.unlink()
    said = fetch_command(replay, site)
    world = PollSite(replay, site, site / "output", said)
    world.rebuild()
    return world


@pytest.fixture(scope="module")
def poll_site(server: Replay, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PollSite]:
    yield make_poll_site(server, tmp_path_factory.mktemp("polls"))


def refresh(site: PollSite, monkeypatch: pytest.MonkeyPatch) -> int:
    """``tweetorials fetch --refresh`` in this process, against the loopback server."""
    for name, value in api_environment(site.replay).items():
        monkeypatch.setenv(name, value)
    return main(["fetch", "--catalog", str(site.catalog), "--no-progress", "--refresh"])


def poll_box(page: BeautifulSoup, post: int, quoted: bool = False) -> Tag:
    section = page.select_one(f"#post-{post}")
    assert section is not None
    scope = section.select_one("blockquote.quote") if quoted else section
    assert scope is not None
    boxes = [b for b in scope.select("div.poll") if quoted or not b.find_parent("blockquote")]
    assert len(boxes) == 1, boxes
    return boxes[0]


def options(box: Tag) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in box.select("li.poll-option")]


def summary(box: Tag) -> str:
    line = box.select_one(".poll-summary")
    assert line is not None
    return " ".join(line.get_text(" ").split())


# -- the first fetch -------------------------------------------------------------------------------


def test_an_open_poll_is_archived_with_interim_counts_and_says_so(poll_site: PollSite) -> None:
    poll = poll_site.snapshot("fx").posts[0].poll
    assert poll is not None and not poll.final
    assert [o.votes for o in poll.options] == [120, 31, 9, 12]
    assert poll.counted_at is not None  # the fetch time: FxTwitter does not say
    counted = dt.date.fromisoformat(poll.counted_at[:10])
    box = poll_box(poll_site.page("fx"), 1)
    assert options(box) == [
        "It widens 120 votes , 70%",
        "It stays normal 31 votes , 18%",
        "It narrows 9 votes , 5%",
        "Depends on albumin 12 votes , 7%",
    ]
    assert summary(box) == (
        f"Results as of {counted.day} {counted:%B %Y} (the poll was still open) · 172 votes"
        " · Closes 16 September 2026"
    )
    assert box["role"] == "group" and box["aria-label"] == "Poll in post 1"


def test_the_fetch_report_counts_polls_and_notes(poll_site: PollSite) -> None:
    said = poll_site.fetch_output
    assert re.search(r"threads.yaml:\d+: \S+: fetched: 3 posts, 1 poll \(0 final\)\n", said), said
    assert re.search(r"fetched: 1 post, 1 poll \(1 final\)", said), said


def test_a_closed_x_poll_card_shows_final_results(poll_site: PollSite) -> None:
    box = poll_box(poll_site.page("syn"), 1)
    assert options(box) == [
        "Rises 233 votes , 18%",
        "Falls 1,021 votes , 78%",
        "No change 47 votes , 4%",
    ]
    assert summary(box) == "Final results · 1,301 votes · Closed 2 October 2026"
    assert box.select_one("li.poll-lead .poll-label").get_text() == "Falls"


def test_a_poll_on_a_quoted_post_is_shown_in_the_quote(poll_site: PollSite) -> None:
    box = poll_box(poll_site.page("fx"), 2, quoted=True)
    assert options(box) == ["Higher 18 votes , 18%", "Lower 82 votes , 82%"]
    assert summary(box).startswith("Final results · 100 votes")


def test_hidden_mastodon_counts_are_said_to_be_hidden_not_zero(poll_site: PollSite) -> None:
    box = poll_box(poll_site.page("masto"), 1)
    assert options(box) == [
        "Potassium count not shown",
        "Phosphate count not shown",
        "Magnesium count not shown",
    ]
    assert "57 votes" in summary(box)
    assert "did not show the counts" in box.get_text()


def test_no_note_yet_and_nothing_in_the_credibility_panel(poll_site: PollSite) -> None:
    page = poll_site.page("fx")
    assert not page.select(".community-note")
    assert "Community notes" not in page.select_one(".credibility").get_text()


# -- the refresh ----------------------------------------------------------------------------------


def test_a_refresh_finalises_the_counts_and_brings_the_note_and_a_stale_one_undoes_nothing(
    poll_site: PollSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    replay = poll_site.replay
    replay.answers = answers(replay, later=True)
    assert refresh(poll_site, monkeypatch) == 0
    said = capsys.readouterr().out
    assert "poll in post 1 now final, community note new on post 3" in said, said
    fx = poll_site.snapshot("fx")
    poll = fx.posts[0].poll
    assert poll is not None and poll.final and [o.votes for o in poll.options] == [412, 97, 38, 61]
    note = fx.posts[2].community_note
    assert note is not None and note.text.startswith("The albumin correction is an estimate")
    masto = poll_site.snapshot("masto").posts[0].poll
    assert masto is not None and masto.final and [o.votes for o in masto.options] == [61, 24, 40]

    poll_site.rebuild()
    page = poll_site.page("fx")
    assert summary(poll_box(page, 1)).startswith("Final results · 608 votes")
    noted = page.select_one("#post-3 .community-note")
    assert noted is not None and "The albumin correction is an estimate" in noted.get_text()
    assert noted["role"] == "note"
    panel = page.select_one(".credibility").get_text(" ")
    assert "Community notes" in panel and "post 3" in panel
    shares = options(poll_box(poll_site.page("masto"), 1))
    # Multiple choice: shares of the 88 people who voted, so they add up to more than 100 %.
    assert shares == [
        "Potassium 61 votes , 69%",
        "Phosphate 24 votes , 27%",
        "Magnesium 40 votes , 45%",
    ]
    assert "125 votes from 88 people" in summary(poll_box(poll_site.page("masto"), 1))

    # A stale answer (the poll open again, counts hidden, the note gone) changes nothing.
    replay.answers = answers(replay, later=False)
    assert refresh(poll_site, monkeypatch) == 0
    assert poll_site.snapshot("fx").posts[0].poll == poll
    assert poll_site.snapshot("fx").posts[2].community_note == note
    assert poll_site.snapshot("masto").posts[0].poll == masto


def test_poll_options_reach_the_feed(poll_site: PollSite) -> None:
    feeds = list((poll_site.output / "feeds").glob("*.xml"))
    assert feeds
    text = " ".join(f.read_text(encoding="utf-8") for f in feeds)
    assert "Depends on albumin" in text and "Final results" in text
