"""Finding the author's own thread in an export, through any of its posts, and only what was public.

An export holds every post of an account in no useful order. A thread is the chain of the
author's own replies to themselves: from any post of it we walk up through ``parent_id`` while
the parent is the author's, and down through the author's replies to each post. Replies by
other people (which X archives do not hold but Mastodon and Bluesky exports may) are not part
of the chain, so a reader's reply in the middle of a thread does not break it.

Only what was public is published. The walk stops *before* a post that was not (followers-only,
a direct message, a post from a time the account was protected) and says why in
:attr:`SelfThread.stops`; unlisted posts are public. When an author answered one of their posts
twice, the earlier answer continues the thread (that is how the platforms draw it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..platforms import UnsupportedURL, parse_post_url
from .errors import RefusedImport
from .export import AUDIENCE_WORDS, ArchivedPost, Export

__all__ = ["Candidate", "SelfThread", "candidates", "find_post", "self_thread"]


@dataclass
class SelfThread:
    """The chosen thread, in reading order, and why it stopped early (empty: it did not)."""

    posts: list[ArchivedPost]
    stops: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """A thread the source holds, for the list shown when ``--thread`` is needed."""

    id: str
    count: int
    created_at: str | None
    first_words: str


def find_post(export: Export, wanted: str) -> ArchivedPost:
    """The post ``--thread`` names: its id, its URL in any spelling, or refused in one line."""
    value = wanted.strip()
    keys = [value]
    with contextlib.suppress(UnsupportedURL):
        keys.insert(0, parse_post_url(value).post_id)
    for key in keys:
        if key in export.posts:
            return export.posts[key]
    by_url = {p.post.url.rstrip("/"): p for p in export.posts.values()}
    if value.rstrip("/") in by_url:
        return by_url[value.rstrip("/")]
    raise RefusedImport(f"--thread {wanted}: no post with that id or address is in the source")


def self_thread(export: Export, start: ArchivedPost) -> SelfThread:
    """The author's thread through ``start``; refused when ``start`` is not a public own post."""
    if not start.by_author:
        raise RefusedImport(
            f"post {start.post.id} was written by someone else; give a post of the author's thread"
        )
    if not start.is_public:
        raise RefusedImport(
            f"post {start.post.id} is {_audience(start)}: only public posts are imported"
        )
    return _walk(export, start, _own_children(export))


def _walk(
    export: Export, start: ArchivedPost, children: dict[str, list[ArchivedPost]]
) -> SelfThread:
    stops: list[str] = []
    chain = [start]
    seen = {start.post.id}
    # Up, towards the first post.
    node = start
    while node.parent_id is not None:
        parent = export.posts.get(node.parent_id)
        if parent is None or not parent.by_author or parent.post.id in seen:
            break
        if not parent.is_public:
            stops.append(
                f"the thread starts after post {parent.post.id}, which is {_audience(parent)}"
            )
            break
        chain.insert(0, parent)
        seen.add(parent.post.id)
        node = parent
    # Down, following the author's first answer to each post.
    node = start
    while True:
        following = [c for c in children.get(node.post.id, []) if c.post.id not in seen]
        if not following:
            break
        child = following[0]
        if not child.is_public:
            stops.append(
                f"the thread stops before post {child.post.id}, which is {_audience(child)}"
            )
            break
        chain.append(child)
        seen.add(child.post.id)
        node = child
    return SelfThread(chain, stops)


def candidates(export: Export) -> list[Candidate]:
    """Every thread of two or more public posts, longest first, then oldest first."""
    children = _own_children(export)
    found = []
    for post in export.posts.values():
        if not post.by_author or not post.is_public or _has_own_parent(export, post):
            continue
        if not any(c.is_public for c in children.get(post.post.id, [])):
            continue
        thread = _walk(export, post, children)
        found.append(
            Candidate(
                id=post.post.id,
                count=len(thread.posts),
                created_at=post.post.created_at,
                first_words=first_words(post.post.text),
            )
        )
    return sorted(found, key=lambda c: (-c.count, c.created_at or "", c.id))


def first_words(text: str, limit: int = 60) -> str:
    """The start of a post on one line, cut at a word, for lists people scan."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def _own_children(export: Export) -> dict[str, list[ArchivedPost]]:
    """The author's replies to each post, earliest first (ties broken by id, numerically)."""
    children: dict[str, list[ArchivedPost]] = {}
    for post in export.posts.values():
        if post.by_author and post.parent_id is not None:
            children.setdefault(post.parent_id, []).append(post)
    for replies in children.values():
        replies.sort(key=_order)
    return children


def _has_own_parent(export: Export, post: ArchivedPost) -> bool:
    parent = export.posts.get(post.parent_id) if post.parent_id else None
    return parent is not None and parent.by_author and parent.is_public


def _order(post: ArchivedPost) -> tuple[str, int, str]:
    return (post.post.created_at or "", len(post.post.id), post.post.id)


def _audience(post: ArchivedPost) -> str:
    return AUDIENCE_WORDS.get(post.audience, post.audience)


def describe(posts: Iterable[ArchivedPost]) -> str:
    """``12 posts`` / ``1 post``: how the command counts."""
    count = sum(1 for _ in posts)
    return f"{count} post{'s' * (count != 1)}"
