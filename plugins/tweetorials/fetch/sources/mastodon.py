"""Mastodon: the author's own thread, read from the post's own server without an account.

``GET /api/v1/statuses/ID`` gives the post, ``GET /api/v1/statuses/ID/context`` its
``ancestors`` and ``descendants``. We keep the author's chain: ancestors by the same account up
to the first post, then the replies to that chain by the same account (the earliest when the
author replied twice to one post).

Logged-out readers get a capped context (about 40 ancestors and 60 descendants, the nearest
ones), so a long thread is cut. :func:`author_chain` therefore asks for the context again from
the last chain post it could reach (or the first, going up) until nothing new appears, within
:data:`MAX_CONTEXT_QUERIES`; it skips that extra request when the post's ``replies_count``
says we already hold all its replies.

Every server is asked directly (``https://HOST``), unless ``api_override`` (the
``TWEETORIALS_MASTODON_API`` setting) replaces scheme and host, for mirrors and for tests
against a local replay server. The parsing functions are pure and tested on recorded answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import urljoin

from ...json_fields import as_dict, dimensions, stripped
from ...languages import language_tag
from ...mastodon_html import content_to_html_and_text, with_content_warning
from ...platforms import PostRef
from ...sanitize import is_safe_url, split_url
from ...snapshot import Author, LinkCard, Media, Post, Thread
from ...snapshot.model import VideoVariant
from ...snapshot.times import iso_utc, utc_now
from ..errors import BadResponse, BadStatus, FetchError, NotFound, ThreadUnavailable
from ..http import PoliteClient
from .polls import poll_from_mastodon

__all__ = [
    "MAX_CONTEXT_QUERIES",
    "MastodonSource",
    "author_chain",
    "author_from_account",
    "post_from_status",
    "thread_from_chain",
]

SOURCE_NAME = "mastodon-api"

#: Context requests per thread at most (each reveals up to ~40 ancestors or ~60 descendants).
MAX_CONTEXT_QUERIES = 25

Status = dict[str, Any]


class MastodonSource:
    """Fetches a Mastodon thread from its server, or from ``api_override`` when set."""

    platform: ClassVar[str] = "mastodon"

    def __init__(self, client: PoliteClient, *, api_override: str | None = None) -> None:
        self.client = client
        self.api_override = api_override.rstrip("/") if api_override else None

    def fetch(self, ref: PostRef, *, last: PostRef | None = None) -> Thread:
        """The author's thread that ``ref`` belongs to; ``last`` is not needed here.

        Raises :class:`ThreadUnavailable` when the post is gone or not public, and
        :class:`FetchError` when the server needs a login or answers something unusable.
        """
        base = self.api_override or f"https://{ref.host}"
        status = self._get(f"{base}/api/v1/statuses/{ref.post_id}", ref)
        if (
            not isinstance(status, dict)
            or _id(status.get("id")) is None
            or _account_id(status) is None
        ):
            raise BadResponse(f"{ref.host} answered without a usable status for {ref.url}")
        reblog = status.get("reblog")
        if isinstance(reblog, dict):
            original = reblog.get("url") or reblog.get("uri") or "the original post"
            raise FetchError(
                f"{ref.url} is a boost of someone else's post, not a thread; put the original "
                f"post's URL in threads.yaml instead ({original})",
                url=ref.url,
            )

        def context(status_id: str) -> dict[str, Any]:
            data = self._get(f"{base}/api/v1/statuses/{status_id}/context", ref)
            if not isinstance(data, dict):
                raise BadResponse(f"{ref.host} answered without a context for {ref.url}")
            return data

        chain = author_chain(status, context)
        return thread_from_chain(chain, server=ref.host, fetched_at=utc_now())

    def _get(self, url: str, ref: PostRef) -> Any:
        try:
            return self.client.get_json(url)
        except NotFound as exc:
            raise ThreadUnavailable(
                f"the Mastodon post {ref.url} was deleted, is not public, or never existed "
                f"(HTTP {exc.status} from {ref.host})",
                url=exc.url,
            ) from exc
        except BadStatus as exc:
            if exc.status == 401:
                raise FetchError(
                    f"{ref.host} requires login to read posts through its API (HTTP 401), so "
                    "this thread cannot be fetched without an account; archive it by hand "
                    "(platform: manual) instead",
                    url=exc.url,
                ) from exc
            raise


# -- the author's chain ----------------------------------------------------------------------


def author_chain(
    focus: Status,
    get_context: Callable[[str], dict[str, Any]],
    *,
    max_queries: int = MAX_CONTEXT_QUERIES,
) -> list[Status]:
    """The statuses of the author's own chain through ``focus``, in reading order.

    ``get_context(id)`` returns ``/api/v1/statuses/ID/context``; it is called for ``focus``
    and then again from the chain's current top or end while the capped context may be
    hiding more of the chain, at most ``max_queries`` times in all.
    """
    walk = _ContextWalk(focus, get_context, max_queries)
    walk.up()
    walk.down()
    return walk.chain


class _ContextWalk:
    """The statuses learnt from the context queries so far, and the chain built from them."""

    def __init__(
        self, focus: Status, get_context: Callable[[str], dict[str, Any]], max_queries: int
    ) -> None:
        self.account = _account_id(focus)
        self.get_context = get_context
        self.max_queries = max_queries
        self.known: dict[str, Status] = {}
        self.queried: set[str] = set()
        focus_id = _id(focus["id"]) or ""
        self.known[focus_id] = focus
        self.learn(focus_id)
        self.chain = [focus]
        self.in_chain = {focus_id}

    def learn(self, status_id: str) -> bool:
        """Ask for the context of ``status_id``; True when it told us of new statuses."""
        if status_id in self.queried or len(self.queried) >= self.max_queries:
            return False
        self.queried.add(status_id)
        data = self.get_context(status_id)
        before = len(self.known)
        for key in ("ancestors", "descendants"):
            for status in data.get(key) or ():
                sid = _id(status.get("id")) if isinstance(status, dict) else None
                if sid is not None and sid not in self.known:
                    self.known[sid] = status
        return len(self.known) > before

    def up(self) -> None:
        """Parents by the same account, asking again from the top when the parent is unknown."""
        while True:
            top = self.chain[0]
            parent_id = _id(top.get("in_reply_to_id"))
            if parent_id is None or parent_id in self.in_chain:
                return
            parent_account = _id(top.get("in_reply_to_account_id"))
            if parent_account is not None and parent_account != self.account:
                return
            parent = self.known.get(parent_id)
            if parent is None:
                if self.learn(_id(top["id"]) or ""):
                    continue
                return
            if _account_id(parent) != self.account:
                return
            self.chain.insert(0, parent)
            self.in_chain.add(parent_id)

    def down(self) -> None:
        """The author's own reply to the last post, asking again from there when cut."""
        while True:
            last = self.chain[-1]
            last_id = _id(last["id"]) or ""
            replies = [s for s in self.known.values() if _id(s.get("in_reply_to_id")) == last_id]
            own = [
                s
                for s in replies
                if _account_id(s) == self.account and _id(s["id"]) not in self.in_chain
            ]
            if own:
                chosen = min(own, key=_reply_order)
                self.chain.append(chosen)
                self.in_chain.add(_id(chosen["id"]) or "")
                continue
            if _all_replies_known(last, replies) or not self.learn(last_id):
                return


def _all_replies_known(status: Status, replies: list[Status]) -> bool:
    count = status.get("replies_count")
    return isinstance(count, int) and not isinstance(count, bool) and len(replies) >= count


def _id(value: Any) -> str | None:
    """Status and account ids as strings (Mastodon 1.x sent numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str) and str(value).strip():
        return str(value).strip()
    return None


def _account_id(status: Status) -> str | None:
    account = status.get("account")
    if not isinstance(account, dict):
        return None
    return _id(account.get("id")) or _id(account.get("acct"))


def _reply_order(status: Status) -> tuple[str, int, str]:
    sid = _id(status.get("id")) or ""
    return iso_utc(status.get("created_at")) or "~", len(sid), sid


# -- JSON -> snapshot types ------------------------------------------------------------------


def thread_from_chain(chain: list[Status], *, server: str, fetched_at: str | None = None) -> Thread:
    """The snapshot :class:`Thread` for a chain from :func:`author_chain` on ``server``."""
    if not chain:
        raise ValueError("a thread needs at least one post")
    posts = [post_from_status(status, server=server) for status in chain]
    for post in posts:
        post.author = None  # the thread's author; only quoted posts name theirs
    return Thread(
        platform="mastodon",
        url=posts[0].url,
        author=author_from_account(chain[0].get("account") or {}, server=server),
        posts=posts,
        fetched_at=fetched_at,
        source=SOURCE_NAME,
    )


def author_from_account(account: dict[str, Any], *, server: str) -> Author:
    """An :class:`Author` with the handle ``user@host`` (``acct`` omits the host for locals)."""
    base = f"https://{server}/"
    url = _absolute(account.get("url"), base)
    acct = stripped(account.get("acct")) or stripped(account.get("username"))
    parts = split_url(url) if url else None
    host = parts.hostname if parts else None
    handle = acct if "@" in acct else f"{acct}@{host or server}"
    name = stripped(account.get("display_name")) or stripped(account.get("username")) or acct
    return Author(
        name=name,
        handle=handle,
        url=url or f"https://{server}/@{acct}",
        avatar_url=_absolute(account.get("avatar"), base),
    )


def post_from_status(status: Status, *, server: str, nested: bool = False) -> Post:
    """A :class:`Post` from a Status entity; ``author`` is always filled.

    A quote (Mastodon 4.5 ``quote.quoted_status``) is kept one level deep.
    """
    base = f"https://{server}/"
    quote = None if nested else _quote(status.get("quote"), server)
    html, text = content_to_html_and_text(
        stripped(status.get("content")), drop_quote_inline=quote is not None
    )
    html, text = with_content_warning(html, text, stripped(status.get("spoiler_text")))
    sid = _id(status.get("id")) or ""
    url = _absolute(status.get("url"), base) or _absolute(status.get("uri"), base) or ""
    return Post(
        id=sid,
        url=url,
        created_at=iso_utc(status.get("created_at")),
        text=text,
        html=html,
        media=_media(status.get("media_attachments"), base),
        quote=quote,
        card=_card(status.get("card"), base),
        author=author_from_account(status.get("account") or {}, server=server),
        lang=language_tag(status.get("language")),
        poll=poll_from_mastodon(status.get("poll")),
    )


def _quote(quote: Any, server: str) -> Post | None:
    if not isinstance(quote, dict) or quote.get("state") != "accepted":
        return None
    quoted = quote.get("quoted_status")
    if not isinstance(quoted, dict) or _id(quoted.get("id")) is None:
        return None
    return post_from_status(quoted, server=server, nested=True)


def _media(attachments: Any, base: str) -> list[Media]:
    """Pictures, GIFs and videos (the last two as their preview image plus a link)."""
    out = []
    for item in attachments or ():
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        full = _absolute(item.get("url"), base) or _absolute(item.get("remote_url"), base)
        preview = _absolute(item.get("preview_url"), base)
        meta = as_dict(item.get("meta"))
        width, height = dimensions(meta.get("original"))
        if (width, height) == (None, None):
            width, height = dimensions(meta.get("small"))
        alt = stripped(item.get("description"))
        picture = full or preview
        if kind == "image" and picture:
            out.append(Media("image", picture, alt, width, height))
        elif kind in ("gifv", "video") and preview:
            name = "gif" if kind == "gifv" else "video"
            original = as_dict(meta.get("original"))
            variants = [_variant(full, original)] if full else []
            out.append(Media(name, preview, alt, width, height, link=full, variants=variants))
    return out


def _variant(url: str, original: dict[str, Any]) -> VideoVariant:
    """The one MP4 Mastodon serves (it transcodes every upload), with the bitrate and
    duration from ``meta.original`` so the fetch can tell a video over the cap unseen."""
    bitrate, duration = original.get("bitrate"), original.get("duration")
    if not (isinstance(bitrate, int) and not isinstance(bitrate, bool) and bitrate > 0):
        bitrate = None
    if not (isinstance(duration, int | float) and not isinstance(duration, bool) and duration > 0):
        duration = None
    return VideoVariant(url, bitrate, float(duration) if duration else None)


def _card(card: Any, base: str) -> LinkCard | None:
    if not isinstance(card, dict) or not is_safe_url(card.get("url")):
        return None
    image_url = _absolute(card.get("image"), base)
    width, height = dimensions(card)
    image = (
        Media("image", image_url, stripped(card.get("image_description")), width, height)
        if image_url
        else None
    )
    return LinkCard(
        url=card["url"],
        title=stripped(card.get("title")),
        description=stripped(card.get("description")),
        image=image,
    )


def _absolute(value: Any, base: str) -> str | None:
    """An http(s) URL, resolving server-relative paths (old servers send ``/avatars/...``)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        url = urljoin(base, value.strip())
    except ValueError:  # "https://[::1/": an address that does not parse
        return None
    return url if is_safe_url(url) else None
