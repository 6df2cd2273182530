"""The Mastodon account export ("Request your archive"), as its zip or unpacked folder.

What is read (the zip may wrap everything in one more folder):

* ``outbox.json`` and ``actor.json``: the posts and the author (see :mod:`.mastodon_notes`);
* ``media_attachments/...``: the pictures, at the path each attachment's ``url`` names. A
  picture the export names but does not hold is imported as "not archived".

When the export was made: Mastodon names the file ``archive-YYYYMMDDHHMMSS-<hex>.zip`` (UTC),
and nothing inside it says; so that time is read from the file name, else the file's
modification time stands in (:func:`~tweetorials.rescue.times.modified_time`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

from ..snapshot.times import format_utc
from .archive import SourceFiles
from .errors import RefusedImport
from .export import Export, MediaLoader
from .mastodon_notes import read_notes
from .times import modified_time

__all__ = ["MastodonExport", "export_time"]

_ARCHIVE_NAME = re.compile(r"^archive-(\d{14})-[0-9a-f]+\.(?:zip|tar\.gz)$")


class MastodonExport:
    """:class:`~tweetorials.rescue.export.Importer` for Mastodon account exports."""

    kind = "mastodon-export"
    label = "a Mastodon account export (zip or folder with outbox.json and actor.json)"

    def recognises(self, files: SourceFiles) -> bool:
        return _root(files) is not None

    def read(self, files: SourceFiles) -> Export:
        root = _root(files)
        if root is None:
            raise RefusedImport(f"{files.path}: no outbox.json and actor.json in the export")
        try:
            notes = read_notes(
                files.read_bytes(root + "outbox.json"), files.read_bytes(root + "actor.json")
            )
        except RefusedImport as exc:
            raise RefusedImport(f"{files.path}: {exc.message}") from None
        saved = export_time(files.path.name) or modified_time(files.path)
        for post in notes.posts.values():
            if post.post.poll is not None:
                post.post.poll.counted_at = saved  # the counts as they were at the export
        media: dict[str, MediaLoader] = {
            url: partial(files.read_bytes, root + path)
            for url, path in notes.files.items()
            if files.has(root + path)
        }
        return Export(
            kind=self.kind,
            platform="mastodon",
            author=notes.author,
            posts=notes.posts,
            saved=saved,
            media=media,
        )


def export_time(file_name: str) -> str | None:
    """The time in Mastodon's export file name (``archive-20240115103000-ab12.zip``), if any."""
    m = _ARCHIVE_NAME.match(file_name)
    if not m:
        return None
    try:
        moment = dt.datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return format_utc(moment)


def _root(files: SourceFiles) -> str | None:
    """The folder holding ``outbox.json`` and ``actor.json`` ('' or one wrapping folder)."""
    outbox = files.locate("outbox.json")
    if outbox is None:
        return None
    root = outbox[: -len("outbox.json")]
    return root if files.has(root + "actor.json") else None
