"""The catalog as the rest of the code sees it: specialties and thread entries, validated.

These are plain frozen dataclasses with every field present, so code that reads an entry never
has to ask whether an attribute exists. :mod:`tweetorials.catalog.load` builds them from
``threads.yaml`` and is the only place that knows the file's spelling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..platforms import PostRef

__all__ = ["Catalog", "CatalogEntry", "Exclusion", "ImageNote", "Problem", "Review", "Specialty"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in the catalog, at a line of the file."""

    line: int
    message: str

    def format(self, path: Path | str) -> str:
        """``threads.yaml:LINE: message`` (no line when the problem is the whole file)."""
        name = Path(path).name
        return f"{name}:{self.line}: {self.message}" if self.line else f"{name}: {self.message}"


@dataclass(frozen=True)
class Specialty:
    slug: str
    name: str
    description: str
    colour: str  # "#rrggbb", used on pages and social cards


@dataclass(frozen=True)
class ImageNote:
    """A maintainer's alt text and/or long description for one image (1-based positions)."""

    post: int
    image: int
    alt: str | None
    description: str | None
    line: int


@dataclass(frozen=True)
class Review:
    """Who checked the thread for accuracy, when, and any conflicts of interest they declared."""

    reviewer: str
    reviewed_on: dt.date | None
    conflicts: str | None


@dataclass(frozen=True)
class Exclusion:
    """An author or a thread that asked to be removed: never fetched, never built."""

    author: str | None  # "x:handle", "bluesky:handle", "mastodon:user@host", compared lower-case
    url_key: str | None  # PostRef.key of an excluded thread
    reason: str
    line: int

    def describe(self) -> str:
        """``the exclude entry on line 12 (asked by email)``: how every message names it."""
        why = f" ({self.reason})" if self.reason else ""
        return f"the exclude entry on line {self.line}{why}"


@dataclass(frozen=True)
class CatalogEntry:
    """One curated thread."""

    url: str
    ref: PostRef
    slug: str  # snapshot file stem under content/threads/
    specialties: tuple[str, ...]
    tags: tuple[str, ...] = ()
    title: str | None = None
    note: str = ""  # Markdown
    added: dt.date | None = None
    featured: bool = False
    last_url: str | None = None  # X: the thread's last tweet, for walking up
    last_ref: PostRef | None = None
    review: Review | None = None
    images: tuple[ImageNote, ...] = ()
    line: int = 0

    @property
    def platform(self) -> str:
        return self.ref.platform

    @property
    def author_keys(self) -> set[str]:
        """``platform:handle`` forms that the URL alone tells about the author (for exclusions)."""
        ref = self.ref
        if ref.platform == "mastodon":
            return {f"mastodon:{ref.user.lower()}@{ref.host}"}
        if ref.platform in ("x", "bluesky") and ref.user and ref.user != "i":
            return {f"{ref.platform}:{ref.user.lower()}"}
        return set()

    def image_note(self, post: int, image: int) -> ImageNote | None:
        return next((n for n in self.images if n.post == post and n.image == image), None)


@dataclass
class Catalog:
    path: Path
    specialties: dict[str, Specialty]
    entries: list[CatalogEntry]
    exclusions: list[Exclusion] = field(default_factory=list)

    def exclusion_for(self, entry: CatalogEntry, author_key: str | None = None) -> Exclusion | None:
        """The exclusion that removes ``entry``, if any.

        ``author_key`` (``platform:handle`` from a snapshot) catches authors whose handle the
        URL does not show, such as Bluesky threads addressed by DID.
        """
        authors = entry.author_keys | ({author_key.lower()} if author_key else set())
        for exclusion in self.exclusions:
            if exclusion.url_key == entry.ref.key or (
                exclusion.author and exclusion.author in authors
            ):
                return exclusion
        return None

    @property
    def included(self) -> list[CatalogEntry]:
        """Entries not removed by an exclusion that the URL alone reveals."""
        return [e for e in self.entries if self.exclusion_for(e) is None]

    def find(self, url: str) -> CatalogEntry | None:
        """The entry for ``url`` in any of its spellings (``x.com`` or ``twitter.com``, ...)."""
        from ..platforms import UnsupportedURL, parse_post_url

        try:
            key = parse_post_url(url).key
        except UnsupportedURL:
            key = None
        return next((e for e in self.entries if e.ref.key == key or e.url == url.strip()), None)
