"""Long X posts: whichever source has the whole text wins over the one that cut it.

X's syndication API cuts a long post ("note tweet") at about 280 characters and sends only
the note's id, so a thread rebuilt by the syndication walk has its long posts cut
(``Post.truncated``). FxTwitter's ``/2/status/ID`` carries the full text: each cut post is
asked for there, once, and keeps the cut text (still marked, so the page says so) when that
fails too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ...snapshot import Post
from .x_parse import is_fxtwitter_tombstone, post_from_fxtwitter

__all__ = ["MAX_FULL_TEXT_REQUESTS", "fill_cut_posts"]

#: At most this many extra requests per thread: a guard, not a limit a real thread reaches.
MAX_FULL_TEXT_REQUESTS = 25

#: ``status(post_id)``: FxTwitter's status object for a post, or None when it has none.
StatusLookup = Callable[[str], Any]


def fill_cut_posts(posts: Iterable[Post], status: StatusLookup) -> int:
    """Replace the text of every cut post for which ``status`` has the whole; returns how many.

    A post whose full text cannot be had stays ``truncated`` (the page then says the
    platform shortened it and links to the original).
    """
    filled = 0
    for asked, post in enumerate(p for p in posts if p.truncated):
        if asked >= MAX_FULL_TEXT_REQUESTS:
            break
        found = status(post.id)
        if not isinstance(found, dict) or is_fxtwitter_tombstone(found):
            continue
        try:
            whole = post_from_fxtwitter(found)
        except ValueError:
            continue
        if whole.id != post.id or len(whole.text) <= len(post.text):
            continue
        post.text, post.html, post.truncated = whole.text, whole.html, False
        filled += 1
    return filled
