"""The catalog side of ``tweetorials import``: find the thread's entry, or plan a new one.

The entry is added the way ``tweetorials add`` adds one (:func:`append_entry` edits the text
and proves that every other byte is unchanged), and the new text is validated as a whole
before anything is written, so a wrong specialty or tag is reported with the catalog's own
messages. A thread that is already listed keeps its entry as the curators wrote it, except that
missing specialties and tags are added and a title is set when it has none
(:func:`update_entry`, the same byte-preserving edit and check). An author or thread on the
exclusion list is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from ..catalog import Catalog, CatalogEntry, CatalogError, parse_catalog
from ..catalog.append import AppendError, NewEntry, append_entry
from ..catalog.update import EntryUpdate, update_entry
from ..platforms import UnsupportedURL, parse_post_url
from ..rescue.errors import RefusedImport
from ..snapshot import Thread

__all__ = ["EntryPlan", "plan_entry"]


@dataclass(frozen=True)
class EntryPlan:
    """Where the snapshot goes, and the catalog text to write (None: leave the file alone)."""

    slug: str
    line: int  # of the entry, in the catalog as it will be
    new_text: str | None
    update: EntryUpdate | None = field(default=None)  # what was added to a listed entry


def plan_entry(
    catalog: Catalog,
    text: str,
    thread: Thread,
    *,
    specialties: list[str],
    tags: list[str],
    title: str | None,
    snapshot: str | None = None,
) -> EntryPlan:
    """The entry for ``thread`` (listed already, or appended); refused in one line if it cannot be.

    ``snapshot`` names the snapshot file of a copy whose URL is not a post's (an unroll that
    only names the author): the entry is then ``platform: manual`` with that ``snapshot:``.
    """
    name = catalog.path.name
    existing = _listed(catalog, thread) or _same_snapshot(catalog, thread)
    if existing is not None:
        _refuse_excluded(catalog, existing, thread, name)
        return _update(catalog, text, existing, specialties, tags, title)
    if not specialties:
        raise RefusedImport(
            f"{thread.url} is not in {name} yet: give at least one --specialty "
            f"(one of {', '.join(sorted(catalog.specialties))})"
        )
    entry = NewEntry(
        url=thread.url,
        specialties=tuple(dict.fromkeys(s.strip() for s in specialties)),
        tags=tuple(dict.fromkeys(t.strip() for t in tags)),
        title=title.strip() if title else None,
        added=dt.date.today(),
        platform="manual" if snapshot else None,
        snapshot=snapshot,
    )
    try:
        insertion = append_entry(text, entry)
    except AppendError as exc:
        where = f"{name}:{exc.line}: " if exc.line else f"{name}: "
        raise RefusedImport(where + exc.message) from None
    try:
        new_catalog = parse_catalog(insertion.text, catalog.path)
    except CatalogError as exc:
        problem = exc.problems[0]
        line = insertion.old_line(problem.line)
        where = f"{name}:{line}" if line else f"{name} (the new entry)"
        raise RefusedImport(f"{where}: {problem.message}") from None
    added = new_catalog.entries[-1]
    _refuse_excluded(new_catalog, added, thread, name)
    return EntryPlan(added.slug, insertion.first_line, insertion.text)


def _listed(catalog: Catalog, thread: Thread) -> CatalogEntry | None:
    """The entry of ``thread``, even when a curator listed it by a later post (or by its last
    post as ``last:``): the snapshot then goes where that entry looks for it."""
    for url in [thread.url, *(p.url for p in thread.posts)]:
        entry = catalog.find(url)
        if entry is not None:
            return entry
    keys = set()
    for post in thread.posts:
        with contextlib.suppress(UnsupportedURL):
            keys.add(parse_post_url(post.url).key)
    return next((e for e in catalog.entries if e.last_ref and e.last_ref.key in keys), None)


def _refuse_excluded(catalog: Catalog, entry: CatalogEntry, thread: Thread, name: str) -> None:
    exclusion = catalog.exclusion_for(entry, thread.author_key)
    if exclusion is not None:
        raise RefusedImport(
            f"{name}: {thread.url} is excluded by {exclusion.describe()}: "
            "its author asked not to be in the library"
        )


def _same_snapshot(catalog: Catalog, thread: Thread) -> CatalogEntry | None:
    """The entry whose snapshot file one of this thread's posts would have, on its platform.

    A Bluesky repository export has no handle, so its posts' addresses name the DID, while
    the catalog usually lists the thread by handle: both name the snapshot ``bluesky-<rkey>``,
    and that entry is the one to refresh, not a second entry for the same thread.
    """
    slugs = set()
    for post in thread.posts:
        with contextlib.suppress(UnsupportedURL):
            slugs.add(parse_post_url(post.url, thread.platform).slug)
    return next(
        (e for e in catalog.entries if e.slug in slugs and e.platform == thread.platform), None
    )


def _update(
    catalog: Catalog,
    text: str,
    existing: CatalogEntry,
    specialties: list[str],
    tags: list[str],
    title: str | None,
) -> EntryPlan:
    """Add what the entry lacks; the catalog must still load (known specialties, valid tags)."""
    name = catalog.path.name
    try:
        update = update_entry(text, existing.line, specialties, tags, title)
    except AppendError as exc:
        where = f"{name}:{exc.line}: " if exc.line else f"{name}:{existing.line}: "
        raise RefusedImport(where + exc.message) from None
    if update.text == text:
        return EntryPlan(existing.slug, existing.line, None, update)
    try:
        parse_catalog(update.text, catalog.path)
    except CatalogError as exc:
        problem = exc.problems[0]
        raise RefusedImport(
            f"{name}:{existing.line}: {problem.message} (the entry was left as it is)"
        ) from None
    return EntryPlan(existing.slug, existing.line, update.text, update)
