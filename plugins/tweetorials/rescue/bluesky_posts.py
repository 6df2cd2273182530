"""Bluesky post records (as a repository export holds them) -> snapshot posts.

A repository holds the author's own records, not the AppView's "views" that fetching reads:
no handle, no image URLs, no quoted post's text unless the author wrote it. So:

* a post's address uses the account's DID (``bsky.app/profile/did:plc:.../post/RKEY``), which
  Bluesky resolves like a handle and which survives a change of handle;
* an image is its blob's CID; its ``url`` is the address Bluesky's CDN serves that blob at
  (the form fetched snapshots store, so an import and a fetch of one thread name the same
  images), and its bytes come from a folder of exported blobs when the maintainer has one;
* a quoted post is shown in full when the author quoted their own post (it is in the export),
  and otherwise as a link to it, marked unavailable, naming the quoted account's DID;
* a link card keeps its address, title and description but not its picture.

Text and links reuse the fetch side's facet code (UTF-8 byte offsets). Posts from before
facets existed (early 2023) carry ``entities`` instead, whose offsets count UTF-16 code units;
:func:`entities_to_facets` turns those into facets so one code path renders both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..bluesky_facets import facets_to_html
from ..json_fields import dimensions, stripped
from ..sanitize import is_safe_url
from ..snapshot import Author, LinkCard, Media, Post
from ..snapshot.times import iso_utc
from .bluesky_repo import cid_text
from .export import ArchivedPost

__all__ = [
    "POST_COLLECTION",
    "PROFILE_KEY",
    "author_from_profile",
    "entities_to_facets",
    "image_url",
    "post_address",
    "post_from_record",
]

POST_COLLECTION = "app.bsky.feed.post"
PROFILE_KEY = "app.bsky.actor.profile/self"

#: Where Bluesky's CDN serves an image blob (the ``fullsize`` of an images view).
IMAGE_URL = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
#: Where it serves a profile picture.
AVATAR_URL = "https://cdn.bsky.app/img/avatar/plain/{did}/{cid}@jpeg"
#: Where it serves a video's poster frame.
VIDEO_THUMB_URL = "https://video.bsky.app/watch/{did}/{cid}/thumbnail.jpg"

_AT_URI = re.compile(
    r"^at://(?P<repo>did:[a-z]+:[A-Za-z0-9._:%-]+)/(?P<coll>[^/]+)/(?P<rkey>[^/]+)$"
)
_COLLECTION_PATHS = {"app.bsky.feed.generator": "feed", "app.bsky.graph.list": "lists"}


def post_from_record(
    did: str,
    rkey: str,
    record: Mapping[str, Any],
    own: Mapping[str, Mapping[str, Any]],
    blobs: dict[str, str],
) -> ArchivedPost:
    """Read one ``app.bsky.feed.post`` record of the account ``did``.

    ``own`` maps the rkeys of the account's other post records to the records, so a quote of
    the author's own post can be shown in full. The parent is the rkey of the post replied to
    when it is the author's own, its ``at://`` address otherwise. Each image is added to
    ``blobs`` as ``Media.url -> blob CID``. Every Bluesky post is public.
    """
    post, files = _post(did, rkey, record)
    quote, quote_files, card = _quoted(record.get("embed"), did, own)
    post.quote = quote
    post.card = post.card or card
    blobs.update((media.url, cid) for media, cid in files + quote_files)
    return ArchivedPost(post, parent_id=_parent(record.get("reply"), did))


def _post(did: str, rkey: str, record: Mapping[str, Any]) -> tuple[Post, list[tuple[Media, str]]]:
    """The post itself, without a quote; its blobs."""
    raw = record.get("text")
    text = raw if isinstance(raw, str) else ""  # not stripped: facets count bytes from 0
    facets = record.get("facets")
    if not isinstance(facets, list):
        facets = entities_to_facets(text, record.get("entities"))
    url = post_address(did, rkey)
    media, card, blobs = _media(record.get("embed"), did, url)
    post = Post(
        id=rkey,
        url=url,
        created_at=iso_utc(record.get("createdAt")),
        text=text,
        html=facets_to_html(text, facets),
        media=media,
        card=card,
    )
    return post, blobs


def post_address(did: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def image_url(did: str, cid: str) -> str:
    return IMAGE_URL.format(did=did, cid=cid)


def author_from_profile(
    did: str, profile: Mapping[str, Any] | None, blobs: dict[str, str] | None = None
) -> Author:
    """The account as its export shows it: the display name and picture from its profile
    record, and the DID as handle (the handle lives in the DID document, not in the
    repository). The picture's blob is added to ``blobs`` like a post's images."""
    name = profile.get("displayName") if profile else None
    avatar = _blob_cid(profile.get("avatar")) if profile else None
    avatar_url = AVATAR_URL.format(did=did, cid=avatar) if avatar else None
    if avatar_url and avatar and blobs is not None:
        blobs[avatar_url] = avatar
    return Author(
        name=name.strip() if isinstance(name, str) and name.strip() else did,
        handle=did,
        url=f"https://bsky.app/profile/{did}",
        avatar_url=avatar_url,
    )


def entities_to_facets(text: str, entities: Any) -> list[dict[str, Any]]:
    """Legacy ``entities`` (UTF-16 offsets, ``type`` link or mention) as byte-offset facets.

    Unusable entities are dropped, as unusable facets are: offsets outside the text or inside
    a character, unknown types.
    """
    if not isinstance(entities, list):
        return []
    byte_at = _utf16_to_utf8_offsets(text)
    facets: list[dict[str, Any]] = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("index"), dict):
            continue
        start, end = entity["index"].get("start"), entity["index"].get("end")
        value = entity.get("value")
        if not (_offset(start) and _offset(end)) or not isinstance(value, str):
            continue
        if start not in byte_at or end not in byte_at:
            continue
        if entity.get("type") == "link":
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": value}
        elif entity.get("type") == "mention":
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": value}
        else:
            continue
        index = {"byteStart": byte_at[start], "byteEnd": byte_at[end]}
        facets.append({"index": index, "features": [feature]})
    return facets


def _offset(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _utf16_to_utf8_offsets(text: str) -> dict[int, int]:
    """Every UTF-16 offset that falls between characters -> the UTF-8 offset there."""
    offsets: dict[int, int] = {0: 0}
    u16 = u8 = 0
    for char in text:
        u16 += 2 if ord(char) > 0xFFFF else 1
        u8 += len(char.encode("utf-8"))
        offsets[u16] = u8
    return offsets


def _parent(reply: Any, did: str) -> str | None:
    parent = reply.get("parent") if isinstance(reply, dict) else None
    uri = parent.get("uri") if isinstance(parent, dict) else None
    if not isinstance(uri, str):
        return None
    m = _AT_URI.match(uri)
    if m and m.group("repo") == did and m.group("coll") == POST_COLLECTION:
        return m.group("rkey")
    return uri


def _media(
    embed: Any, did: str, post_url: str
) -> tuple[list[Media], LinkCard | None, list[tuple[Media, str]]]:
    """Images, video poster and link card of an embed (a quote's media included), and the
    blob CID of each image."""
    if not isinstance(embed, dict):
        return [], None, []
    kind = embed.get("$type")
    if kind == "app.bsky.embed.recordWithMedia":
        return _media(embed.get("media"), did, post_url)
    media: list[Media] = []
    blobs: list[tuple[Media, str]] = []
    if kind == "app.bsky.embed.images":
        for image in embed.get("images") or ():
            cid = _blob_cid(image.get("image")) if isinstance(image, dict) else None
            if cid is None:
                continue
            width, height = dimensions(image.get("aspectRatio"))
            item = Media("image", image_url(did, cid), stripped(image.get("alt")), width, height)
            media.append(item)
            blobs.append((item, cid))
        return media, None, blobs
    if kind == "app.bsky.embed.video":
        cid = _blob_cid(embed.get("video"))
        if cid is not None:
            width, height = dimensions(embed.get("aspectRatio"))
            poster = VIDEO_THUMB_URL.format(did=did, cid=cid)
            media.append(
                Media("video", poster, stripped(embed.get("alt")), width, height, post_url)
            )
        return media, None, []
    if kind == "app.bsky.embed.external":
        return [], _external(embed.get("external")), []
    return [], None, []


def _external(external: Any) -> LinkCard | None:
    """A link card. Its picture is left out: pages do not show card pictures, and an
    imported thread must not point at images that only a fetch could archive."""
    if not isinstance(external, dict) or not is_safe_url(external.get("uri")):
        return None
    return LinkCard(
        url=external["uri"],
        title=stripped(external.get("title")),
        description=stripped(external.get("description")),
    )


def _quoted(
    embed: Any, did: str, own: Mapping[str, Mapping[str, Any]]
) -> tuple[Post | None, list[tuple[Media, str]], LinkCard | None]:
    """The quoted post (or a card for a quoted feed or list) of a record or recordWithMedia."""
    if not isinstance(embed, dict):
        return None, [], None
    kind = embed.get("$type")
    ref = embed.get("record")
    if kind == "app.bsky.embed.recordWithMedia":
        ref = ref.get("record") if isinstance(ref, dict) else None
    elif kind != "app.bsky.embed.record":
        return None, [], None
    uri = ref.get("uri") if isinstance(ref, dict) else None
    m = _AT_URI.match(uri) if isinstance(uri, str) else None
    if m is None:
        return None, [], None
    repo, collection, rkey = m.group("repo"), m.group("coll"), m.group("rkey")
    if collection in _COLLECTION_PATHS:
        path = _COLLECTION_PATHS[collection]
        return None, [], LinkCard(url=f"https://bsky.app/profile/{repo}/{path}/{rkey}")
    if collection != POST_COLLECTION:
        return None, [], None
    if repo == did and rkey in own:
        quoted, blobs = _post(did, rkey, own[rkey])
        return quoted, blobs, None
    placeholder = Post(
        id=rkey,
        url=post_address(repo, rkey),
        created_at=None,
        text="",
        html="",
        author=None if repo == did else author_from_profile(repo, None),
        status="unavailable",
    )
    return placeholder, [], None


def _blob_cid(blob: Any) -> str | None:
    """The CID of a blob reference: ``{$type: blob, ref: link}`` or the legacy ``{cid}``."""
    if not isinstance(blob, dict):
        return None
    return cid_text(blob.get("ref")) or cid_text(blob.get("cid"))
