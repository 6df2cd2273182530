"""The one interface every platform source implements.

A source turns a recognised post URL into a normalised :class:`~tweetorials.snapshot.Thread`.
It knows its platform's API and nothing about Pelican, the catalog or the files on disk; the
fetch runner decides when to call it and merges what it returns into the archive.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from ...platforms import PostRef
from ...snapshot import Thread

__all__ = ["Source"]


class Source(Protocol):
    platform: ClassVar[str]

    def fetch(self, ref: PostRef, *, last: PostRef | None = None) -> Thread:
        """Fetch the author's own thread that ``ref`` belongs to, in reading order.

        ``last`` is the thread's last post when the catalog names it (X's syndication API can
        only walk upwards). Raises :class:`~tweetorials.fetch.errors.ThreadUnavailable` when
        the whole thread is gone, :class:`~tweetorials.fetch.errors.FetchError` otherwise.
        Posts missing upstream are simply absent; the runner marks them in the archive.
        """
        ...
