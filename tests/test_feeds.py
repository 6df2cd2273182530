"""Every Atom feed read by feedparser, as a feed reader would: ids, links and honest dates.

RFC 4287 asks for a unique, permanent ``<id>`` per feed and per entry; a reader resolves a
relative link against the feed's own address (``/feeds/...``), so links must be absolute; and
``published`` is a claim about when the author posted, which the site must not invent.

Sample facts: the real thread (Ben Dralle's, archived from an unrolled copy) has no posting
date and was added on 2026-11-28; the anion gap sample was posted 2026-09-14T18:30:00Z and,
being hand-written, is archived as of the day it was added (2026-11-28).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from .conftest import PUBLISHED_URL

LOCAL_URL = "http://127.0.0.1:8000"  # pelicanconf.py's FEED_DOMAIN: the `make serve` address
UNDATED = "/threads/four-ways-social-media-helps-students-lead-change-in-high-value-care/"
DATED = "/threads/the-anion-gap-built-from-scratch/"
ADDED = dt.date(2026, 11, 28)


@pytest.fixture(scope="module", params=["local", "published"])
def feeds(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """``(site root URL, {feed path: parsed feed})`` for one of the two builds."""
    if request.param == "local":
        out, base = request.getfixturevalue("built_site"), LOCAL_URL
    else:
        out, base = request.getfixturevalue("published_site"), PUBLISHED_URL
    paths = sorted((out / "feeds").rglob("*.xml"))
    assert len(paths) >= 4  # everything, plus one per specialty
    return base, {p.relative_to(out).as_posix(): _parse(p) for p in paths}


def _parse(path: Path) -> Any:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.bozo_exception}"
    return parsed


def _entries(feeds: dict[str, Any], page: str) -> list[Any]:
    return [e for f in feeds.values() for e in f.entries if e.link.endswith(page)]


def _day(parsed: time.struct_time) -> dt.date:
    return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)


def test_each_feed_has_its_own_id_its_own_address(feeds: tuple[str, dict[str, Any]]) -> None:
    base, parsed = feeds
    ids = [f.feed.id for f in parsed.values()]
    assert len(set(ids)) == len(ids), ids
    for path, feed in parsed.items():
        assert feed.feed.id == f"{base}/{path}"
        assert [link.href for link in feed.feed.links if link.rel == "self"] == [feed.feed.id]


def test_entries_have_unique_ids_and_absolute_links(feeds: tuple[str, dict[str, Any]]) -> None:
    base, parsed = feeds
    host = urlsplit(base).hostname
    for path, feed in parsed.items():
        ids = [e.id for e in feed.entries]
        assert ids and len(set(ids)) == len(ids), path
        for entry in feed.entries:
            assert entry.id.startswith(f"tag:{host},"), entry.id  # never tag:None
            assert entry.link.startswith(base + "/threads/"), entry.link


def test_a_thread_without_a_posting_date_is_not_said_to_be_published(
    feeds: tuple[str, dict[str, Any]],
) -> None:
    _, parsed = feeds
    entries = _entries(parsed, UNDATED)
    assert len(entries) == 3  # all threads, value-care, policy
    for entry in entries:
        assert "published" not in entry, entry.get("published")
        assert _day(entry.updated_parsed) == ADDED  # the day it was archived


def test_a_dated_thread_is_published_when_posted_and_updated_when_archived(
    feeds: tuple[str, dict[str, Any]],
) -> None:
    _, parsed = feeds
    entries = _entries(parsed, DATED)
    assert len(entries) == 2  # all threads, pathophysiology
    for entry in entries:
        assert time.strftime("%Y-%m-%dT%H:%M", entry.published_parsed) == "2026-09-14T18:30"
        assert _day(entry.updated_parsed) == ADDED


def test_tag_uri_is_the_one_pelican_gives() -> None:
    """Local builds' ids are remade with :func:`tag_uri`; published ones stay Pelican's."""
    from feedgenerator import get_tag_uri
    from tweetorials.render.feeds import tag_uri

    when = dt.datetime(2026, 9, 14, 18, 30, tzinfo=dt.UTC)
    for link in ("https://a.example/lib/threads/x/", "http://127.0.0.1:8000/t/#post-2"):
        for date in (when, None):
            assert tag_uri(link, date) == get_tag_uri(link, date)
