"""What a thread page needs, computed once in Python so templates only lay it out.

A :class:`ThreadView` joins the maintainer's catalog entry with the archived snapshot: the
title (the curator's, or the first sentence of the first post), the specialties with their
names and colours, reading time, per-post numbering, the alt text after the curator's
overrides, and plain-text fields for summaries, feeds and citations. Pelican's Article gets
one attribute, ``tweetorial``, holding it (instead of dozens of loose metadata attributes).
"""

from __future__ import annotations

import datetime as dt
import marshal
import re
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, overload

import markdown

from ..catalog import CatalogEntry, Specialty
from ..languages import primary_subtag, thread_language
from ..media.alt import effective_alt, normalise_alt
from ..platforms import PLATFORM_NAMES
from ..sanitize import clean_html
from ..snapshot import Media, Post, Thread
from .poll_view import PollView, build_poll_view
from .references import Reference

if TYPE_CHECKING:
    from .citation_files import CitationView
    from .enrich import Neighbours
    from .structured_data import PageMeta

__all__ = [
    "MediaView",
    "PostView",
    "ReleasedPosts",
    "ThreadExtras",
    "ThreadView",
    "build_view",
    "derive_title",
    "parse_time",
]

WORDS_PER_MINUTE = 200


@dataclass(frozen=True, slots=True)
class MediaView:
    media: Media
    alt: str  # curator's override, else the platform's, else ""
    description: str  # curator's long description, shown as a caption
    number: int
    lang: str | None = None  # ``lang`` of the alt text when it is not in the site's language
    key: str = ""  # ``POST-IMAGE``, unique on the page: the id a video's description goes by


@dataclass(frozen=True, slots=True)
class PostView:
    post: Post
    number: int  # 1-based; the page anchor is #post-N
    media: list[MediaView]
    quote_media: list[MediaView] = field(default_factory=list)  # the quoted post's images
    #: ``lang`` attributes for the post's text and its quote's, set only where the language
    #: differs from the site's (the language of everything around them on the page).
    lang: str | None = None
    quote_lang: str | None = None
    poll: PollView | None = None
    quote_poll: PollView | None = None  # a poll on the quoted post

    @property
    def anchor(self) -> str:
        return f"post-{self.number}"

    @property
    def is_missing(self) -> bool:
        return self.post.status != "ok"


@dataclass
class ThreadExtras:
    """What the later stages add to a thread's view; the theme's ``partials/`` read these.

    Between the moment they are made and the moment the thread's page is written, a
    1,000-thread build holds these for every thread. The references (about 5 KB a thread) are
    therefore kept marshalled and compressed (about 300 bytes; 60 us to pack, 10 us to read),
    and the page's head is made only when the page is written. What the page reads is kept
    from its first reading until :meth:`forget_page`, which the build calls once the page is
    written; read again after that, it is made again, the same.
    """

    card: str | None = None  # the social card, site-relative (render.plugin)
    # When it was archived; a hand-written copy's catalog date stands in (render.enrich).
    archived_on: dt.datetime | None = None
    citation: CitationView | None = None  # (render.enrich)
    prevnext: Neighbours | None = None  # (render.enrich)
    #: Makes :attr:`meta` (render.enrich), so that it exists only while the page is written.
    make_meta: Callable[[], PageMeta] | None = None
    _meta: PageMeta | None = field(default=None, repr=False)
    _packed_references: bytes | None = field(default=None, repr=False)
    _references: list[Reference] | None = field(default=None, repr=False)

    @property
    def references(self) -> list[Reference] | None:
        """The references found in the posts (render.plugin); None: not looked for yet."""
        if self._references is None and self._packed_references is not None:
            if not self._packed_references:
                raise RuntimeError("a thread's references were read after its page was written")
            fields = marshal.loads(zlib.decompress(self._packed_references))
            self._references = [Reference(*found) for found in fields]
        return self._references

    @references.setter
    def references(self, value: list[Reference] | None) -> None:
        self._references = None
        if value is None:
            self._packed_references = None
            return
        # marshal, not pickle: plain tuples, which pickle handles ten times slower than marshal
        # once they are slotted dataclasses (150 us a thread against 60 us, packed and read).
        fields = [(r.kind, r.identifier, r.url, r.title, r.source_url, r.posts) for r in value]
        self._packed_references = zlib.compress(marshal.dumps(fields), 1)

    @property
    def has_references(self) -> bool:
        """The references were looked for (:attr:`references` is not None), without reading
        them."""
        return self._packed_references is not None

    @property
    def meta(self) -> PageMeta | None:
        """Canonical URL, description, JSON-LD: the page's head, read by the page alone."""
        if self._meta is None and self.make_meta is not None:
            self._meta = self.make_meta()
        return self._meta

    @meta.setter
    def meta(self, value: PageMeta | None) -> None:
        self._meta = value

    def release_references(self) -> None:
        """The page is written, and it is their only reader: let the references go (a later
        read is a bug, and says so). :attr:`has_references` stays true."""
        self._references = None
        if self._packed_references is not None:
            self._packed_references = b""  # never a packed list: zlib output is not empty

    def forget_page(self) -> None:
        """Let go of what the page read and can be made again: its head and the references
        read out of their packed form."""
        if self.make_meta is not None:
            self._meta = None
        self._references = None


@dataclass
class ThreadView:
    entry: CatalogEntry
    thread: Thread
    title: str
    specialties: list[Specialty]
    posts: Sequence[PostView]  # a ReleasedPosts once the page body is made
    posted: dt.datetime | None
    archived: dt.datetime | None
    words: int
    summary: str
    note_html: str  # the curator's note, Markdown rendered and sanitised
    #: The thread's language (most of its posts'), else the site's: ``<html lang>``, which
    #: Pagefind indexes by, and JSON-LD ``inLanguage``.
    language: str = "en"
    site_language: str = "en"
    title_lang: str | None = None  # ``lang`` of a title taken from the first post
    extra: ThreadExtras = field(default_factory=lambda: ThreadExtras())

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES.get(self.thread.platform, self.thread.platform)

    @property
    def author(self):  # type: ignore[no-untyped-def]
        return self.thread.author

    @property
    def provenance_saved(self) -> dt.datetime | None:
        """When the export or unrolled page an imported copy came from was saved."""
        provenance = self.thread.provenance
        return parse_time(provenance.saved) if provenance else None

    @property
    def missing_posts(self) -> int:
        return sum(1 for p in self.posts if p.is_missing)

    @property
    def foreign(self) -> bool:
        """The thread is not in the site's language (the page chrome is then marked as such)."""
        return primary_subtag(self.language) != primary_subtag(self.site_language)

    @property
    def noted_posts(self) -> list[PostView]:
        """Posts that carry a Community Note, for the credibility panel."""
        return [p for p in self.posts if p.post.community_note is not None]

    @property
    def text(self) -> str:
        """All the posts' text, for search snippets and social cards."""
        return "\n\n".join(p.post.text for p in self.posts)

    def release_posts(self) -> None:
        """Forget the posts once the page body (``article.content``: the page, the feed entry,
        what search indexes) and the references have been made from them.

        What the page and the listings still read of them stays: how many there are and which
        are gone (``posts|length``, :attr:`missing_posts`), the posts that carry a Community
        Note (:attr:`noted_posts`: number, status and note) and the text of the first post
        with text, which names the thread in citations. Everything else (the other posts,
        HTML, images, quotes, link cards, polls, and the snapshot's own copies) is let go, so
        a 1,000-thread build holds its threads' posts once, as page bodies, and not three
        times over (snapshot, view and HTML).
        """
        first = next((i for i, p in enumerate(self.posts) if p.post.text.strip()), 0)
        kept: dict[int, PostView] = {}
        for i, post_view in enumerate(self.posts):
            post = post_view.post
            if i == first or post.community_note is not None:
                kept[i] = PostView(
                    post=Post(
                        id="",
                        url="",
                        created_at=None,
                        text=post.text if i == first else "",
                        html="",
                        status=sys.intern(post.status),
                        community_note=post.community_note,
                    ),
                    number=post_view.number,
                    media=[],
                )
        # Interned: each post's status is its own string as the snapshot was read (15,000 of
        # them in a 1,000-thread library, 0.75 MB, nearly all "ok").
        statuses = tuple(sys.intern(p.post.status) for p in self.posts)
        self.posts = ReleasedPosts(statuses, kept)
        self.thread.posts = [p.post for p in kept.values()]


class ReleasedPosts(Sequence[PostView]):
    """A thread's posts after :meth:`ThreadView.release_posts`: the posts it kept, and for the
    others a stand-in that knows only its number and its status (no text, images or link)."""

    __slots__ = ("_kept", "_statuses")

    def __init__(self, statuses: tuple[str, ...], kept: dict[int, PostView]) -> None:
        self._statuses = statuses
        self._kept = kept

    def __len__(self) -> int:
        return len(self._statuses)

    @overload
    def __getitem__(self, index: int) -> PostView: ...
    @overload
    def __getitem__(self, index: slice) -> list[PostView]: ...
    def __getitem__(self, index: int | slice) -> PostView | list[PostView]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
            if index < 0:  # before the first post: an error, as for a list
                raise IndexError("post index out of range")
        kept = self._kept.get(index)
        if kept is not None:
            return kept
        status = self._statuses[index]  # IndexError past the end, as a list
        return _released_post(status, index + 1)

    def __iter__(self) -> Iterator[PostView]:
        """The posts in order; a page iterates them three times (missing and noted posts)."""
        kept = self._kept
        for index, status in enumerate(self._statuses):
            yield kept.get(index) or _released_post(status, index + 1)


@cache
def _released_post(status: str, number: int) -> PostView:
    """The stand-in for a released post: one per status and number, shared by every thread
    (nothing writes to it), so that reading a thread's posts makes no new objects."""
    post = Post(id="", url="", created_at=None, text="", html="", status=status)
    return PostView(post=post, number=number, media=[])


def build_view(
    entry: CatalogEntry,
    thread: Thread,
    specialties: dict[str, Specialty],
    site_language: str = "en",
) -> ThreadView:
    """Everything the thread page shows; ``site_language`` is Pelican's ``DEFAULT_LANG``."""
    language = thread_language(p.lang for p in thread.posts) or site_language
    marks = _LangMarks(site_language, language)
    posts = [_post_view(entry, n, post, marks) for n, post in enumerate(thread.posts, start=1)]
    text = " ".join(p.text for p in thread.posts)
    posted = parse_time(thread.first_post_time)
    note_html = _note_html(entry.note) if entry.note else ""
    return ThreadView(
        entry=entry,
        thread=thread,
        title=entry.title or derive_title(thread),
        specialties=[specialties[s] for s in entry.specialties],
        posts=posts,
        posted=posted,
        archived=parse_time(thread.fetched_at),
        words=len(text.split()),
        summary=_summary(note_html, thread),
        note_html=note_html,
        language=language,
        site_language=site_language,
        title_lang=None if entry.title else marks.attr(thread.posts[0].lang),
    )


@dataclass(frozen=True)
class _LangMarks:
    """Which ``lang`` attribute a piece of a post needs on a page whose chrome is in the
    site's language: none when it is in that language too (or says nothing, in a thread in
    that language), else its own or, for a post that says nothing, the thread's."""

    site: str
    thread: str

    def attr(self, tag: str | None) -> str | None:
        effective = tag or self.thread
        return None if primary_subtag(effective) == primary_subtag(self.site) else effective


_MARKDOWN = markdown.Markdown()
#: One line of words and prose punctuation, from a letter to something not a space: nothing
#: Markdown would turn into markup (no ``*_`[]<>&#\\``, no list or heading, no line break).
_PLAIN_NOTE = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:?!'’‘“”()/%–—-])*(?<! )")


def _note_html(note: str) -> str:
    """The curator's note as sanitised HTML. Most notes are a plain sentence, which Markdown
    only wraps in ``<p>``: that is done directly (Markdown costs ~75 µs a note). Otherwise
    one Markdown converter, reset for each note: building one per thread costs more."""
    if _PLAIN_NOTE.fullmatch(note):
        return clean_html(f"<p>{note}</p>")
    return clean_html(_MARKDOWN.reset().convert(note))


def derive_title(thread: Thread, limit: int = 90) -> str:
    """The first sentence of the first post, cut at a word boundary: a thread's natural title."""
    text = re.sub(r"\s+", " ", thread.posts[0].text).strip()
    text = re.sub(r"https?://\S+", "", text).strip()
    sentence = re.split(r"(?<=[.!?…])\s", text, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence.rstrip(" :;,") or "Untitled thread"
    cut = sentence[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" :;,.") + "…"


def parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _post_view(entry: CatalogEntry, number: int, post: Post, marks: _LangMarks) -> PostView:
    own: list[MediaView] = []
    quoted: list[MediaView] = []
    lang = marks.attr(post.lang)
    quote_lang = marks.attr(post.quote.lang) if post.quote else None
    for image_no, media, in_quote in post.numbered_images():
        view = _media_view(entry, number, image_no, media, quote_lang if in_quote else lang)
        (quoted if in_quote else own).append(view)
    quote_poll = post.quote.poll if post.quote else None
    return PostView(
        post=post,
        number=number,
        media=own,
        quote_media=quoted,
        lang=lang,
        quote_lang=quote_lang,
        poll=build_poll_view(post.poll) if post.poll else None,
        quote_poll=build_poll_view(quote_poll) if quote_poll else None,
    )


def _media_view(
    entry: CatalogEntry, post_no: int, image_no: int, media: Media, post_lang: str | None
) -> MediaView:
    note = entry.image_note(post_no, image_no)
    alt = effective_alt(media, note.alt if note else None)
    curated = note is not None and bool(normalise_alt(note.alt))  # in the site's language
    return MediaView(
        media=media,
        alt=alt,
        description=(note.description or "").strip() if note else "",
        number=image_no,
        lang=None if curated else post_lang,
        key=f"{post_no}-{image_no}",
    )


def _summary(note_html: str, thread: Thread, limit: int = 200) -> str:
    """A plain-text description for listings and meta tags: the note's first paragraph, or the
    thread's opening words."""
    source = _first_block_text(note_html) if note_html else thread.posts[0].text
    source = re.sub(r"\s+", " ", source).strip()
    if len(source) <= limit:
        return source
    return source[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


class _FirstBlock(HTMLParser):
    """The text of the first ``<p>`` or ``<li>`` (everything inside it), and of the whole."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.block: list[str] | None = None  # None until the first p or li starts
        self.whole: list[str] = []
        self._open: str | None = None
        self._depth = 0
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if self._open is None and tag in ("p", "li"):
            self._open, self._depth, self.block = tag, 1, []
        elif tag == self._open:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open and not self.done:
            self._depth -= 1
            self.done = self._depth == 0

    def handle_data(self, data: str) -> None:
        self.whole.append(data)
        if self.block is not None and not self.done:
            self.block.append(data)


def _first_block_text(fragment: str) -> str:
    """What BeautifulSoup's ``find(["p", "li"]).get_text()`` gives, else all the text: the
    note is sanitised HTML, and the standard parser spares every build importing bs4 (about
    9 MB of memory) for one paragraph."""
    parser = _FirstBlock()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.block if parser.block is not None else parser.whole)
