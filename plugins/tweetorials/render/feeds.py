"""Feed entries that say exactly what the thread page says.

Pelican treats an article's title and summary as HTML: its feed writer strips tags from the
title and sends the summary as HTML. A thread's title and summary are plain text written by
strangers, so ``Na<sup>+</sup>`` or ``</script>`` in a title would be cut out of the feed's
title, and ``<b>`` in a summary would become markup in a feed reader. This ``feed_generated``
handler puts the plain title back and HTML-escapes the summary for every thread entry
(feedgenerator then XML-escapes both, as for any text).

It also makes in-page links absolute: a thread body links its posts as ``href="#post-3"``,
which a feed reader resolves against the feed's own address, so in an entry's content they
become the entry's link plus the fragment.
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["FEED_TEXT_KEY", "fix_feed_items"]

#: Context key: ``{article.url: (title, summary)}`` for the thread articles, set by enrich.
FEED_TEXT_KEY = "_TWEETORIALS_FEED_TEXT"


_FRAGMENT_LINK = re.compile(r"""(\shref=["'])#""")


def fix_feed_items(context: dict[str, Any], feed: Any) -> None:
    texts: dict[str, tuple[str, str]] = context.get(FEED_TEXT_KEY) or {}
    for item in feed.items:
        link = str(item.get("link") or "").removesuffix("?ref=feed")
        if link and item.get("content"):
            item["content"] = _absolute_fragments(item["content"], link)
        match = next((texts[url] for url in texts if url and link.endswith("/" + url)), None)
        if match is None:
            continue
        title, summary = match
        item["title"] = title
        if item.get("description") is not None:
            item["description"] = html.escape(summary, quote=False)


def _absolute_fragments(content: str, link: str) -> str:
    """``href="#post-3"`` -> ``href="https://site/threads/slug/#post-3"``."""
    prefix = html.escape(link)
    return _FRAGMENT_LINK.sub(lambda m: f"{m.group(1)}{prefix}#", content)
