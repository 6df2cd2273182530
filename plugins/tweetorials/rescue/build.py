"""From the chosen posts of an export to the snapshot :class:`~tweetorials.snapshot.Thread`.

The result looks like a fetched thread (so pages, merge and ``check`` treat it alike), with
two differences that make imports honest and repeatable: ``provenance`` says where the copy
came from, and every time in it comes from the export (``saved``), never from the clock.
"""

from __future__ import annotations

import copy

from ..platforms import UnsupportedURL, parse_post_url
from ..snapshot import Provenance, Thread
from .export import Export
from .selfthread import SelfThread

__all__ = ["build_thread", "thread_url"]


def build_thread(export: Export, chosen: SelfThread) -> Thread:
    """The snapshot of ``chosen``; posts are copies, so the export stays as it was read."""
    posts = [copy.deepcopy(p.post) for p in chosen.posts]
    return Thread(
        platform=export.platform,
        url=thread_url(export, posts[0].url),
        author=copy.deepcopy(export.author),
        posts=posts,
        fetched_at=export.saved,
        source=export.kind,
        provenance=Provenance(export.kind, saved=export.saved, url=export.source_url),
    )


def thread_url(export: Export, first_post_url: str) -> str:
    """The canonical address of the first post, as the catalog spells it."""
    if export.platform == "manual":
        return first_post_url
    try:
        return parse_post_url(first_post_url, export.platform).url
    except UnsupportedURL:
        return first_post_url
