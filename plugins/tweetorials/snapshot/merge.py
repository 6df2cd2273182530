"""Merging a fresh copy of a thread into the archived snapshot without ever losing content.

It lives with the snapshot, not in fetch/, because every writer of snapshots needs it: the
network fetch and the offline importers of rescue/ alike, and the importers must not import
network code.

A snapshot may be the only copy left of a thread, and a re-fetch often knows *less* than the
archive: a post was deleted, the API cut a long text, an image lost its alt text, a mirror
dropped the quoted post. The rule is simple: a re-fetch can add and improve, never take away.

* Posts present in the fetch are updated and stamped ``last_seen = now``.
* Posts in the archive but absent from the fetch keep their text and media, become
  ``"deleted"`` (unless already marked otherwise) and keep the ``last_seen`` of the last fetch
  that saw them; they stay where they were in the thread.
* Full text beats cut text; non-empty alt text beats empty; an image or video the media
  pipeline has already archived keeps its local files while its URL is unchanged; a quote,
  link card, media list or post language that disappeared is kept from the archive.
* Polls and Community Notes follow :mod:`tweetorials.snapshot.merge_extras`: later or final
  counts replace interim ones, never the other way round, and nothing recorded is erased.
* The thread's ``caveats`` are the latest fetch's own: a complete fetch clears them.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from .merge_extras import merge_community_note, merge_poll
from .model import Author, LinkCard, Media, Post, Thread

__all__ = ["merge", "same_content"]


def merge(old: Thread | None, new: Thread, now: str) -> Thread:
    """The thread to archive after fetching ``new`` where ``old`` was on disk (``None``: none).

    Neither argument is modified. ``now`` is the ISO 8601 time of this fetch.
    """
    fresh = copy.deepcopy(new)
    for post in fresh.posts:
        if post.status == "ok":
            post.last_seen = now
        _stamp_poll_counts(post, now)
    fresh.fetched_at = now
    if old is None:
        return fresh

    archived = {post.id: post for post in old.posts}
    merged = [_merge_post(archived.get(post.id), post) for post in fresh.posts]
    _keep_missing_posts(old, merged)
    fresh.posts = merged
    fresh.author = _merge_author(old.author, fresh.author)
    fresh.note = fresh.note or old.note
    return fresh


def same_content(a: Thread, b: Thread) -> bool:
    """True when the two differ at most in fetch times (``fetched_at``, ``last_seen``, and a
    poll's ``counted_at`` when its counts did not change) and in the fetch's caveats, which
    describe the fetch rather than the thread."""
    return _without_times(a) == _without_times(b)


# -- posts ---------------------------------------------------------------------------------


def _merge_post(old: Post | None, new: Post) -> Post:
    if old is None:
        return new
    if new.status != "ok":
        # The platform answered with a tombstone for this post: keep what we archived.
        kept = copy.deepcopy(old)
        kept.status = new.status
        return kept
    post = new
    if (new.truncated and not old.truncated) or (not new.text.strip() and old.text.strip()):
        post.text, post.html, post.truncated = old.text, old.html, old.truncated
    post.media = _merge_media_list(old.media, new.media)
    if new.quote is None:
        post.quote = copy.deepcopy(old.quote)
    elif old.quote is not None and old.quote.id == new.quote.id:
        post.quote = _merge_post(old.quote, new.quote)
    post.card = _merge_card(old.card, new.card)
    post.poll = merge_poll(old.poll, new.poll)
    post.community_note = merge_community_note(old.community_note, new.community_note)
    post.created_at = new.created_at or old.created_at
    post.lang = new.lang or old.lang
    if new.author is not None and old.author is not None:
        post.author = _merge_author(old.author, new.author)
    elif new.author is None:
        post.author = copy.deepcopy(old.author)
    return post


def _stamp_poll_counts(post: Post, now: str) -> None:
    """A fetched poll whose platform did not say when it counted was counted now."""
    for each in (post, post.quote):
        if each is not None and each.poll is not None and not each.poll.counted_at:
            each.poll.counted_at = now


def _keep_missing_posts(old: Thread, merged: list[Post]) -> None:
    """Put archived posts the fetch did not return back where they were, marked as gone."""
    present = {post.id for post in merged}
    placed_after: str | None = None  # id of the post the next missing one follows
    for archived in old.posts:
        if archived.id in present:
            placed_after = archived.id
            continue
        kept = copy.deepcopy(archived)
        if kept.status == "ok":
            kept.status = "deleted"
        kept.last_seen = archived.last_seen or old.fetched_at
        index = 0
        if placed_after is not None:
            index = next(i for i, p in enumerate(merged) if p.id == placed_after) + 1
        merged.insert(index, kept)
        present.add(kept.id)
        placed_after = kept.id


# -- media, cards, authors -----------------------------------------------------------------


def _merge_media_list(old: list[Media], new: list[Media]) -> list[Media]:
    if not new:
        # Posts do not lose their pictures; an API that returns none is the worse answer.
        return copy.deepcopy(old)
    by_url = {media.url: media for media in old}
    return [_merge_media(by_url.get(media.url), media) for media in new]


def _merge_media(old: Media | None, new: Media) -> Media:
    if old is None:
        return new
    video = new.video or copy.deepcopy(old.video)
    return replace(
        new,
        alt=new.alt if new.alt.strip() else old.alt,
        width=new.width if new.width is not None else old.width,
        height=new.height if new.height is not None else old.height,
        link=new.link or old.link,
        local=new.local or copy.deepcopy(old.local),
        error=new.error if new.local is not None else (new.error or old.error),
        video=video,
        video_error=None if video is not None else (new.video_error or old.video_error),
    )


def _merge_card(old: LinkCard | None, new: LinkCard | None) -> LinkCard | None:
    if new is None:
        return copy.deepcopy(old)
    if old is None or old.url != new.url:
        return new
    image = new.image
    if image is None:
        image = copy.deepcopy(old.image)
    elif old.image is not None and old.image.url == image.url:
        image = _merge_media(old.image, image)
    return replace(
        new,
        title=new.title or old.title,
        description=new.description or old.description,
        image=image,
    )


def _merge_author(old: Author, new: Author) -> Author:
    """Take the current name and handle, but keep a processed avatar while its URL is the same."""
    if new.avatar is None and old.avatar is not None and new.avatar_url == old.avatar_url:
        return replace(new, avatar=copy.deepcopy(old.avatar))
    return new


def _without_times(thread: Thread) -> dict[str, Any]:
    data = thread.to_dict()
    data.pop("fetched_at", None)
    data.pop("caveats", None)
    for post in data["posts"]:
        for each in (post, post.get("quote") or {}):
            each.pop("last_seen", None)
            if each.get("poll"):
                each["poll"].pop("counted_at", None)  # unchanged counts read again
    return data
