"""The export formats ``tweetorials import`` knows, and telling which one a source is.

Adding a format means writing a module with a class that implements
:class:`~tweetorials.rescue.export.Importer` and adding one line to :func:`importers`.
Order matters only when two formats could both claim a source: the more specific comes first.
"""

from __future__ import annotations

from pathlib import Path

from .archive import SourceFiles
from .errors import RefusedImport
from .export import Importer

__all__ = ["detect", "importers"]


def importers(*, blobs: Path | None = None) -> list[Importer]:
    """Every registered format, most specific first.

    ``blobs`` is the folder of a Bluesky account's exported images (``--blobs``): the one
    option a format takes beyond the source itself.
    """
    from .bluesky_export import BlueskyRepo
    from .mastodon_export import MastodonExport
    from .unrolled import UnrolledCopy
    from .x_archive import XArchive

    return [XArchive(), MastodonExport(), BlueskyRepo(blobs), UnrolledCopy()]


def detect(files: SourceFiles, *, blobs: Path | None = None) -> Importer:
    """The importer for ``files``, or a refusal that lists what is accepted."""
    known = importers(blobs=blobs)
    for importer in known:
        if importer.recognises(files):
            return importer
    accepted = "; ".join(i.label for i in known) or "no formats are registered"
    raise RefusedImport(f"{files.path} is not an export this command reads; accepted: {accepted}")
