"""What every importer produces, and the interface a new export format implements.

An importer's only job is to read its format into an :class:`Export`: every post the source
holds, already normalised into snapshot :class:`~tweetorials.snapshot.Post` objects (text with
links expanded, HTML sanitised, media with their alt text), plus who replies to whom and who
could see it. Everything after that is shared by all formats and lives elsewhere in this
package: choosing the thread and stopping at non-public posts (:mod:`.selfthread`), listing
candidates, processing images through the Pillow pipeline (:mod:`.media`), provenance, the
never-worse merge and writing the files (the ``tweetorials import`` command).

An importer never uses the network: ``SOURCE`` is a file or folder, and importing works offline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..snapshot import Author, Post
from .archive import SourceFiles

__all__ = [
    "AUDIENCES",
    "PUBLIC_AUDIENCES",
    "ArchivedPost",
    "Export",
    "Importer",
    "MediaLoader",
]

#: Who could see a post. ``unlisted`` is public (anyone with the link, just not on timelines);
#: ``followers`` (Mastodon followers-only), ``direct`` (direct messages) and ``protected`` (a
#: post made while an X account was protected) are not, and are never published.
AUDIENCES: tuple[str, ...] = ("public", "unlisted", "followers", "direct", "protected")
PUBLIC_AUDIENCES: tuple[str, ...] = ("public", "unlisted")
AUDIENCE_WORDS: dict[str, str] = {
    "followers": "followers-only",
    "direct": "a direct message",
    "protected": "from a time the account was protected",
}

#: Returns the bytes of one media file held by the export (read under the source's caps).
MediaLoader = Callable[[], bytes]


@dataclass
class ArchivedPost:
    """One post of the export, before the thread is chosen.

    ``post.id`` is the key the thread is addressed by (``--thread``); ``parent_id`` is the post
    it replies to, whoever wrote that (None: not a reply). ``by_author`` is False for posts by
    other people that an export may hold (a quoted post, someone else's reply).
    """

    post: Post
    parent_id: str | None = None
    by_author: bool = True
    audience: str = "public"  # one of AUDIENCES

    @property
    def is_public(self) -> bool:
        return self.audience in PUBLIC_AUDIENCES


@dataclass
class Export:
    """Everything an importer read from one source.

    * ``kind`` is the provenance kind (:data:`~tweetorials.snapshot.model.PROVENANCE_KINDS`),
      ``platform`` the snapshot platform (``x``, ``mastodon``, ``bluesky``; ``manual`` for an
      unrolled copy whose original address is unknown).
    * ``posts`` by id, in the order the source holds them.
    * ``media`` maps a ``Media.url`` to a loader of its bytes. A media item whose URL is not
      there is one the export names but does not hold: it is imported as "not archived".
    * ``saved`` (ISO 8601 UTC) is when the export was made; it becomes the snapshot's
      ``fetched_at`` and provenance date, so importing the same source twice writes the same
      bytes. Importers take it from the export's own metadata, else
      :func:`tweetorials.rescue.times.modified_time` of the source.
    * ``handwritten``: write a hand-written YAML snapshot for review (unrolled copies) instead
      of JSON.
    * ``source_url``: the address of an unrolled copy, when the copy names it.
    * ``warnings``: one line each, printed by the command (the import still succeeds).
    """

    kind: str
    platform: str
    author: Author
    posts: dict[str, ArchivedPost]
    saved: str
    media: dict[str, MediaLoader] = field(default_factory=dict)
    handwritten: bool = False
    source_url: str | None = None
    warnings: list[str] = field(default_factory=list)


class Importer(Protocol):
    """One export format. Register an instance in :data:`tweetorials.rescue.registry.IMPORTERS`.

    ``recognises`` must be cheap and must not refuse: it looks at member names (and at most the
    first bytes of one member) and says whether this format is the one. ``read`` does the work
    and raises :class:`~tweetorials.rescue.errors.RefusedImport` for anything wrong.
    """

    kind: str  # provenance kind, e.g. "x-archive"
    label: str  # how the wrong-kind message names it: "an X archive (data/tweets.js)"

    def recognises(self, files: SourceFiles) -> bool: ...

    def read(self, files: SourceFiles) -> Export: ...
