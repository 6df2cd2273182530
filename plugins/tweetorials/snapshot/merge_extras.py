"""Merge rules for what a post carries besides its text: polls and Community Notes.

Kept apart from :mod:`tweetorials.snapshot.merge` because their "better" is not "non-empty":

* A poll's counts change while it is open. A refresh should show the latest counts, and the
  final ones once the poll has closed, but a refresh may also come back *worse*: from a mirror
  that hides the counts, from a cache older than the archive, or (FxTwitter after the poll
  closed) with counts that are no longer final because a different door answered. So the
  archived poll is replaced only by one that ranks at least as high on (has every count, is
  final, was counted later), and final counts, once recorded, stay as they were.
* A Community Note is context readers of the original saw. A later note replaces an earlier
  one (notes are edited and re-rated), but a note that disappears upstream stays archived.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from .model import CommunityNote, Poll, Thread

__all__ = ["describe_extras", "merge_community_note", "merge_poll"]


def merge_poll(old: Poll | None, new: Poll | None) -> Poll | None:
    """The poll to archive when ``old`` was on disk and a fetch found ``new``."""
    if new is None:
        return copy.deepcopy(old)
    if old is None:
        return new
    if old.final and old.has_counts:
        return copy.deepcopy(old)  # the results; nothing later can improve them
    if _rank(new) < _rank(old):
        return replace(copy.deepcopy(old), ends_at=old.ends_at or new.ends_at)
    return replace(new, ends_at=new.ends_at or old.ends_at)


def _rank(poll: Poll) -> tuple[bool, bool, str]:
    """Which of two answers describes the poll better: counts shown beat counts hidden, final
    beats interim, later beats earlier (ISO 8601 times in UTC sort as text)."""
    return (poll.has_counts, poll.final, poll.counted_at or "")


def merge_community_note(
    old: CommunityNote | None, new: CommunityNote | None
) -> CommunityNote | None:
    """The note to archive: the newest text, keeping a date only the archive knew."""
    if new is None:
        return copy.deepcopy(old)
    if old is None or new.created_at:
        return new
    return replace(new, created_at=old.created_at)


def describe_extras(thread: Thread, old: Thread | None = None) -> str:
    """What a fetch report says about polls and notes: ``"1 poll (final), 1 community note"``
    for a first fetch; for a refresh only what changed (``"poll in post 1 now final"``,
    ``"community note new on post 3"``). Empty when there is nothing to say.

    A maintainer reading ``tweetorials fetch`` should learn that a refresh finalised a poll or
    brought a note without opening the page.
    """
    before = {p.id: p for p in old.posts} if old is not None else None
    parts: list[str] = []
    polls = [(n, p.poll) for n, p in enumerate(thread.posts, start=1) if p.poll is not None]
    notes = [n for n, p in enumerate(thread.posts, start=1) if p.community_note is not None]
    if before is None:
        if polls:
            final = sum(1 for _, poll in polls if poll.final)
            parts.append(f"{_count(len(polls), 'poll')} ({final} final)")
        if notes:
            parts.append(_count(len(notes), "community note"))
        return ", ".join(parts)
    for n, post in enumerate(thread.posts, start=1):
        was = before.get(post.id)
        old_poll = was.poll if was is not None else None
        if post.poll is not None and (old_poll is None or _tally(post.poll) != _tally(old_poll)):
            if old_poll is None:
                parts.append(f"poll in post {n} new")
            elif not old_poll.final:
                state = "now final" if post.poll.final else "counts updated"
                parts.append(f"poll in post {n} {state}")
        if post.community_note is not None and (was is None or was.community_note is None):
            parts.append(f"community note new on post {n}")
    return ", ".join(parts)


def _tally(poll: Poll) -> tuple[list[tuple[str, int | None]], bool]:
    """What a reader sees of a poll's counts (not when they were read)."""
    return [(o.label, o.votes) for o in poll.options], poll.final


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
