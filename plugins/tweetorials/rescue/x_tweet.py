"""One tweet of an X data archive as a snapshot post.

Archive tweets are the v1.1 API's tweet objects with every number written as a string
(``"id_str"``, ``"favorite_count": "3"``, ``"indices": ["0", "23"]``), newer archives wrapping
each one as ``{"tweet": {...}}``. What this module does with one:

* text: ``full_text`` (HTML-escaped, as the API sends it) with each ``t.co`` link replaced by
  its ``expanded_url`` from ``entities.urls``; links to attached photos are dropped, the reply's
  hidden ``@name`` prefix too (``display_text_range``). A long post's ``full_text`` is cut; the
  whole text comes from ``note-tweet.js``, found by creation time to the second (its
  ``noteTweetId`` is not the tweet's id) among the notes that begin with what the tweet shows.
  A cut post without a note is marked ``truncated``.
* media: ``extended_entities.media`` (else ``entities.media``), ``ext_alt_text`` as alt text
  when the archive has it; the file is ``<media dir>/<tweet id>-<last part of the URL>``.
* a quoted post: X appends its address as the last link of the text. It is shown as a quote,
  whole when the archive holds it (the author quoting themselves), otherwise as a marker that
  links to it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from ..json_fields import as_dict, as_list, stripped
from ..languages import language_tag
from ..media.alt import normalise_alt
from ..sanitize import clean_html, is_safe_url
from ..snapshot import Author, Media, Post
from ..x_text import render_text
from .times import twitter_time

__all__ = ["NoteText", "TweetContext", "post_from_tweet", "post_url", "unwrap"]

_STATUS = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?P<user>\w{1,15}|i(?:/web)?)/status/(?P<id>\d+)",
    re.IGNORECASE,
)
_TCO = re.compile(r"https?://t\.co/\w+")
_MENTIONS = re.compile(r"^(?:@\w{1,15}\s*)+")
_VIDEO_KINDS = {"video": "video", "animated_gif": "gif"}


@dataclass(frozen=True)
class NoteText:
    """The whole text of a long post, from ``note-tweet.js``."""

    text: str
    links: dict[str, str]  # t.co -> expanded


@dataclass
class TweetContext:
    """What every tweet needs to know about the archive it came from."""

    author: Author
    media_dir: str  # member folder of the media files, e.g. ``data/tweets_media``
    notes: dict[str, list[NoteText]]  # by creation time, to the second
    tweets: dict[str, dict[str, Any]]  # every tweet by id, for quotes
    media_members: dict[str, str] = field(default_factory=dict)  # filled: Media.url -> member


def unwrap(entry: Any) -> dict[str, Any] | None:
    """The tweet object of one list entry (``{"tweet": {...}}`` or, in old archives, bare)."""
    wrapped = as_dict(entry).get("tweet")
    if isinstance(wrapped, dict):
        return wrapped
    return entry if isinstance(entry, dict) and "id_str" in entry else None


def post_url(handle: str, post_id: str) -> str:
    return f"https://x.com/{handle}/status/{post_id}"


def post_from_tweet(tweet: dict[str, Any], ctx: TweetContext, *, quoting: bool = True) -> Post:
    """The snapshot post for ``tweet``; ``quoting=False`` for a quote (quotes do not nest)."""
    post_id = stripped(tweet.get("id_str"))
    created = twitter_time(tweet.get("created_at"))
    entities = as_dict(tweet.get("entities"))
    links: dict[str, str | None] = {}
    for entity in as_list(entities.get("urls")):
        short, expanded = (
            stripped(as_dict(entity).get("url")),
            stripped(as_dict(entity).get("expanded_url")),
        )
        if short:
            links[short] = expanded or short
    media_items = _media_entities(tweet)
    for item in media_items:
        if stripped(item.get("url")):
            links[stripped(item.get("url"))] = None
    raw = html.unescape(stripped(tweet.get("full_text") or tweet.get("text")))
    quote = _quote(raw, links, post_id, ctx) if quoting else None
    cut = _drop_self_links(links, post_id)
    note = _note_for(raw, ctx.notes.get(created or "", []))
    truncated = False
    if note is not None:
        links.update(note.links)
        text, body = render_text(html.unescape(note.text), links)
    else:
        text, body = render_text(raw, links, strip_reply_prefix=_reply_prefix(tweet))
        truncated = cut
    return Post(
        id=post_id,
        url=post_url(ctx.author.handle, post_id),
        created_at=created,
        text=text,
        html=body,
        media=[_media(item, post_id, ctx) for item in media_items if _image_url(item)],
        quote=quote,
        author=None,
        truncated=truncated,
        lang=language_tag(tweet.get("lang")),
    )


def _note_for(raw: str, notes: list[NoteText]) -> NoteText | None:
    """The long text of this tweet among the notes made in the same second.

    The thread composer posts a whole thread within a second or two, so the time alone could
    give a long text to its short neighbours: the note must also begin with what the tweet
    shows before X cut it.
    """
    shown = _comparable(raw)
    if not shown:
        return None
    for note in notes:
        whole = _comparable(html.unescape(note.text))
        if whole.startswith(shown[:60]):
            return note
    return None


def _comparable(text: str) -> str:
    """Text without links, the cut mark, leading @names and spacing differences."""
    flat = " ".join(_TCO.sub("", text).replace("…", " ").split())
    return _MENTIONS.sub("", flat)


def _quote(raw: str, links: dict[str, str | None], post_id: str, ctx: TweetContext) -> Post | None:
    """The post whose address ends the text, shown as a quote (and its link dropped)."""
    ending = raw.rstrip().rsplit(None, 1)[-1] if raw.strip() else ""
    target = links.get(ending)
    match = _STATUS.match(target or "")
    if match is None or match.group("id") == post_id:
        return None
    links[ending] = None
    quoted_id = match.group("id")
    quoted = ctx.tweets.get(quoted_id)
    if quoted is not None:
        post = post_from_tweet(quoted, ctx, quoting=False)
        post.author = ctx.author
        return post
    user = match.group("user")
    handle = user if "/" not in user and user.lower() != "i" else ""
    who = f"@{handle}" if handle else "another account"
    message = f"A post by {who}, not in this archive."
    return Post(
        id=quoted_id,
        url=post_url(handle or "i", quoted_id),
        created_at=None,
        text=message,
        html=clean_html(f"<p>{html.escape(message, quote=False)}</p>"),
        author=Author(name=handle or "Unknown", handle=handle, url=f"https://x.com/{handle}")
        if handle
        else None,
        status="unavailable",
    )


def _drop_self_links(links: dict[str, str | None], post_id: str) -> bool:
    """Drop links to the post itself: X appends one after a text it cut ("… show more")."""
    found = False
    for short, target in links.items():
        match = _STATUS.match(target or "")
        if match and match.group("id") == post_id:
            links[short] = None
            found = True
    return found


def _reply_prefix(tweet: dict[str, Any]) -> bool:
    start = as_list(tweet.get("display_text_range"))[:1]
    return bool(start) and stripped(start[0]).isdigit() and int(stripped(start[0])) > 0


def _media_entities(tweet: dict[str, Any]) -> list[dict[str, Any]]:
    extended = as_list(as_dict(tweet.get("extended_entities")).get("media"))
    plain = as_list(as_dict(tweet.get("entities")).get("media"))
    return [as_dict(m) for m in (extended or plain)]


def _image_url(item: dict[str, Any]) -> str:
    url = stripped(item.get("media_url_https") or item.get("media_url"))
    return url if is_safe_url(url) else ""


def _media(item: dict[str, Any], post_id: str, ctx: TweetContext) -> Media:
    url = _image_url(item)
    kind = _VIDEO_KINDS.get(stripped(item.get("type")), "image")
    large = as_dict(as_dict(item.get("sizes")).get("large"))
    width, height = _number(large.get("w")), _number(large.get("h"))
    video = _video_url(item) if kind != "image" else None
    if kind == "image":  # videos are archived as MP4s: the poster image is not in the archive
        ctx.media_members[url] = f"{ctx.media_dir}/{post_id}-{_last_part(url)}"
    return Media(
        kind=kind,
        url=url,
        alt=normalise_alt(stripped(item.get("ext_alt_text"))),
        width=width,
        height=height,
        link=video,
    )


def _video_url(item: dict[str, Any]) -> str | None:
    best: tuple[int, str] | None = None
    for variant in as_list(as_dict(item.get("video_info")).get("variants")):
        v = as_dict(variant)
        url = stripped(v.get("url"))
        if stripped(v.get("content_type")) != "video/mp4" or not is_safe_url(url):
            continue
        rate = _number(v.get("bitrate")) or 0
        if best is None or rate > best[0]:
            best = (rate, url)
    return best[1] if best else None


def _last_part(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _number(value: Any) -> int | None:
    text = stripped(value) if not isinstance(value, int) else str(value)
    return int(text) if text.isdigit() and int(text) > 0 else None
