"""X's two public JSON shapes -> the normalised snapshot types. Pure functions, no network.

* **Syndication** (``cdn.syndication.twimg.com/tweet-result``): one tweet per request, in the
  old REST shape (``id_str``, ``text`` with HTML entities, ``entities``, ``mediaDetails`` with
  ``ext_alt_text``, ``quoted_tweet``, ``parent``, ``note_tweet`` when the text was cut, which
  carries only an id, never the full text).
* **FxTwitter** (``api.fxtwitter.com/2/thread/ID``): the whole self-thread, each status with
  ``raw_text`` + ``facets``, ``media.all`` with ``altText``, ``quote``, ``card``, and the full
  text of long posts; unavailable posts come back as ``{"type": "tombstone", "reason": ...}``.

Polls (FxTwitter ``poll``, syndication poll cards) and Community Notes are read by
:mod:`~tweetorials.fetch.sources.polls`.

Everything here treats the payload as hostile: wrong types are skipped rather than trusted,
URLs are only kept when they are http(s), and text reaches HTML only through
:func:`~tweetorials.x_text.render_text`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from ...json_fields import stripped
from ...languages import language_tag
from ...sanitize import clean_html, is_safe_url, split_url
from ...snapshot import Author, LinkCard, Media, Post
from ...snapshot.model import VideoVariant
from ...snapshot.times import format_utc
from ...x_text import render_text
from .polls import (
    community_note_from_fxtwitter,
    is_poll_card,
    poll_from_fxtwitter,
    poll_from_x_card,
)

__all__ = [
    "author_from_fxtwitter",
    "author_from_syndication",
    "fxtwitter_author_id",
    "fxtwitter_tombstone_reason",
    "is_fxtwitter_tombstone",
    "iso_utc",
    "normalise_alt",
    "post_from_fxtwitter",
    "post_from_syndication",
    "post_url",
    "syndication_problem",
    "syndication_user_id",
]

_STATUS_ID = re.compile(r"/status(?:es)?/(\d+)")
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
# Alt text X fills in when the author wrote none; it describes nothing.
_PLACEHOLDER_ALTS = frozenset({"image", "photo", "picture"})


# -- small shared helpers ----------------------------------------------------------------------


def post_url(handle: str, post_id: str) -> str:
    """The canonical address of a post; we build it rather than trust the API's ``url``."""
    return f"https://x.com/{handle}/status/{post_id}"


def normalise_alt(value: Any) -> str:
    """Alt text, or ``""`` when missing, blank or X's placeholder ``"Image"``."""
    if not isinstance(value, str):
        return ""
    alt = value.strip()
    return "" if alt.lower() in _PLACEHOLDER_ALTS else alt


def iso_utc(value: Any) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` from an epoch number, ISO 8601, or X's ``Wed Jul 01 ... 2026``."""
    when: dt.datetime | None = None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        when = dt.datetime.fromtimestamp(value, dt.UTC)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                when = dt.datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
            except ValueError:
                return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
    if when is None:
        return None
    return format_utc(when)


def _id(value: Any) -> str:
    """A tweet or user id as a string of digits, or ``""``."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = stripped(value)
    return text if text.isdigit() else ""


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        return int(value)
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _safe(url: Any) -> str | None:
    text = stripped(url)
    return text if is_safe_url(text) else None


def _status_id_in(url: str | None) -> str:
    match = _STATUS_ID.search(url or "")
    return match.group(1) if match else ""


def _mp4_variants(
    variants: list[Any], url_key: str, type_key: str | None, duration: float | None
) -> list[VideoVariant]:
    """The MP4 versions of a video, best (highest bitrate) first; HLS playlists are left out.

    The first is linked from the page; the fetch archives the best one under the size cap,
    which ``duration`` lets it estimate before downloading.
    """
    found: list[VideoVariant] = []
    for variant in variants:
        v = _dict(variant)
        url = _safe(v.get(url_key))
        if not url:
            continue
        kind = stripped(v.get(type_key)) if type_key else ""
        is_mp4 = "mp4" in kind or (not kind and ".mp4" in url.split("?", 1)[0])
        if is_mp4 and all(f.url != url for f in found):
            found.append(VideoVariant(url, _int(v.get("bitrate")), duration))
    return sorted(found, key=lambda f: f.bitrate or 0, reverse=True)


def _seconds(value: Any, scale: float = 1.0) -> float | None:
    """A positive duration in seconds (X gives milliseconds, FxTwitter seconds)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value) / scale
    return None


def _avatar(url: Any) -> str | None:
    """Avatar URL, asking X for the 200 px version instead of the 48 px ``_normal`` one."""
    avatar = _safe(url)
    if avatar:
        avatar = re.sub(r"_normal(\.\w+)$", r"_200x200\1", avatar)
    return avatar


def _author(name: Any, handle: Any, avatar: Any) -> Author | None:
    screen_name = stripped(handle)
    if not _HANDLE.match(screen_name):
        return None
    return Author(
        name=stripped(name) or screen_name,
        handle=screen_name,
        url=f"https://x.com/{screen_name}",
        avatar_url=_avatar(avatar),
    )


# -- syndication -------------------------------------------------------------------------------


def syndication_problem(data: Any) -> str | None:
    """Why a 200 answer from ``tweet-result`` is not a tweet, or ``None`` when it is one."""
    if not isinstance(data, dict) or not data:
        return "X answered with an empty object: the post does not exist or is not public"
    kind = data.get("__typename")
    if kind == "TweetTombstone":
        message = stripped(_dict(_dict(data.get("tombstone")).get("text")).get("text"))
        message = re.sub(r"\s*Learn more\s*$", "", message)
        return f"X shows a tombstone: {message}" if message else "X shows a tombstone for it"
    if kind not in (None, "Tweet") or not _id(data.get("id_str")):
        return f"X answered with something that is not a tweet ({kind or 'no id'})"
    if not _dict(data.get("user")):
        return "X answered with a tweet without an author"
    return None


def author_from_syndication(tweet: dict[str, Any]) -> Author | None:
    user = _dict(tweet.get("user"))
    return _author(user.get("name"), user.get("screen_name"), user.get("profile_image_url_https"))


def syndication_user_id(tweet: dict[str, Any]) -> str:
    return _id(_dict(tweet.get("user")).get("id_str"))


def post_from_syndication(tweet: dict[str, Any], *, with_author: bool = False) -> Post:
    """One syndication tweet (or its ``quoted_tweet`` / ``parent``) as a :class:`Post`.

    ``with_author`` sets :attr:`Post.author`, for quoted posts; thread posts leave it ``None``.
    Raises :class:`ValueError` when the tweet has no id or author.

    Kept in one piece: it reads the tweet's fields in the order the text depends on them
    (links, the quote, then the text they shorten), which a split would hide.
    """
    post_id = _id(tweet.get("id_str"))
    author = author_from_syndication(tweet)
    if not post_id or author is None:
        raise ValueError("the tweet has no id or no author")
    url = post_url(author.handle, post_id)
    entities = _dict(tweet.get("entities"))
    details = [_dict(m) for m in _list(tweet.get("mediaDetails"))]

    links: dict[str, str | None] = {}
    for entity in _list(entities.get("urls")):
        e = _dict(entity)
        short, expanded = stripped(e.get("url")), stripped(e.get("expanded_url"))
        if short:
            links[short] = expanded or short
    for entity in [*_list(entities.get("media")), *details]:
        short = stripped(_dict(entity).get("url"))
        if short:
            links[short] = None
    quote = _syndication_quote(tweet.get("quoted_tweet"))
    _drop_status_links(links, post_id)  # "… https://t.co/x" to itself, after a cut text
    if quote is not None:
        _drop_status_links(links, quote.id)

    # The legacy text field escapes &, < and >; offsets are never used, so unescaping is safe.
    legacy = tweet.get("text")
    raw = html.unescape(legacy if isinstance(legacy, str) else "")
    display = _list(tweet.get("display_text_range"))
    reply_prefix = bool(display) and isinstance(display[0], int) and display[0] > 0
    text, body = render_text(raw, links, strip_reply_prefix=reply_prefix)

    note = tweet.get("note_tweet")
    full_text = _note_tweet_text(note)
    truncated = False
    if full_text:
        text, body = render_text(html.unescape(full_text), links)
    elif note:
        truncated = True  # X cut the text here and only sends the note's id

    return Post(
        id=post_id,
        url=url,
        created_at=iso_utc(tweet.get("created_at")),
        text=text,
        html=body,
        media=_syndication_media(tweet, details, url),
        quote=quote,
        card=_syndication_card(tweet.get("card"), links),
        author=author if with_author else None,
        truncated=truncated,
        lang=language_tag(tweet.get("lang")),
        poll=poll_from_x_card(tweet.get("card")),
    )


def _note_tweet_text(note: Any) -> str:
    """The full text if a ``note_tweet`` carries it (GraphQL shapes do; syndication does not)."""
    n = _dict(note)
    text = n.get("text")
    if not isinstance(text, str):
        text = _dict(_dict(n.get("note_tweet_results")).get("result")).get("text")
    return text if isinstance(text, str) and text.strip() else ""


def _drop_status_links(links: dict[str, str | None], status_id: str) -> None:
    """Drop ``t.co`` links to the quoted post (shown as the quote instead) or to the post
    itself (X appends one after a cut text); they would only lead readers back to X."""
    for short, target in links.items():
        if target and _status_id_in(target) == status_id:
            links[short] = None


def _syndication_quote(value: Any) -> Post | None:
    quoted = _dict(value)
    if not quoted:
        return None
    if quoted.get("__typename") == "TweetTombstone":
        message = stripped(_dict(_dict(quoted.get("tombstone")).get("text")).get("text"))
        message = re.sub(r"\s*Learn more\s*$", "", message) or "This post is unavailable."
        return _unavailable_quote(_id(quoted.get("id_str")), message, "unavailable", None)
    try:
        return post_from_syndication(quoted, with_author=True)
    except ValueError:
        return None


def _syndication_media(
    tweet: dict[str, Any], details: list[dict[str, Any]], url: str
) -> list[Media]:
    media: list[Media] = []
    for item in details:
        kind = stripped(item.get("type"))
        image = _safe(item.get("media_url_https"))
        if not image:
            continue
        info = _dict(item.get("original_info"))
        width, height = _int(info.get("width")), _int(info.get("height"))
        alt = normalise_alt(item.get("ext_alt_text"))
        if kind == "photo":
            media.append(Media(kind="image", url=image, alt=alt, width=width, height=height))
        elif kind in ("video", "animated_gif"):
            info = _dict(item.get("video_info"))
            variants = _mp4_variants(
                _list(info.get("variants")),
                "url",
                "content_type",
                _seconds(info.get("duration_millis"), 1000),
            )
            media.append(
                Media(
                    kind="gif" if kind == "animated_gif" else "video",
                    url=image,
                    alt=alt,
                    width=width,
                    height=height,
                    link=variants[0].url if variants else url,
                    variants=variants,
                )
            )
    if media:
        return media
    # Older answers carry only the simplified lists.
    for photo in _list(tweet.get("photos")):
        p = _dict(photo)
        image = _safe(p.get("url"))
        if image:
            media.append(_sized_image(image, p))
    simple_video = _dict(tweet.get("video"))
    poster = _safe(simple_video.get("poster"))
    if poster:
        variants = _mp4_variants(_list(simple_video.get("variants")), "src", "type", None)
        link = variants[0].url if variants else url
        media.append(Media(kind="video", url=poster, link=link, variants=variants))
    return media


def _syndication_card(value: Any, links: dict[str, str | None]) -> LinkCard | None:
    """A ``summary`` / ``summary_large_image`` card from its ``binding_values``."""
    card = _dict(value)
    if not card or is_poll_card(card):
        return None  # a poll card is the post's poll (see polls.py), not a link preview
    values = _dict(card.get("binding_values"))

    def string(key: str) -> str:
        return stripped(_dict(values.get(key)).get("string_value"))

    short = string("card_url") or stripped(card.get("url"))
    url = _card_url(short, string("domain") or string("vanity_url"), links)
    if not url:
        return None
    image = None
    for key in (
        "photo_image_full_size_original",
        "summary_photo_image_original",
        "thumbnail_image_original",
        "summary_photo_image_large",
        "thumbnail_image_large",
        "thumbnail_image",
    ):
        found = _dict(_dict(values.get(key)).get("image_value"))
        image_url = _safe(found.get("url"))
        if image_url:
            image = _sized_image(image_url, found)
            break
    return _link_card(url, string("title"), string("description"), image)


# -- FxTwitter ---------------------------------------------------------------------------------


def is_fxtwitter_tombstone(status: Any) -> bool:
    return isinstance(status, dict) and status.get("type") == "tombstone"


def fxtwitter_tombstone_reason(status: Any) -> str:
    """``"deleted"``, ``"suspended"``, ``"private"``... plus FxTwitter's message, for people."""
    s = _dict(status)
    reason = stripped(s.get("reason")) or "unavailable"
    message = stripped(s.get("message"))
    return f"{reason} ({message})" if message else reason


def author_from_fxtwitter(author: Any) -> Author | None:
    a = _dict(author)
    return _author(a.get("name"), a.get("screen_name"), a.get("avatar_url"))


def fxtwitter_author_id(status: dict[str, Any]) -> str:
    return _id(_dict(status.get("author")).get("id"))


def post_from_fxtwitter(status: dict[str, Any], *, with_author: bool = False) -> Post:
    """One FxTwitter status (v2 ``status``/``thread[]`` entry, or a v1 ``tweet``) as a Post.

    Raises :class:`ValueError` when it has no id or author.

    Kept in one piece: like :func:`post_from_syndication`, it reads the fields in the order
    the text depends on them.
    """
    post_id = _id(status.get("id"))
    author = author_from_fxtwitter(status.get("author"))
    if not post_id or author is None:
        raise ValueError("the status has no id or no author")
    url = post_url(author.handle, post_id)

    quote = _fxtwitter_quote(status.get("quote"))
    raw = _dict(status.get("raw_text"))
    links: dict[str, str | None] = {}
    for facet in _list(raw.get("facets")):
        f = _dict(facet)
        original = stripped(f.get("original"))
        if not original:
            continue
        kind = stripped(f.get("type"))
        if kind == "media":
            links[original] = None
        elif kind == "url":
            links[original] = stripped(f.get("replacement")) or original
    _drop_status_links(links, post_id)
    if quote is not None:
        _drop_status_links(links, quote.id)

    raw_text = raw.get("text")
    if isinstance(raw_text, str):
        display = _list(raw.get("display_text_range"))
        reply_prefix = bool(display) and isinstance(display[0], int) and display[0] > 0
        text, body = render_text(raw_text, links, strip_reply_prefix=reply_prefix)
    else:
        # v1 answers and older v2 ones: ``text`` already has its links expanded.
        text, body = render_text(stripped(status.get("text")), links)

    return Post(
        id=post_id,
        url=url,
        created_at=iso_utc(status.get("created_timestamp")) or iso_utc(status.get("created_at")),
        text=text,
        html=body,
        media=_fxtwitter_media(_dict(status.get("media")), url),
        quote=quote,
        card=_fxtwitter_card(status.get("card"), links),
        author=author if with_author else None,
        lang=language_tag(status.get("lang")),
        poll=poll_from_fxtwitter(status.get("poll")),
        community_note=community_note_from_fxtwitter(status.get("community_note")),
    )


def _fxtwitter_quote(value: Any) -> Post | None:
    quoted = _dict(value)
    if not quoted:
        return None
    if is_fxtwitter_tombstone(quoted):
        reason = stripped(quoted.get("reason"))
        message = stripped(quoted.get("message")) or "This post is unavailable."
        status = "deleted" if reason == "deleted" else "unavailable"
        partial = _dict(quoted.get("author"))
        return _unavailable_quote(
            _id(quoted.get("id")),
            message,
            status,
            _author(partial.get("name"), partial.get("screen_name"), partial.get("avatar_url")),
        )
    try:
        return post_from_fxtwitter(quoted, with_author=True)
    except ValueError:
        return None


def _fxtwitter_media(media: dict[str, Any], url: str) -> list[Media]:
    items = _list(media.get("all")) or [*_list(media.get("photos")), *_list(media.get("videos"))]
    out: list[Media] = []
    for raw in items:
        item = _dict(raw)
        kind = stripped(item.get("type"))
        width, height = _int(item.get("width")), _int(item.get("height"))
        alt = normalise_alt(item.get("altText"))
        if kind == "photo":
            image = _safe(item.get("url"))
            if image:
                out.append(Media(kind="image", url=image, alt=alt, width=width, height=height))
        elif kind in ("video", "gif"):
            poster = _safe(item.get("thumbnail_url"))
            if not poster:
                continue  # nothing to show; the post link still leads to it
            variants = _mp4_variants(
                _list(item.get("formats")), "url", "container", _seconds(item.get("duration"))
            )
            single = _safe(item.get("url"))
            if not variants and single and ".mp4" in single.split("?", 1)[0]:
                variants = [VideoVariant(single, None, _seconds(item.get("duration")))]
            out.append(
                Media(
                    kind=kind,
                    url=poster,
                    alt=alt,
                    width=width,
                    height=height,
                    link=variants[0].url if variants else single or url,
                    variants=variants,
                )
            )
    external = _dict(media.get("external"))
    poster = _safe(external.get("thumbnail_url"))
    if poster:
        out.append(
            Media(
                kind="video",
                url=poster,
                width=_int(external.get("width")),
                height=_int(external.get("height")),
                link=_safe(external.get("url")) or url,
            )
        )
    return out


def _fxtwitter_card(value: Any, links: dict[str, str | None]) -> LinkCard | None:
    card = _dict(value)
    if not card:
        return None
    url = _card_url(stripped(card.get("url")), stripped(card.get("domain")), links)
    if not url:
        return None
    found = _dict(card.get("image"))
    image_url = _safe(found.get("url"))
    image = _sized_image(image_url, found, normalise_alt(found.get("alt"))) if image_url else None
    return _link_card(url, stripped(card.get("title")), stripped(card.get("description")), image)


def _sized_image(url: str, size: dict[str, Any], alt: str = "") -> Media:
    """An image with the ``width`` and ``height`` that ``size`` gives, where they are usable."""
    return Media(
        kind="image",
        url=url,
        alt=alt,
        width=_int(size.get("width")),
        height=_int(size.get("height")),
    )


def _card_url(short: str, domain: str, links: dict[str, str | None]) -> str | None:
    """A card's link as the post expanded it; a ``t.co`` one nothing explains is replaced by
    :func:`_card_target` of the card's ``domain`` when that finds something."""
    url = _safe(links.get(short) or short)
    if url and _is_tco(url):
        url = _card_target(domain, links) or url
    return url


def _link_card(url: str, title: str, description: str, image: Media | None) -> LinkCard | None:
    """The card, or ``None`` when it has nothing to show but its link."""
    if not (title or description or image):
        return None
    return LinkCard(url=url, title=title, description=description, image=image)


def _is_tco(url: str) -> bool:
    parts = split_url(url)
    return parts is not None and parts.netloc.lower() == "t.co"


def _card_target(domain: str, links: dict[str, str | None]) -> str | None:
    """Where a card whose own ``t.co`` link is unexplained points: the post's link to the same
    site, else the site itself. Better than publishing a redirector that may stop working."""
    host = domain.lower().removeprefix("www.")
    if not host or not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", host):
        return None
    for target in links.values():
        parts = split_url(target)
        if parts is not None and parts.netloc.lower().removeprefix("www.") == host:
            return target
    return f"https://{host}/"


def _unavailable_quote(
    post_id: str, message: str, status: str, author: Author | None
) -> Post | None:
    """A quoted post we can no longer see: kept as a marker with the platform's explanation.

    Without an id there is nothing to point at, and the quote is left out.
    """
    if not post_id:
        return None
    return Post(
        id=post_id,
        url=post_url(author.handle if author else "i", post_id),
        created_at=None,
        text=message,
        html=clean_html(f"<p>{html.escape(message, quote=False)}</p>"),
        author=author,
        status=status,
    )
