"""The normalised thread: what every source produces and every page is rendered from.

A snapshot is the durable archive of one thread. Sources (X, Bluesky, Mastodon, hand-written
files) turn what a platform says into these types; the Pelican plugin only ever reads them.
The JSON form is documented in ``docs/snapshot-format.md``; :func:`thread_from_dict` and
:meth:`Thread.to_dict` are the one place that maps between the two.

Times are ISO 8601 strings in UTC (``2021-01-03T17:02:11Z``): they survive JSON unchanged and
sort as text (see :mod:`tweetorials.snapshot.times`). ``html`` fields hold HTML that has already been through the sanitiser; ``text``
fields hold the plain text (for search, titles, social cards and citations).

Schema history: version 1 is the first form; version 2 adds optional fields (polls, community
notes, ...). A field that a schema introduced carries ``metadata={"since": N}`` (see
:func:`since`), so the reader refuses it in an older file, where it can only be a mistake, and
a later addition needs only that one marker.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields
from functools import lru_cache
from typing import Any

from ..platforms import FETCHED_PLATFORMS, PLATFORMS

#: The version this code writes.
SCHEMA_VERSION = 2
#: Every version this code reads. A version 1 file loads as it always did and is written back
#: as version 2 (its new fields take their defaults).
READABLE_SCHEMAS: tuple[int, ...] = (1, 2)

MEDIA_KINDS: tuple[str, ...] = ("image", "video", "gif")
POST_STATUSES: tuple[str, ...] = ("ok", "deleted", "unavailable")


def since(version: int) -> dict[str, int]:
    """Field metadata for a field that schema ``version`` introduced.

    Use as ``field(default=None, metadata=since(2))``. The reader treats the key as unknown in
    files of an older schema (they can never have it), and the documentation lists it under
    that version.
    """
    return {"since": version}


def field_since(f: Field[Any]) -> int:
    """The schema version that introduced a dataclass field (1 for the original fields)."""
    return int(f.metadata.get("since", 1))


@dataclass(slots=True)
class PollOption:
    """One answer of a poll, in the order the platform showed it.

    ``votes`` is ``None`` when the platform did not show the count (Mastodon hides counts
    until a poll ends if its author asked for that); never 0 in place of "unknown".
    """

    label: str
    votes: int | None = None


@dataclass
class Poll:
    """A poll on a post, with its counts as they were when the snapshot recorded them.

    Tweetorials ask a question and answer it a few posts later, so the counts are part of the
    lesson. ``final`` is True only when the platform's answer shows the poll had ended when the
    counts were read (X ``counts_are_final``; FxTwitter "Final results"; Mastodon ``expired``):
    interim counts are labelled with ``counted_at`` instead. ``total_votes`` is the platform's
    total when it gives one (votes, not voters: a multiple-choice poll can have more votes than
    voters, which ``voters`` records where the platform says).
    """

    options: list[PollOption]
    total_votes: int | None = None
    final: bool = False
    ends_at: str | None = None  # when the poll closes, or closed
    counted_at: str | None = None  # when these counts were read (the fetch time)
    multiple: bool = False  # readers could choose more than one option (Mastodon)
    voters: int | None = None  # people who voted, where the platform gives it

    @property
    def has_counts(self) -> bool:
        """Every option has a count (nothing hidden)."""
        return bool(self.options) and all(o.votes is not None for o in self.options)

    @property
    def total(self) -> int | None:
        """The total to show: the platform's, else the sum of the counts, else ``None``."""
        if self.total_votes is not None:
            return self.total_votes
        if self.has_counts:
            return sum(o.votes or 0 for o in self.options)
        return None


@dataclass(slots=True)
class CommunityNote:
    """Context that X's Community Notes added under a post (readers saw it; so do ours).

    ``html`` is sanitised; ``created_at`` is set when the source gives the note's date.
    """

    text: str
    html: str
    created_at: str | None = None


@dataclass(slots=True)
class Rendition:
    """One web size of a processed image, relative to the site root (``media/ab12…-960.webp``)."""

    width: int
    height: int
    webp: str
    fallback: str  # JPEG, or PNG when the image has transparency


@dataclass(slots=True)
class LocalImage:
    """Where the media pipeline stored an image and the sizes it wrote.

    ``sha256`` names the original bytes, so the same picture posted twice is stored once and
    never processed again.
    """

    sha256: str
    width: int
    height: int
    original: str  # path of the kept original, relative to the site root
    renditions: list[Rendition] = field(default_factory=list)


@dataclass
class LocalVideo:
    """An archived MP4, served from the site (``media/ab/ab12….mp4``).

    Named by the SHA-256 of its bytes like images, so a video posted twice is stored once
    and a second fetch finds it on disk instead of downloading it again.
    """

    sha256: str
    file: str  # path relative to the site root
    bytes: int


@dataclass(frozen=True)
class VideoVariant:
    """One MP4 version of a video, as a source lists it; ``bitrate`` in bits per second."""

    url: str
    bitrate: int | None = None
    duration: float | None = None  # seconds, to estimate the size before downloading


@dataclass(slots=True)
class Media:
    """A picture, video or GIF attached to a post.

    For video and GIF, ``url`` is the poster image and ``link`` the original video. ``alt`` is
    the platform's alt text, empty when the author gave none (placeholders such as Twitter's
    ``"Image"`` are normalised to empty by the sources). ``error`` records why the media
    pipeline could not archive the image, so the page can show a placeholder instead.
    """

    kind: str  # one of MEDIA_KINDS
    url: str
    alt: str = ""
    width: int | None = None
    height: int | None = None
    link: str | None = None
    local: LocalImage | None = None
    error: str | None = None
    #: The archived MP4 of a video or GIF, and why it is not archived when it is not (over
    #: the size cap, not MP4, ...): the page then shows the poster and says so.
    video: LocalVideo | None = field(default=None, metadata=since(2))
    video_error: str | None = field(default=None, metadata=since(2))
    #: MP4 versions the source offered, best first (never archived: the fetch picks the
    #: best one under the size cap and only the result is kept).
    variants: list[VideoVariant] = field(
        default_factory=list, compare=False, metadata={"archived": False}
    )


@dataclass(slots=True)
class Author:
    name: str
    handle: str  # without the leading @; for Mastodon ``user@host``
    url: str
    avatar_url: str | None = None
    avatar: LocalImage | None = None


@dataclass(slots=True)
class LinkCard:
    """The preview a platform showed for an external link."""

    url: str
    title: str = ""
    description: str = ""
    image: Media | None = None


@dataclass(slots=True)
class Post:
    """One post of a thread, or a quoted post (then ``author`` says whose it is)."""

    id: str
    url: str
    created_at: str | None
    text: str
    html: str
    media: list[Media] = field(default_factory=list)
    quote: Post | None = None
    card: LinkCard | None = None
    author: Author | None = None  # None: the thread's author
    status: str = "ok"  # one of POST_STATUSES
    last_seen: str | None = None  # when a fetch last saw the post alive
    truncated: bool = False  # the platform cut the text and no source had all of it
    poll: Poll | None = field(default=None, metadata=since(2))
    community_note: CommunityNote | None = field(default=None, metadata=since(2))
    #: The post's language as its platform recorded it (BCP 47: ``es``, ``pt-BR``).
    lang: str | None = field(default=None, metadata=since(2))

    def numbered_images(self) -> list[tuple[int, Media, bool]]:
        """Every image shown with this post as ``(position, media, in_quote)``, from 1.

        A quoted post's images count on after the post's own, so the catalog's
        ``images: [{post, image}]`` keys reach them too (alt overrides, ``check``).
        """
        quoted = self.quote.media if self.quote else []
        pairs = [(m, False) for m in self.media] + [(m, True) for m in quoted]
        return [(n, m, in_quote) for n, (m, in_quote) in enumerate(pairs, start=1)]


#: Where an imported copy came from, as the page's credibility panel words it.
PROVENANCE_KINDS: dict[str, str] = {
    "x-archive": "Imported from the author's X archive",
    "mastodon-export": "Imported from the author's Mastodon account export",
    "bluesky-repo": "Imported from the author's Bluesky repository export",
    "unrolled": "Archived from an unrolled copy",
}


@dataclass
class Provenance:
    """Where a copy that was not fetched from the platform came from (``tweetorials import``).

    Readers weigh a copy by its source: the author's own export is as good as the original, an
    unrolled page is someone else's transcript. ``saved`` is when the export or page was made
    (not when it was imported), ``url`` the address of an unrolled copy, http(s) only.
    """

    kind: str  # one of PROVENANCE_KINDS
    saved: str | None = None
    url: str | None = None

    @property
    def description(self) -> str:
        return PROVENANCE_KINDS.get(self.kind, self.kind)


@dataclass
class Thread:
    """A whole thread as archived: the author, the posts in reading order, and provenance."""

    platform: str  # one of PLATFORMS
    url: str  # canonical URL of the first post
    author: Author
    posts: list[Post]
    fetched_at: str | None = None
    source: str = ""  # which API or file produced it, e.g. "fxtwitter", "syndication", "manual"
    sample: bool = False  # text written by this project to demonstrate the site
    status: str = "ok"  # "deleted" when the whole thread is gone upstream
    note: str = ""  # provenance note for hand-written snapshots
    provenance: Provenance | None = None  # set by ``tweetorials import``
    schema: int = SCHEMA_VERSION
    #: What the last fetch wants a maintainer to know, e.g. that posts after the first may be
    #: missing. Archived so that the build log and ``tweetorials check`` can say it long after
    #: the fetch; a later fetch replaces them with its own (none when it was complete).
    caveats: list[str] = field(default_factory=list, metadata=since(2))

    @property
    def author_key(self) -> str | None:
        """``platform:handle``, the form exclusions use; None for hand-written copies."""
        if self.platform in FETCHED_PLATFORMS:
            return f"{self.platform}:{self.author.handle.lower()}"
        return None

    @property
    def first_post_time(self) -> str | None:
        return next((p.created_at for p in self.posts if p.created_at), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every field, in declaration order, ``schema`` first."""
        data = _to_dict(self)
        data = {"schema": data.pop("schema"), **data}
        return data


def _to_dict(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_to_dict(item) for item in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {
            f.name: _to_dict(getattr(obj, f.name))
            for f in fields(obj)
            if f.metadata.get("archived", True)
        }
    return obj


# --------------------------------------------------------------------------------------------
# Reading the JSON form back, with validation that names the offending field.


class SnapshotError(ValueError):
    """A snapshot file that cannot be trusted; the message names the file and the field."""


def thread_from_dict(data: Any, where: str = "snapshot") -> Thread:
    """Build a :class:`Thread` from its JSON form, or raise :class:`SnapshotError`.

    ``where`` prefixes every message (usually the file name), so an error reads
    ``content/threads/x-123.json: posts[2].media[0].kind: 'photo' is not one of image, video, gif``.
    """
    obj = _Reader(where, SCHEMA_VERSION).mapping(data, "")
    schema = obj.get("schema")
    if type(schema) is not int or schema not in READABLE_SCHEMAS:
        readable = " and ".join(str(v) for v in READABLE_SCHEMAS)
        raise SnapshotError(
            f"{where}: schema {schema!r} is not supported; this version reads schema "
            f"{readable} (re-fetch the thread or upgrade tweetorials)"
        )
    return _Reader(where, schema).thread(obj, "")


@lru_cache(maxsize=64)
def _known_fields(cls: type, schema: int) -> frozenset[str]:
    """The archived fields of ``cls`` in a ``schema`` file (worked out once per class, not
    once per post: a large library has tens of thousands of objects to check)."""
    return frozenset(
        f.name for f in fields(cls) if field_since(f) <= schema and f.metadata.get("archived", True)
    )


class _Reader:
    def __init__(self, where: str, schema: int) -> None:
        self.where = where
        self.schema = schema  # the file's version: fields introduced later are unknown

    def fail(self, path: str, message: str) -> SnapshotError:
        location = f"{self.where}: {path.lstrip('.')}" if path else self.where
        return SnapshotError(f"{location}: {message}")

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, found {type(value).__name__}")
        return value

    def get(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(f"{path}.{key}", "is required")
            return default
        value = obj[key]
        # bool is an int in Python; a width of ``true`` is still wrong.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
            names = " or ".join(t.__name__ for t in _tuple(kind))
            raise self.fail(f"{path}.{key}", f"expected {names}, found {type(value).__name__}")
        return value

    def choice(
        self, obj: dict[str, Any], key: str, path: str, allowed: tuple[str, ...], default: str
    ) -> str:
        value = self.get(obj, key, path, str, default=default)
        if value not in allowed:
            raise self.fail(f"{path}.{key}", f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def unknown_keys(self, obj: dict[str, Any], cls: type, path: str) -> None:
        known = _known_fields(cls, self.schema)
        if known.issuperset(obj):
            return
        extra = sorted(set(obj) - known)
        if extra:
            raise self.fail(
                path,
                f"unknown field(s) {', '.join(extra)} in a schema {self.schema} file; "
                f"known: {', '.join(sorted(known))}",
            )

    def objects(
        self, obj: dict[str, Any], key: str, path: str, read: Any, *, required: bool = False
    ) -> list[Any]:
        """``read(mapping, path)`` of each object in the list at ``key`` (``[]`` when absent)."""
        items = self.get(obj, key, path, list, required=required, default=[])
        return [
            read(self.mapping(item, f"{path}.{key}[{i}]"), f"{path}.{key}[{i}]")
            for i, item in enumerate(items)
        ]

    def optional(self, obj: dict[str, Any], key: str, path: str, read: Any) -> Any:
        """``read(mapping, path)`` of a nested object, or ``None`` when the key is absent."""
        value = obj.get(key)
        if value is None:
            return None
        return read(self.mapping(value, f"{path}.{key}"), f"{path}.{key}")

    def thread(self, obj: dict[str, Any], path: str) -> Thread:
        self.unknown_keys(obj, Thread, path)
        posts_raw = self.get(obj, "posts", path, list, required=True)
        provenance = obj.get("provenance")
        if not posts_raw:
            raise self.fail(f"{path}.posts", "a thread needs at least one post")
        return Thread(
            platform=self.choice(obj, "platform", path, PLATFORMS, ""),
            url=self.get(obj, "url", path, str, required=True),
            author=self.author(self.mapping(obj.get("author"), f"{path}.author"), f"{path}.author"),
            posts=[
                self.post(self.mapping(p, f"{path}.posts[{i}]"), f"{path}.posts[{i}]")
                for i, p in enumerate(posts_raw)
            ],
            fetched_at=self.get(obj, "fetched_at", path, str),
            source=self.get(obj, "source", path, str, default=""),
            sample=self.get(obj, "sample", path, bool, default=False),
            status=self.choice(obj, "status", path, POST_STATUSES, "ok"),
            note=self.get(obj, "note", path, str, default=""),
            provenance=self.provenance(self.mapping(provenance, f"{path}.provenance"))
            if provenance
            else None,
            caveats=self.strings(obj, "caveats", path),
        )

    def strings(self, obj: dict[str, Any], key: str, path: str) -> list[str]:
        values: list[Any] = self.get(obj, key, path, list, default=[])
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail(f"{path}.{key}[{i}]", f"expected str, found {type(value).__name__}")
        return list(values)

    def provenance(self, obj: dict[str, Any]) -> Provenance:
        path = ".provenance"
        self.unknown_keys(obj, Provenance, path)
        url = self.get(obj, "url", path, str)
        if url is not None and not url.startswith(("https://", "http://")):
            raise self.fail(f"{path}.url", f"{url!r} must be an http(s) address")
        return Provenance(
            kind=self.choice(obj, "kind", path, tuple(PROVENANCE_KINDS), ""),
            saved=self.get(obj, "saved", path, str),
            url=url,
        )

    def author(self, obj: dict[str, Any], path: str) -> Author:
        self.unknown_keys(obj, Author, path)
        avatar = obj.get("avatar")
        return Author(
            name=self.get(obj, "name", path, str, required=True),
            handle=self.get(obj, "handle", path, str, required=True),
            url=self.get(obj, "url", path, str, required=True),
            avatar_url=self.get(obj, "avatar_url", path, str),
            avatar=self.local(self.mapping(avatar, f"{path}.avatar"), f"{path}.avatar")
            if avatar
            else None,
        )

    def post(self, obj: dict[str, Any], path: str) -> Post:
        self.unknown_keys(obj, Post, path)
        quote = obj.get("quote")
        card = obj.get("card")
        author = obj.get("author")
        return Post(
            id=self.get(obj, "id", path, str, required=True),
            url=self.get(obj, "url", path, str, required=True),
            created_at=self.get(obj, "created_at", path, str),
            text=self.get(obj, "text", path, str, default=""),
            html=self.get(obj, "html", path, str, default=""),
            media=self.objects(obj, "media", path, self.media),
            quote=self.post(self.mapping(quote, f"{path}.quote"), f"{path}.quote")
            if quote
            else None,
            card=self.card(self.mapping(card, f"{path}.card"), f"{path}.card") if card else None,
            author=self.author(self.mapping(author, f"{path}.author"), f"{path}.author")
            if author
            else None,
            status=self.choice(obj, "status", path, POST_STATUSES, "ok"),
            last_seen=self.get(obj, "last_seen", path, str),
            truncated=self.get(obj, "truncated", path, bool, default=False),
            poll=self.optional(obj, "poll", path, self.poll),
            community_note=self.optional(obj, "community_note", path, self.community_note),
            lang=self.get(obj, "lang", path, str),
        )

    def poll(self, obj: dict[str, Any], path: str) -> Poll:
        self.unknown_keys(obj, Poll, path)
        options = self.objects(obj, "options", path, self.poll_option, required=True)
        if len(options) < 2:
            raise self.fail(f"{path}.options", "a poll needs at least two options")
        return Poll(
            options=options,
            total_votes=self.count(obj, "total_votes", path),
            final=self.get(obj, "final", path, bool, default=False),
            ends_at=self.get(obj, "ends_at", path, str),
            counted_at=self.get(obj, "counted_at", path, str),
            multiple=self.get(obj, "multiple", path, bool, default=False),
            voters=self.count(obj, "voters", path),
        )

    def poll_option(self, obj: dict[str, Any], path: str) -> PollOption:
        self.unknown_keys(obj, PollOption, path)
        return PollOption(
            label=self.get(obj, "label", path, str, required=True),
            votes=self.count(obj, "votes", path),
        )

    def count(self, obj: dict[str, Any], key: str, path: str) -> int | None:
        value: int | None = self.get(obj, key, path, int)
        if value is not None and value < 0:
            raise self.fail(f"{path}.{key}", f"a count cannot be negative, found {value}")
        return value

    def community_note(self, obj: dict[str, Any], path: str) -> CommunityNote:
        self.unknown_keys(obj, CommunityNote, path)
        return CommunityNote(
            text=self.get(obj, "text", path, str, required=True),
            html=self.get(obj, "html", path, str, default=""),
            created_at=self.get(obj, "created_at", path, str),
        )

    def media(self, obj: dict[str, Any], path: str) -> Media:
        self.unknown_keys(obj, Media, path)
        local = obj.get("local")
        return Media(
            kind=self.choice(obj, "kind", path, MEDIA_KINDS, ""),
            url=self.get(obj, "url", path, str, required=True),
            alt=self.get(obj, "alt", path, str, default=""),
            width=self.get(obj, "width", path, int),
            height=self.get(obj, "height", path, int),
            link=self.get(obj, "link", path, str),
            local=self.local(self.mapping(local, f"{path}.local"), f"{path}.local")
            if local
            else None,
            error=self.get(obj, "error", path, str),
            video=self.optional(obj, "video", path, self.video),
            video_error=self.get(obj, "video_error", path, str),
        )

    def video(self, obj: dict[str, Any], path: str) -> LocalVideo:
        self.unknown_keys(obj, LocalVideo, path)
        return LocalVideo(
            sha256=self.get(obj, "sha256", path, str, required=True),
            file=self.get(obj, "file", path, str, required=True),
            bytes=self.get(obj, "bytes", path, int, required=True),
        )

    def local(self, obj: dict[str, Any], path: str) -> LocalImage:
        self.unknown_keys(obj, LocalImage, path)
        renditions = self.objects(obj, "renditions", path, self.rendition)
        return LocalImage(
            sha256=self.get(obj, "sha256", path, str, required=True),
            width=self.get(obj, "width", path, int, required=True),
            height=self.get(obj, "height", path, int, required=True),
            original=self.get(obj, "original", path, str, required=True),
            renditions=renditions,
        )

    def rendition(self, obj: dict[str, Any], path: str) -> Rendition:
        self.unknown_keys(obj, Rendition, path)
        return Rendition(
            width=self.get(obj, "width", path, int, required=True),
            height=self.get(obj, "height", path, int, required=True),
            webp=self.get(obj, "webp", path, str, required=True),
            fallback=self.get(obj, "fallback", path, str, required=True),
        )

    def card(self, obj: dict[str, Any], path: str) -> LinkCard:
        self.unknown_keys(obj, LinkCard, path)
        image = obj.get("image")
        return LinkCard(
            url=self.get(obj, "url", path, str, required=True),
            title=self.get(obj, "title", path, str, default=""),
            description=self.get(obj, "description", path, str, default=""),
            image=self.media(self.mapping(image, f"{path}.image"), f"{path}.image")
            if image
            else None,
        )


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
