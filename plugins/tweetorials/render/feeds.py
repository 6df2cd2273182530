"""Feed entries that say exactly what the thread page says, with honest dates and ids.

Pelican treats an article's title and summary as HTML: its feed writer strips tags from the
title and sends the summary as HTML. A thread's title and summary are plain text written by
strangers, so ``Na<sup>+</sup>`` or ``</script>`` in a title would be cut out of the feed's
title, and ``<b>`` in a summary would become markup in a feed reader. This ``feed_generated``
handler puts the plain title back and HTML-escapes the summary for every thread entry
(feedgenerator then XML-escapes both, as for any text).

Dates: Pelican sends an article's date as Atom ``published``; a thread whose posting date is
unknown is dated by the day it was added, which would be a false posting date. So a thread
entry gets ``published`` only for a real posting date, and ``updated`` is the day it was
archived.

Addresses: every feed shares Pelican's ``<id>`` (the site's address), which RFC 4287 forbids,
so each feed's id becomes its own address. A local build (empty ``SITEURL``) gave relative
links, which a reader resolves against the feed's folder, and ids such as ``tag:None,...``;
there, links and ids are made from ``FEED_DOMAIN`` (the ``make serve`` address) instead.
In-page links (``href="#post-3"``) in an entry's content become the entry's link plus the
fragment, since a feed reader would resolve them against the feed.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

__all__ = ["FEED_TEXT_KEY", "FeedText", "fix_feed_items", "tag_uri"]

#: Context key: ``{article.url: FeedText}`` for the thread articles, set by enrich.
FEED_TEXT_KEY = "_TWEETORIALS_FEED_TEXT"

_FRAGMENT_LINK = re.compile(r"""(\shref=["'])#""")


@dataclass(frozen=True)
class FeedText:
    """What a thread's feed entry says, taken from its page rather than from Pelican."""

    title: str
    summary: str
    posted: dt.datetime | None  # the real posting date, or None when it is not known
    archived: dt.datetime | None  # when the snapshot was made (or the catalog added it)


def fix_feed_items(context: dict[str, Any], feed: Any) -> None:
    """``feed_generated`` handler: ids, absolute links, plain text and honest dates."""
    base = _site_root(context)
    _fix_feed_id(feed, base)
    texts: dict[str, FeedText] = context.get(FEED_TEXT_KEY) or {}
    for item in feed.items:
        link = _absolute(str(item.get("link") or ""), base)
        if link != item.get("link"):
            item["link"] = link
            item["unique_id"] = tag_uri(link, item.get("pubdate"))
        page = link.removesuffix("?ref=feed")
        if page and item.get("content"):
            item["content"] = _absolute_fragments(item["content"], page)
        text = _text_for(page, base, texts)
        if text is not None:
            _fix_thread_item(item, text)


def _text_for(page: str, base: str, texts: dict[str, FeedText]) -> FeedText | None:
    """The thread whose page is ``page``: looked up by its address under the site's root
    (a feed of 100 entries against 1,000 threads would otherwise compare 100,000 suffixes),
    else found by the suffix its URL gives the page."""
    if base and page.startswith(base):
        text = texts.get(page[len(base) :])
        if text is not None:
            return text
    return next((texts[url] for url in texts if url and page.endswith("/" + url)), None)


def tag_uri(link: str, date: dt.datetime | None) -> str:
    """The entry id Pelican gives (feedgenerator's ``get_tag_uri``, RFC 4151), written out
    here because feedgenerator has no type information: ``tag:host,YYYY-MM-DD:/path``."""
    parts = urlsplit(link)
    day = f",{date:%Y-%m-%d}" if date is not None else ""
    fragment = f"/{parts.fragment}" if parts.fragment else ""
    return f"tag:{parts.hostname}{day}:{parts.path}{fragment}"


def _fix_thread_item(item: dict[str, Any], text: FeedText) -> None:
    item["title"] = text.title
    if item.get("description") is not None:
        item["description"] = html.escape(text.summary, quote=False)
    item["pubdate"] = text.posted
    item["updateddate"] = text.archived or text.posted or item.get("updateddate")


def _fix_feed_id(feed: Any, base: str) -> None:
    own = str(feed.feed.get("feed_url") or "")
    if own.startswith(("https://", "http://")):
        feed.feed["id"] = own
    feed.feed["link"] = _absolute(str(feed.feed.get("link") or ""), base)


def _site_root(context: dict[str, Any]) -> str:
    """The absolute address of the site's root: SITEURL, else FEED_DOMAIN, else ""."""
    for key in ("SITEURL", "FEED_DOMAIN"):
        value = str(context.get(key) or "")
        if value.startswith(("https://", "http://")):
            return value.rstrip("/") + "/"
    return ""


def _absolute(link: str, base: str) -> str:
    if not base or link.startswith(("https://", "http://")):
        return link
    return urljoin(base, link.lstrip("/"))


def _absolute_fragments(content: str, link: str) -> str:
    """``href="#post-3"`` -> ``href="https://site/threads/slug/#post-3"``."""
    prefix = html.escape(link).replace("\\", "\\\\")  # a template: backslashes doubled
    return _FRAGMENT_LINK.sub(rf"\g<1>{prefix}#", content)  # expanded in C, not a lambda
