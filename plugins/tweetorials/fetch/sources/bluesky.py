"""Bluesky: the author's own thread, read from the public AppView without an account.

Two requests per thread: ``com.atproto.identity.resolveHandle`` turns the handle in the URL
into a DID (skipped when the URL already names a DID), then ``app.bsky.feed.getPostThread``
returns the post with its ancestors (nested ``parent``) and its replies (a tree). From any post
of a thread we walk up while the parent is by the same author, then down along the author's own
replies; everyone else's replies are conversation, not the tweetorial.

The parsing half (:func:`author_chain`, :func:`thread_from_chain`, :func:`post_from_view`) is
pure: JSON in, snapshot types out, so it is tested against the AppView's recorded answers
without any HTTP at all.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, TypeGuard

from ...bluesky_facets import facets_to_html
from ...json_fields import dimensions, stripped
from ...languages import language_tag
from ...platforms import PostRef
from ...sanitize import is_safe_url
from ...snapshot import Author, LinkCard, Media, Post, Thread
from ...snapshot.times import iso_utc, utc_now
from ..errors import BadResponse, BadStatus, ThreadUnavailable
from ..http import PoliteClient

__all__ = [
    "DEFAULT_API",
    "NO_UNAUTHENTICATED",
    "BlueskySource",
    "author_chain",
    "author_from_profile",
    "post_from_view",
    "post_url",
    "thread_from_chain",
]

DEFAULT_API = "https://public.api.bsky.app"
SOURCE_NAME = "bluesky-appview"

#: The self-label an author sets to ask that logged-out readers are not shown their posts.
NO_UNAUTHENTICATED = "!no-unauthenticated"

#: How far ``getPostThread`` looks up and down (the API's maximum for both).
DEPTH = 1000
#: Extra ``getPostThread`` calls when the AppView stopped the reply tree short of the end.
MAX_CONTINUATIONS = 10

_THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
_NOT_FOUND = "app.bsky.feed.defs#notFoundPost"
_BLOCKED = "app.bsky.feed.defs#blockedPost"
_AT_URI = re.compile(r"^at://(?P<repo>[^/]+)/(?P<collection>[^/]+)/(?P<rkey>[^/?#]+)$")


class BlueskySource:
    """Fetches a Bluesky thread from the AppView at ``api`` (``TWEETORIALS_BLUESKY_API``)."""

    platform: ClassVar[str] = "bluesky"

    def __init__(self, client: PoliteClient, *, api: str = DEFAULT_API) -> None:
        self.client = client
        self.api = api.rstrip("/")

    def fetch(self, ref: PostRef, *, last: PostRef | None = None) -> Thread:
        """The author's thread that ``ref`` belongs to; ``last`` is not needed here.

        Raises :class:`ThreadUnavailable` when the post is gone, blocked or its author opted
        out of logged-out viewing, :class:`~tweetorials.fetch.errors.FetchError` otherwise.
        """
        did = self.resolve(ref.user)
        node = self._thread_node(f"at://{did}/app.bsky.feed.post/{ref.post_id}", ref.url)
        chain = author_chain(node)
        for _ in range(MAX_CONTINUATIONS):
            tail = chain[-1]
            if not _replies_cut_short(tail):
                break
            more = author_chain(self._thread_node(tail["post"]["uri"], ref.url))
            start = next(
                (i for i, n in enumerate(more) if n["post"]["uri"] == tail["post"]["uri"]), None
            )
            if start is None or len(more) <= start + 1:
                break
            chain = chain[:-1] + more[start:]
        return thread_from_chain(chain, fetched_at=utc_now())

    def resolve(self, actor: str) -> str:
        """The DID for a handle (a DID is returned as it is)."""
        if actor.startswith("did:"):
            return actor
        url = f"{self.api}/xrpc/com.atproto.identity.resolveHandle"
        try:
            data = self.client.get_json(url, params={"handle": actor})
        except BadStatus as exc:
            if exc.status == 400:
                raise ThreadUnavailable(
                    f"the Bluesky handle @{actor} does not lead to an account any more (it may "
                    f"have been renamed or deleted); Bluesky said: {_error_text(exc.payload)}",
                    url=exc.url,
                ) from exc
            raise
        did = data.get("did") if isinstance(data, dict) else None
        if not isinstance(did, str) or not did.startswith("did:"):
            raise BadResponse(f"resolving @{actor} on {self.api} gave no DID", url=url)
        return did

    def _thread_node(self, uri: str, shown_url: str) -> dict[str, Any]:
        url = f"{self.api}/xrpc/app.bsky.feed.getPostThread"
        params = {"uri": uri, "depth": DEPTH, "parentHeight": DEPTH}
        try:
            data = self.client.get_json(url, params=params)
        except BadStatus as exc:
            payload = exc.payload if isinstance(exc.payload, dict) else {}
            if exc.status == 400 and payload.get("error") == "NotFound":
                raise ThreadUnavailable(
                    f"the Bluesky post {shown_url} was deleted or never existed "
                    "(the AppView answered NotFound)",
                    url=exc.url,
                ) from exc
            raise
        node = data.get("thread") if isinstance(data, dict) else None
        if not isinstance(node, dict):
            raise BadResponse(f"getPostThread on {self.api} answered without a thread", url=url)
        return node


# -- the author's chain ----------------------------------------------------------------------


def author_chain(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``threadViewPost`` nodes of the author's own chain through ``node``, in order.

    Walks up through ``parent`` while the author stays the same, then down through
    ``replies`` choosing the author's own reply (the earliest, when there are several).
    A deleted (``notFoundPost``) or blocked post ends the walk in that direction.
    Raises :class:`ThreadUnavailable` when ``node`` itself is missing or blocked, or when
    its author asked not to be shown to logged-out readers.
    """
    kind = node.get("$type")
    if kind == _NOT_FOUND or node.get("notFound"):
        raise ThreadUnavailable("the Bluesky post was deleted (the AppView has only a placeholder)")
    if kind == _BLOCKED or node.get("blocked"):
        raise ThreadUnavailable("the Bluesky post is blocked and cannot be read")
    if not _is_view(node):
        raise BadResponse(f"getPostThread answered with an unknown thread type {kind!r}")
    author = node["post"]["author"]
    if opted_out(author):
        raise ThreadUnavailable(
            f"@{author.get('handle') or author.get('did')} asked not to be shown to logged-out "
            f"readers (Bluesky label {NO_UNAUTHENTICATED}), so this library does not archive "
            "their posts"
        )
    did = author.get("did")
    seen = {node["post"]["uri"]}

    upward: list[dict[str, Any]] = []
    current = node
    while True:
        parent = current.get("parent")
        if not _is_view(parent) or _did(parent) != did or parent["post"]["uri"] in seen:
            break
        seen.add(parent["post"]["uri"])
        upward.append(parent)
        current = parent

    chain = [*reversed(upward), node]
    current = node
    while True:
        own = [
            r
            for r in current.get("replies") or ()
            if _is_view(r) and _did(r) == did and r["post"]["uri"] not in seen
        ]
        if not own:
            break
        current = min(own, key=_reply_order)
        seen.add(current["post"]["uri"])
        chain.append(current)
    return chain


def opted_out(profile: Any) -> bool:
    """True when the account carries the ``!no-unauthenticated`` label."""
    labels = profile.get("labels") if isinstance(profile, dict) else None
    return any(isinstance(lb, dict) and lb.get("val") == NO_UNAUTHENTICATED for lb in labels or ())


def _is_view(node: Any) -> TypeGuard[dict[str, Any]]:
    """A readable post node (not a placeholder for a deleted or blocked one)."""
    if not isinstance(node, dict) or node.get("$type", _THREAD_VIEW) != _THREAD_VIEW:
        return False
    post = node.get("post")
    return (
        isinstance(post, dict)
        and isinstance(post.get("uri"), str)
        and isinstance(post.get("author"), dict)
        and isinstance(post.get("record"), dict)
    )


def _did(node: dict[str, Any]) -> Any:
    return node["post"]["author"].get("did")


def _reply_order(node: dict[str, Any]) -> tuple[str, str]:
    post = node["post"]
    when = iso_utc(post["record"].get("createdAt")) or iso_utc(post.get("indexedAt")) or "~"
    return when, post["uri"]


def _replies_cut_short(node: dict[str, Any]) -> bool:
    """The AppView left out replies it says exist (``replies`` absent at the depth limit)."""
    count = node["post"].get("replyCount")
    return "replies" not in node and isinstance(count, int) and count > 0


# -- JSON -> snapshot types ------------------------------------------------------------------


def thread_from_chain(chain: list[dict[str, Any]], *, fetched_at: str | None = None) -> Thread:
    """The snapshot :class:`Thread` for a chain returned by :func:`author_chain`."""
    if not chain:
        raise ValueError("a thread needs at least one post")
    posts = [post_from_view(node["post"]) for node in chain]
    for post in posts:
        post.author = None  # the thread's author; only quoted posts name theirs
    return Thread(
        platform="bluesky",
        url=posts[0].url,
        author=author_from_profile(chain[0]["post"]["author"]),
        posts=posts,
        fetched_at=fetched_at,
        source=SOURCE_NAME,
    )


def author_from_profile(profile: dict[str, Any]) -> Author:
    """An :class:`Author` from a ``profileViewBasic``; an invalid handle falls back to the DID."""
    name = _actor(profile)
    display = profile.get("displayName")
    avatar = profile.get("avatar")
    return Author(
        name=display.strip() if isinstance(display, str) and display.strip() else name,
        handle=name,
        url=f"https://bsky.app/profile/{name}",
        avatar_url=avatar if is_safe_url(avatar) else None,
    )


def post_url(profile: dict[str, Any], rkey: str) -> str:
    """``https://bsky.app/profile/HANDLE/post/RKEY`` (the DID when the handle is invalid)."""
    return f"https://bsky.app/profile/{_actor(profile)}/post/{rkey}"


def post_from_view(view: dict[str, Any], *, nested: bool = False) -> Post:
    """A :class:`Post` from a ``postView`` (or a quote's ``viewRecord`` when ``nested``).

    ``author`` is always filled; :func:`thread_from_chain` clears it for the thread's own
    posts. A quote inside a quote is not followed (the platform does not show it either).
    """
    profile = view["author"]
    record = view.get("value" if nested else "record") or {}
    rkey = _rkey(view["uri"])
    url = post_url(profile, rkey)
    text = record.get("text")
    text = text if isinstance(text, str) else ""
    if nested:
        embeds = view.get("embeds")
        embed = embeds[0] if isinstance(embeds, list) and embeds else None
    else:
        embed = view.get("embed")
    media, quote, card = _embed(embed, url, nested=nested)
    return Post(
        id=rkey,
        url=url,
        created_at=iso_utc(record.get("createdAt")) or iso_utc(view.get("indexedAt")),
        text=text,
        html=facets_to_html(text, record.get("facets")),
        media=media,
        quote=quote,
        card=card,
        author=author_from_profile(profile),
        lang=language_tag(record.get("langs")),
    )


def _embed(
    embed: Any, url: str, *, nested: bool
) -> tuple[list[Media], Post | None, LinkCard | None]:
    """Media, quoted post and link card from a post's embed view."""
    if not isinstance(embed, dict):
        return [], None, None
    kind = embed.get("$type")
    if kind == "app.bsky.embed.images#view":
        return _images(embed), None, None
    if kind == "app.bsky.embed.video#view":
        video = _video(embed, url)
        return ([video] if video else []), None, None
    if kind == "app.bsky.embed.external#view":
        return [], None, _external(embed.get("external"))
    if kind == "app.bsky.embed.record#view":
        if nested:
            return [], None, None
        quote, card = _record(embed.get("record"))
        return [], quote, card
    if kind == "app.bsky.embed.recordWithMedia#view":
        media, _, card = _embed(embed.get("media"), url, nested=nested)
        if nested:
            return media, None, card
        inner = embed.get("record")
        quote, record_card = _record(inner.get("record") if isinstance(inner, dict) else None)
        return media, quote, card or record_card
    return [], None, None


def _images(embed: dict[str, Any]) -> list[Media]:
    out = []
    for image in embed.get("images") or ():
        if not isinstance(image, dict):
            continue
        url = image.get("fullsize") if is_safe_url(image.get("fullsize")) else image.get("thumb")
        if not is_safe_url(url):
            continue
        width, height = dimensions(image.get("aspectRatio"))
        out.append(Media(kind="image", url=url, alt=_alt(image), width=width, height=height))
    return out


def _video(embed: dict[str, Any], post_url_: str) -> Media | None:
    """A video as its poster frame plus a link to the post (the stream is HLS, not a file)."""
    poster = embed.get("thumbnail")
    if not is_safe_url(poster):
        return None
    width, height = dimensions(embed.get("aspectRatio"))
    return Media(
        kind="video", url=poster, alt=_alt(embed), width=width, height=height, link=post_url_
    )


def _external(external: Any) -> LinkCard | None:
    if not isinstance(external, dict) or not is_safe_url(external.get("uri")):
        return None
    thumb = external.get("thumb")
    return LinkCard(
        url=external["uri"],
        title=stripped(external.get("title")),
        description=stripped(external.get("description")),
        image=Media(kind="image", url=thumb) if is_safe_url(thumb) else None,
    )


def _record(record: Any) -> tuple[Post | None, LinkCard | None]:
    """A quoted record: a post (or its placeholder when gone), or a feed/list as a card."""
    if not isinstance(record, dict):
        return None, None
    kind = record.get("$type")
    uri = record.get("uri")
    uri = uri if isinstance(uri, str) else ""
    if kind == "app.bsky.embed.record#viewRecord":
        if not isinstance(record.get("author"), dict) or not uri:
            return None, None
        if opted_out(record["author"]):
            return _placeholder(uri, "unavailable"), None
        return post_from_view(record, nested=True), None
    if kind == "app.bsky.embed.record#viewNotFound":
        return _placeholder(uri, "deleted"), None
    if kind in ("app.bsky.embed.record#viewBlocked", "app.bsky.embed.record#viewDetached"):
        return _placeholder(uri, "unavailable"), None
    if kind == "app.bsky.feed.defs#generatorView":
        return None, _collection_card(record, "feed", record.get("displayName"))
    if kind == "app.bsky.graph.defs#listView":
        return None, _collection_card(record, "lists", record.get("name"))
    return None, None


def _placeholder(uri: str, status: str) -> Post | None:
    """A quoted post we may not or cannot show: its address only, no author, no text."""
    m = _AT_URI.match(uri)
    if not m:
        return None
    return Post(
        id=m.group("rkey"),
        url=f"https://bsky.app/profile/{m.group('repo')}/post/{m.group('rkey')}",
        created_at=None,
        text="",
        html="",
        status=status,
    )


def _collection_card(record: dict[str, Any], path: str, title: Any) -> LinkCard | None:
    m = _AT_URI.match(stripped(record.get("uri")))
    creator = record.get("creator")
    if not m or not isinstance(creator, dict):
        return None
    return LinkCard(
        url=f"https://bsky.app/profile/{_actor(creator)}/{path}/{m.group('rkey')}",
        title=stripped(title),
        description=stripped(record.get("description")),
    )


def _actor(profile: dict[str, Any]) -> str:
    handle = profile.get("handle")
    if isinstance(handle, str) and handle and handle != "handle.invalid":
        return handle
    return str(profile.get("did") or "")


def _rkey(uri: str) -> str:
    m = _AT_URI.match(uri)
    return m.group("rkey") if m else uri.rsplit("/", 1)[-1]


def _alt(obj: dict[str, Any]) -> str:
    return stripped(obj.get("alt"))


def _error_text(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("message", "error"):
            if isinstance(payload.get(key), str):
                return str(payload[key])
    return "no reason given"
