"""X (Twitter) threads without a paid API key.

Two public doors, tried in this order:

1. **FxTwitter** ``GET {fxtwitter_api}/2/thread/{id}``: the author's whole self-thread from any
   of its posts in one request, with full text of long posts and alt text. A third-party
   service that may vanish, so it is only the first try.
2. **Syndication** ``GET {syndication_api}/tweet-result?id=..&lang=en&token=..``: what X's own
   embeds use. One tweet per request and it names only the parent, never the replies, so the
   thread is rebuilt by walking **up** from its last post (the catalog's ``last:`` field, else
   the catalog URL itself) for as long as the parent was written by the same author.

Either way the result keeps only the author's own chain, in reading order. A deleted or
tombstoned first post makes the whole thread :class:`ThreadUnavailable`; any other failure is a
:class:`FetchError` that says what each door answered, and the runner keeps the snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, NoReturn

from ...json_fields import as_dict
from ...platforms import PostRef
from ...snapshot import Author, Post, Thread
from ...snapshot.times import format_utc
from ..errors import BadStatus, FetchError, NotFound, ThreadUnavailable
from ..http import PoliteClient
from .x_long_posts import fill_cut_posts
from .x_parse import (
    author_from_fxtwitter,
    author_from_syndication,
    fxtwitter_author_id,
    fxtwitter_tombstone_reason,
    is_fxtwitter_tombstone,
    post_from_fxtwitter,
    post_from_syndication,
    syndication_problem,
    syndication_user_id,
)
from .x_token import syndication_token

__all__ = ["MAX_THREAD_POSTS", "XSource"]

#: The longest chain we walk; a guard against loops and runaway reply chains.
MAX_THREAD_POSTS = 300


class _Gone(Exception):
    """Internal: this tweet is deleted, tombstoned or not public (the reason is the message)."""


class XSource:
    """Fetch X threads; see the module docstring for the strategy."""

    platform: ClassVar[str] = "x"

    def __init__(
        self,
        client: PoliteClient,
        *,
        fxtwitter_api: str,
        syndication_api: str,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.client = client
        self.fxtwitter_api = fxtwitter_api.rstrip("/")
        self.syndication_api = syndication_api.rstrip("/")
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    def fetch(self, ref: PostRef, *, last: PostRef | None = None) -> Thread:
        """The author's thread containing ``ref`` (ending at ``last`` when given), with the
        whole text of long posts that the syndication walk brought back cut."""
        thread = self._fetch(ref, last)
        fill_cut_posts(thread.posts, self._fxtwitter_status)
        return thread

    def _fetch(self, ref: PostRef, last: PostRef | None) -> Thread:
        try:
            thread, listed = self._from_fxtwitter(ref)
        except ThreadUnavailable:
            raise
        except FetchError as exc:
            first_error = exc
        else:
            return self._completed(thread, listed, ref, last)
        try:
            return self._from_syndication(ref, last)
        except ThreadUnavailable:
            raise
        except FetchError as exc:
            raise FetchError(
                f"FxTwitter failed ({first_error}); the syndication fallback failed too ({exc})",
                url=ref.url,
            ) from exc

    def _completed(
        self, thread: Thread, listed: bool, ref: PostRef, last: PostRef | None
    ) -> Thread:
        """FxTwitter's thread, completed up to ``last`` by the syndication walk when it stops
        short, with a caveat when it may still be short.

        FxTwitter answers 200 with ``thread: null`` (or a one-post list) when its accounts
        cannot read the conversation: that answer is the focal post alone, which must never
        pass for a whole thread.
        """
        if last is not None and last.post_id not in {p.id for p in thread.posts}:
            thread = self._complete_with_syndication(thread, last)
            if not listed and last.post_id not in {p.id for p in thread.posts}:
                thread.caveats.append(
                    "FxTwitter gave no thread list and the syndication walk up from `last:` "
                    f"did not reach {ref.url}; posts after the first may be missing"
                )
        elif not listed and last is None:
            thread.caveats.append(
                "FxTwitter gave no thread list; posts after the first may be missing; add "
                "`last: <URL of the thread's last post>` to this entry, then run "
                f"`tweetorials fetch --only {ref.url}`"
            )
        return thread

    # -- FxTwitter -----------------------------------------------------------------------------

    def _from_fxtwitter(self, ref: PostRef) -> tuple[Thread, bool]:
        """The thread FxTwitter gives, and whether it gave a list of several of the author's
        posts (False: only the focal post is known, see :meth:`_completed`).

        Kept in one piece: each answer FxTwitter is known to give (tombstone, error code,
        thread, single post) is handled in the order it is checked, as its docs list them.
        """
        url = f"{self.fxtwitter_api}/2/thread/{ref.post_id}"
        try:
            payload = self.client.get_json(url)
        except BadStatus as exc:
            if _tombstone_payload(exc.payload):
                self._unavailable(ref, fxtwitter_tombstone_reason(exc.payload["status"]))
            raise
        if not isinstance(payload, dict):
            raise FetchError(f"FxTwitter answered {type(payload).__name__}, not an object", url=url)
        status = payload.get("status")
        if is_fxtwitter_tombstone(status):
            self._unavailable(ref, fxtwitter_tombstone_reason(status))
        code = payload.get("code")
        if not isinstance(status, dict) or (isinstance(code, int) and code != 200):
            message = payload.get("message") if isinstance(payload.get("message"), str) else ""
            raise NotFound(
                f"FxTwitter has no post {ref.post_id} (code {code}{', ' + message if message else ''})",
                status=code if isinstance(code, int) else 404,
                url=url,
                payload=payload,
            )
        author = author_from_fxtwitter(payload.get("author")) or author_from_fxtwitter(
            status.get("author")
        )
        author_id = fxtwitter_author_id(status)
        if author is None or not author_id:
            raise FetchError(f"FxTwitter's answer for {ref.post_id} names no author", url=url)

        entries = payload.get("thread")
        chain = entries if isinstance(entries, list) and entries else [status]
        posts: dict[str, Post] = {}
        for entry in chain:
            # Tombstones inside the thread are posts gone upstream: simply absent here.
            if not isinstance(entry, dict) or is_fxtwitter_tombstone(entry):
                continue
            if fxtwitter_author_id(entry) != author_id:
                continue  # someone else's reply in the middle of the chain
            try:
                post = post_from_fxtwitter(entry)
            except ValueError:
                continue
            posts.setdefault(post.id, post)
        if ref.post_id not in posts:
            # The thread list left out the very post we asked for: use the focal status.
            try:
                posts[ref.post_id] = post_from_fxtwitter(status)
            except ValueError as exc:
                raise FetchError(
                    f"FxTwitter's answer for {ref.post_id} is unusable: {exc}", url=url
                ) from exc
        listed = isinstance(entries, list) and len(posts) > 1
        return self._thread(author, posts.values(), source="fxtwitter"), listed

    def _fxtwitter_status(self, post_id: str) -> Any:
        """FxTwitter's status object for one post, or None (any failure: the text stays cut)."""
        try:
            payload = self.client.get_json(f"{self.fxtwitter_api}/2/status/{post_id}")
        except FetchError:
            return None
        return payload.get("status") if isinstance(payload, dict) else None

    # -- syndication -----------------------------------------------------------------------------

    def _from_syndication(self, ref: PostRef, last: PostRef | None) -> Thread:
        start = last if last is not None and last.post_id != ref.post_id else None
        walked: list[dict[str, Any]] = []
        if start is not None:
            try:
                walked = self._walk_up(start.post_id)
            except _Gone:
                walked = []  # the last post is gone; the walk from the first one still works
        if not any(t.get("id_str") == ref.post_id for t in walked):
            # No `last`, or the walk broke before reaching the catalog URL (a deleted post in
            # between): walk from the catalog URL too and join both halves.
            try:
                head = self._walk_up(ref.post_id)
            except _Gone as gone:
                self._unavailable(ref, str(gone))
            if walked and syndication_user_id(walked[0]) != syndication_user_id(head[0]):
                walked = []  # `last` belongs to someone else; the catalog is wrong about it
            walked = head + walked
        author = author_from_syndication(walked[0])
        if author is None:
            raise FetchError(f"X's answer for {ref.post_id} names no author", url=ref.url)
        posts: dict[str, Post] = {}
        for tweet in walked:
            try:
                post = post_from_syndication(tweet)
            except ValueError:
                continue
            posts.setdefault(post.id, post)
        thread = self._thread(author, posts.values(), source="syndication")
        if last is None:  # with `last` equal to the URL, the thread is that one post
            thread.caveats.append(
                f"only {len(thread.posts)} post{'s' * (len(thread.posts) != 1)} archived: "
                "FxTwitter failed and X's syndication API only walks up from a thread's last "
                "post; add `last: <URL of the thread's last post>` to this entry, then run "
                f"`tweetorials fetch --only {ref.url}`"
            )
        return thread

    def _walk_up(
        self, tweet_id: str, stop_at: set[str] | frozenset[str] = frozenset()
    ) -> list[dict[str, Any]]:
        """Tweets from the top of the author's chain down to ``tweet_id``, oldest first.

        Raises :class:`_Gone` when ``tweet_id`` itself is unavailable. A parent that is gone
        ends the walk, except that the child's embedded copy of it (``parent``) is used when X
        sent one, so one deleted post does not hide the posts above it. ``stop_at`` ids are
        not fetched (they are known already).
        """
        tweet = self._syndication(tweet_id)
        chain = [tweet]
        author_id = syndication_user_id(tweet)
        seen = {tweet_id}
        while len(chain) < MAX_THREAD_POSTS:
            child = chain[-1]
            embedded = as_dict(child.get("parent"))
            parent_id = _digits(child.get("in_reply_to_status_id_str")) or _digits(
                embedded.get("id_str")
            )
            if not parent_id or parent_id in seen or parent_id in stop_at:
                break
            said_author = _digits(child.get("in_reply_to_user_id_str")) or syndication_user_id(
                embedded
            )
            if said_author and said_author != author_id:
                break  # a reply to someone else: the author's own chain starts here
            try:
                parent = self._syndication(parent_id)
            except _Gone:
                if not embedded or syndication_problem(embedded) is not None:
                    break
                parent = embedded
            if syndication_user_id(parent) != author_id:
                break
            seen.add(parent_id)
            chain.append(parent)
        chain.reverse()
        return chain

    def _syndication(self, tweet_id: str) -> dict[str, Any]:
        """One tweet from the syndication endpoint; :class:`_Gone` when it is not there."""
        url = f"{self.syndication_api}/tweet-result"
        params = {"id": tweet_id, "lang": "en", "token": syndication_token(tweet_id)}
        try:
            data = self.client.get_json(url, params=params)
        except NotFound as exc:
            raise _Gone(f"X says post {tweet_id} does not exist (HTTP {exc.status})") from exc
        problem = syndication_problem(data)
        if problem is not None:
            raise _Gone(f"post {tweet_id}: {problem}")
        return as_dict(data)

    def _complete_with_syndication(self, thread: Thread, last: PostRef) -> Thread:
        """FxTwitter stopped before the catalog's last post: walk up from it to what we have.

        Best effort: if the walk fails, FxTwitter's shorter thread is still a good answer.
        """
        known = {p.id for p in thread.posts}
        try:
            tail = self._walk_up(last.post_id, stop_at=known)
        except (_Gone, FetchError):
            return thread
        author_handle = thread.author.handle.lower()
        extra: list[Post] = []
        for tweet in tail:
            a = author_from_syndication(tweet)
            if a is None or a.handle.lower() != author_handle:
                continue
            try:
                extra.append(post_from_syndication(tweet))
            except ValueError:
                continue
        if not extra:
            return thread
        return self._thread(thread.author, [*thread.posts, *extra], source="fxtwitter+syndication")

    # -- shared ------------------------------------------------------------------------------

    def _thread(self, author: Author, posts: Iterable[Post], *, source: str) -> Thread:
        unique = {p.id: p for p in posts}
        ordered = sorted(unique.values(), key=lambda p: int(p.id))
        return Thread(
            platform=self.platform,
            url=ordered[0].url,
            author=author,
            posts=ordered,
            fetched_at=format_utc(self._now()),
            source=source,
        )

    def _unavailable(self, ref: PostRef, reason: str) -> NoReturn:
        raise ThreadUnavailable(
            f"the first post of {ref.url} is unavailable: {reason}", url=ref.url
        )


def _tombstone_payload(payload: Any) -> bool:
    return isinstance(payload, dict) and is_fxtwitter_tombstone(payload.get("status"))


def _digits(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text if text.isdigit() else ""
