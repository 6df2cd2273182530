"""Mastodon's ActivityPub notes, as its account export holds them -> snapshot posts.

Mastodon's ``BackupService`` writes ``outbox.json`` with its ActivityPub serialisers: a
``Create`` activity wrapping each post (a ``Note``, or a ``Question`` for a poll), and an
``Announce`` for each boost (someone else's post, skipped). ``totalItems`` is the account's
status count when the export was made, which need not match the items, so it is ignored.

What we read of a note: ``id`` (its ActivityPub address, which ``inReplyTo`` of a reply
names), ``url`` (the page), ``published``, ``content`` (HTML: sanitised exactly as fetched
statuses are, by the same code), ``summary`` (the content warning), ``attachment``
(``Document`` items whose ``url`` is the file's path inside the export, ``name`` the alt text,
``mediaType``; and the link preview as a ``Link``), a quote (``quote``; older servers wrote
``quoteUri`` or ``_misskey_quote``) and the audience. Mastodon addresses a public post ``to``
the special collection ``https://www.w3.org/ns/activitystreams#Public`` and an unlisted one
``cc`` it: both were public. A followers-only post goes to the followers collection and a
direct message to the people it mentions; neither is published, and the thread stops there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..json_fields import as_dict, dimensions, stripped
from ..mastodon_html import content_to_html_and_text, with_content_warning
from ..sanitize import is_safe_url, split_url
from ..snapshot import Author, LinkCard, Media, Poll, PollOption, Post
from ..snapshot.times import iso_utc
from .errors import RefusedImport
from .export import ArchivedPost

__all__ = [
    "PUBLIC",
    "MastodonNotes",
    "audience",
    "author_from_actor",
    "poll_from_question",
    "read_notes",
]

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
#: The same address in JSON-LD's compact forms, which other servers' software may write.
_PUBLIC_FORMS = frozenset({PUBLIC, "as:Public", "Public"})
_STATUS_ADDRESS = re.compile(
    r"^https://(?P<host>[a-z0-9.-]+)/users/(?P<name>[A-Za-z0-9_.]+)/statuses/(?P<id>\d{1,25})$"
)
_POST_TYPES = frozenset({"Note", "Question", "Article", "Page"})


@dataclass
class MastodonNotes:
    """What ``outbox.json`` and ``actor.json`` say: the author, and every post with the path
    inside the export of each image it shows (``Media.url`` -> member path)."""

    author: Author
    posts: dict[str, ArchivedPost] = field(default_factory=dict)  # by status id, outbox order
    files: dict[str, str] = field(default_factory=dict)


def read_notes(outbox: bytes, actor: bytes) -> MastodonNotes:
    """Read ``outbox.json`` and ``actor.json`` (their bytes), or raise
    :class:`RefusedImport` with one line naming the file and what is wrong."""
    actor_data = _json(actor, "actor.json")
    outbox_data = _json(outbox, "outbox.json")
    if not isinstance(actor_data, dict) or not isinstance(actor_data.get("id"), str):
        raise RefusedImport("actor.json is not an ActivityPub actor (it has no id)")
    author = author_from_actor(actor_data)
    items = outbox_data.get("orderedItems") if isinstance(outbox_data, dict) else None
    if not isinstance(items, list):
        raise RefusedImport(
            "outbox.json is not an ActivityStreams OrderedCollection (no orderedItems list)"
        )
    host = urlsplit(actor_data["id"]).hostname or ""
    notes = {note["id"]: note for note in map(_note, items) if note is not None}
    reader = _Reader(notes, host)
    posts = [reader.archived_post(note) for note in notes.values()]
    return MastodonNotes(author=author, posts={p.post.id: p for p in posts}, files=reader.files)


def author_from_actor(actor: dict[str, Any]) -> Author:
    """``actor.json`` as an :class:`Author`: the handle ``user@host``, as fetching writes it."""
    actor_id = actor["id"]
    host = urlsplit(actor_id).hostname or ""
    username = stripped(actor.get("preferredUsername")) or actor_id.rstrip("/").rsplit("/", 1)[-1]
    url = actor.get("url") if is_safe_url(actor.get("url")) else None
    return Author(
        name=stripped(actor.get("name")) or username,
        handle=f"{username}@{host}",
        url=url or (actor_id if is_safe_url(actor_id) else f"https://{host}/@{username}"),
    )


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise RefusedImport(f"{name} is not valid JSON{where}") from None
    except RecursionError:
        raise RefusedImport(f"{name} is nested too deeply to be an export") from None


def _note(item: Any) -> dict[str, Any] | None:
    """The post a ``Create`` activity carries, with the activity's audience when it has none."""
    if not isinstance(item, dict) or item.get("type") != "Create":
        return None
    note = item.get("object")
    if not isinstance(note, dict) or note.get("type") not in _POST_TYPES:
        return None
    if not isinstance(note.get("id"), str) or not note["id"]:
        return None
    if "to" not in note and "cc" not in note:
        note = {**note, "to": item.get("to"), "cc": item.get("cc")}
    return note


def _status_id(note_id: str) -> str:
    """The status id at the end of ``https://HOST/users/NAME/statuses/ID``."""
    return note_id.rstrip("/").rsplit("/", 1)[-1]


class _Reader:
    """Turns notes into posts; knows every note of the export, for replies and self-quotes."""

    def __init__(self, notes: dict[str, dict[str, Any]], host: str) -> None:
        self.notes = notes
        self.ids = {note_id: _status_id(note_id) for note_id in notes}
        self.host = host
        self.files: dict[str, str] = {}  # Media.url -> path inside the export

    def archived_post(self, note: dict[str, Any]) -> ArchivedPost:
        address = _quote_address(note)
        quoted = self.notes.get(address or "")
        quote = self.post(quoted, False) if quoted is not None else _elsewhere(address)
        post = self.post(note, quote is not None)
        post.quote = quote
        parent = note.get("inReplyTo")
        return ArchivedPost(
            post,
            parent_id=self.ids.get(parent, parent) if isinstance(parent, str) and parent else None,
            audience=audience(note),
        )

    def post(self, note: dict[str, Any], quoting: bool) -> Post:
        """The note as a post, without its quote. When the quoted post is shown (``quoting``),
        the ``RE: link`` line Mastodon writes for clients without quotes is dropped."""
        html, text = content_to_html_and_text(
            stripped(note.get("content")), drop_quote_inline=quoting
        )
        html, text = with_content_warning(html, text, stripped(note.get("summary")))
        media, card, files = _attachments(note.get("attachment"), self.host)
        self.files.update(files)
        url = note.get("url")
        post = Post(
            id=self.ids[note["id"]],
            url=url if isinstance(url, str) and is_safe_url(url) else note["id"],
            created_at=iso_utc(note.get("published")),
            text=text,
            html=html,
            media=media,
            card=card,
            poll=poll_from_question(note),
        )
        return post


def _elsewhere(address: str | None) -> Post | None:
    """A quoted post by someone else (not in the export): its address and author, marked
    unavailable; None when the address is not a Mastodon-style ``/users/NAME/statuses/ID``
    (then the ``RE: link`` line stays in the text as the link to it)."""
    m = _STATUS_ADDRESS.match(address or "")
    if m is None or not is_safe_url(address):
        return None
    host, name, status_id = m.group("host"), m.group("name"), m.group("id")
    author = Author(name=name, handle=f"{name}@{host}", url=f"https://{host}/@{name}")
    return Post(
        id=status_id,
        url=f"https://{host}/@{name}/{status_id}",
        created_at=None,
        text="",
        html="",
        author=author,
        status="unavailable",
    )


def poll_from_question(note: dict[str, Any]) -> Poll | None:
    """A ``Question``'s poll: ``oneOf`` (one choice) or ``anyOf`` (several) options, each with
    its vote count in ``replies.totalItems``; ``endTime``; ``closed`` (set once it ended, so
    the counts are final); ``votersCount``. When the counts were read is the export's time,
    which the importer fills in."""
    if note.get("type") != "Question":
        return None
    multiple = isinstance(note.get("anyOf"), list)
    choices = note.get("anyOf") if multiple else note.get("oneOf")
    options = [
        PollOption(stripped(c.get("name")), _count(as_dict(c.get("replies")).get("totalItems")))
        for c in (choices if isinstance(choices, list) else ())
        if isinstance(c, dict) and stripped(c.get("name"))
    ]
    if not options:
        return None
    return Poll(
        options=options,
        final=iso_utc(note.get("closed")) is not None or note.get("closed") is True,
        ends_at=iso_utc(note.get("endTime")),
        multiple=multiple,
        voters=_count(note.get("votersCount")),
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _quote_address(note: dict[str, Any]) -> str | None:
    """The quoted post's address: ``quote`` (FEP-044f, Mastodon 4.4+), or the older
    ``quoteUri`` / ``_misskey_quote`` spellings."""
    for key in ("quote", "quoteUri", "quoteUrl", "_misskey_quote"):
        value = note.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def audience(note: dict[str, Any]) -> str:
    """``public`` (Public in ``to``), ``unlisted`` (in ``cc``), ``followers`` (addressed to a
    followers collection) or ``direct`` (only the people it mentions, or no one)."""
    to, cc = set(_addresses(note.get("to"))), set(_addresses(note.get("cc")))
    if to & _PUBLIC_FORMS:
        return "public"
    if cc & _PUBLIC_FORMS:
        return "unlisted"
    if any(a.endswith("/followers") for a in to | cc):
        return "followers"
    return "direct"


def _addresses(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _attachments(items: Any, host: str) -> tuple[list[Media], LinkCard | None, dict[str, str]]:
    """Pictures (with the file that holds each), video placeholders and the link preview."""
    media: list[Media] = []
    files: dict[str, str] = {}
    card: LinkCard | None = None
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        if item.get("type") == "Link" and is_safe_url(item.get("href")) and card is None:
            card = LinkCard(url=item["href"])
            continue
        path = _member_path(item.get("url"))
        kind = stripped(item.get("mediaType")).split("/")[0]
        if path is None or kind not in ("image", "video"):
            continue
        width, height = dimensions(item)
        alt = stripped(item.get("name"))
        if kind == "image":
            picture = Media("image", f"https://{host}/system/{path}", alt, width, height)
            media.append(picture)
            files[picture.url] = path
        else:  # the export has the video file only, no poster frame to show
            media.append(Media("video", f"https://{host}/system/{path}", alt, width, height))
    return media, card, files


def _member_path(url: Any) -> str | None:
    """The file's path inside the export (``media_attachments/files/.../original/x.png``).

    The exporter writes the path of the file's URL without ``/system/``; a full URL (other
    software) keeps only its path. Anything that tries to leave the export is refused by the
    archive reader, not here.
    """
    if not isinstance(url, str) or not url.strip():
        return None
    parts = split_url(url)
    path = parts.path if parts is not None and parts.netloc else url.strip()
    path = path.lstrip("/").removeprefix("system/")
    return path or None
