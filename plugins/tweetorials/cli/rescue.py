"""``tweetorials import SOURCE``: rescue a thread from the author's export or an unrolled copy.

SOURCE is a file or folder, never an address: importing works offline. It reads the export,
finds the author's thread through any of its posts (``--thread``, which may be left out when
the source holds one thread), writes the snapshot to content/threads/ with its images through
the Pillow pipeline, and adds the thread to threads.yaml the way ``add`` does. A snapshot that
is already there is merged, never made worse. Only public posts are imported: the thread stops
before a followers-only, direct or protected post, and the command says so.

examples:
  tweetorials import twitter-2022-11-10.zip --thread 1345753985467224064 -s pathophysiology
  tweetorials import ~/Downloads/twitter-archive/ --thread https://x.com/me/status/134575...
  tweetorials import archive-20240115103000-ab12.zip --thread https://med.social/@me/1119...
  tweetorials import repo.car --blobs blobs/ --thread https://bsky.app/profile/me/post/3k...

Exit codes: 0 imported (warnings, such as an image the export does not hold, are printed),
2 nothing written (a refused or unreadable source, several threads and no --thread, a bad flag).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import CatalogError, parse_catalog, read_catalog_text
from ..catalog.update import EntryUpdate
from ..files import atomic_write_text
from ..platforms import UnsupportedURL, parse_post_url
from ..rescue.archive import open_source
from ..rescue.build import build_thread
from ..rescue.errors import RefusedImport
from ..rescue.export import Export
from ..rescue.handwritten_out import handwritten_yaml
from ..rescue.media import archive_imported_media
from ..rescue.registry import detect
from ..rescue.selfthread import SelfThread, candidates, find_post, self_thread
from ..settings import Settings, SettingsError
from ..snapshot import SnapshotError, SnapshotStore, Thread, load_snapshot
from ..snapshot.merge import merge
from ..snapshot.store import HANDWRITTEN_SUFFIXES
from . import EXIT_BAD_INPUT, EXIT_OK
from .common import add_location_options, help_text
from .rescue_catalog import EntryPlan, plan_entry

if TYPE_CHECKING:
    from .common import Subcommands

__all__ = ["add_parser", "run"]

CANDIDATES_SHOWN = 30


def add_parser(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "import",
        help="rescue a thread from an X, Mastodon or Bluesky export, or an unrolled copy (offline)",
        description=help_text(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", help="the export (zip or folder) or file")
    parser.add_argument(
        "--thread",
        metavar="URL_OR_ID",
        help="any post of the thread, by id or address (needed when SOURCE holds several)",
    )
    parser.add_argument(
        "-s",
        "--specialty",
        dest="specialties",
        action="append",
        default=[],
        metavar="SLUG",
        help="a specialty defined in threads.yaml; added to a listed entry that lacks it (repeatable)",
    )
    parser.add_argument(
        "-t",
        "--tag",
        dest="tags",
        action="append",
        default=[],
        metavar="TAG",
        help="a topic tag, lower-case words joined by hyphens; added if missing (repeatable)",
    )
    parser.add_argument(
        "--title", help="the title shown on the site; a listed entry keeps a title it has"
    )
    parser.add_argument(
        "--blobs",
        type=Path,
        metavar="FOLDER",
        help="a Bluesky export's images: the folder of blobs named by CID (without it the "
        "pictures are imported as not archived, with their alt text)",
    )
    add_location_options(parser)
    parser.set_defaults(run=run)


class _CandidatesNeeded(Exception):
    """The source holds several threads and ``--thread`` was not given."""


@dataclass
class _Result:
    """What was written, for the report."""

    path: Path
    thread: Thread
    chosen: SelfThread
    plan: EntryPlan
    warnings: list[str] = field(default_factory=list)
    found: int = 0  # the author's public posts in the source


def run(args: argparse.Namespace) -> int:
    try:
        result = _import(args)
    except _CandidatesNeeded as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except RefusedImport as exc:
        print(f"tweetorials import: {exc.message}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return EXIT_BAD_INPUT
    _report(args, result)
    return EXIT_OK


def _import(args: argparse.Namespace) -> _Result:
    """Every check first, then the writes: a refusal always leaves every file as it was."""
    if "://" in args.source:
        raise RefusedImport(
            f"{args.source} is an address; SOURCE must be a file or folder (import never "
            "downloads: save the export or the page first)"
        )
    catalog_path: Path = args.catalog
    try:
        settings = Settings.for_cli(catalog_path, args.content)
    except SettingsError as exc:
        raise RefusedImport(str(exc)) from None
    try:
        text = read_catalog_text(catalog_path)
        catalog = parse_catalog(text, catalog_path)
    except CatalogError as exc:
        raise RefusedImport(f"{exc.lines()[0]} (fix threads.yaml first)") from None
    store = SnapshotStore(settings.threads_dir)
    with open_source(Path(args.source)) as files:
        importer = detect(files, blobs=args.blobs)
        if args.blobs is not None and importer.kind != "bluesky-repo":
            raise RefusedImport(
                f"--blobs is for Bluesky repository exports; {args.source} is not one"
            )
        export = importer.read(files)
        chosen = _choose(export, args.thread, args.source)
        thread = build_thread(export, chosen)
        plan = plan_entry(
            catalog,
            text,
            thread,
            specialties=args.specialties,
            tags=args.tags,
            title=args.title,
            snapshot=manual_slug(thread),
        )
        warnings = list(export.warnings)
        if export.handwritten:
            path = _write_handwritten(store, plan.slug, thread)
        else:
            old = _existing_snapshot(store, plan.slug)
            warnings += archive_imported_media(thread, export.media, settings.media_dir)
            thread = merge(old, thread, export.saved)
            path = store.save(plan.slug, thread)
    if plan.new_text is not None:
        atomic_write_text(catalog_path, plan.new_text)
    found = sum(1 for p in export.posts.values() if p.by_author and p.is_public)
    return _Result(path, thread, chosen, plan, warnings, found)


def _write_handwritten(store: SnapshotStore, slug: str, thread: Thread) -> Path:
    """Write the YAML for review; never over a reviewed copy or a fetched snapshot."""
    text = handwritten_yaml(thread)
    target = store.root / f"{slug}.yaml"
    existing = store.find(slug)
    if existing is not None and existing.suffix not in HANDWRITTEN_SUFFIXES:
        raise RefusedImport(
            f"{existing} archives this thread from the platform already; an unrolled copy would "
            "hide it (the fetched snapshot is the better copy)"
        )
    if existing is not None and existing.read_text(encoding="utf-8") != text:
        raise RefusedImport(
            f"{existing} exists and differs from this import (edited in review?); "
            "it was left as it is; move it away to import again"
        )
    if existing is None:
        atomic_write_text(target, text)
    return target


def manual_slug(thread: Thread) -> str | None:
    """The snapshot name of a copy with no post address: the author and the first words."""
    try:
        parse_post_url(thread.url)
        return None
    except UnsupportedURL:
        pass
    words = re.findall(r"[a-z0-9]+", thread.posts[0].text.lower())[:6]
    slug = "-".join([*re.findall(r"[a-z0-9]+", thread.author.handle.lower()), *words])
    return slug[:80].strip("-") or "unrolled-thread"


def _choose(export: Export, wanted: str | None, source: str) -> SelfThread:
    if wanted:
        return self_thread(export, find_post(export, wanted))
    found = candidates(export)
    if len(found) == 1:
        return self_thread(export, export.posts[found[0].id])
    if not found:
        public = [p for p in export.posts.values() if p.by_author and p.is_public]
        if len(public) == 1:
            return self_thread(export, public[0])
        raise RefusedImport(f"{source} holds no thread of public posts by its author")
    lines = [
        f"tweetorials import: {source} holds {len(found)} threads; "
        "choose one with --thread ID (nothing was written):"
    ]
    for c in found[:CANDIDATES_SHOWN]:
        day = (c.created_at or "")[:10] or "undated"
        lines.append(f"  {c.id}  {c.count:>3} posts  {day}  {c.first_words}")
    if len(found) > CANDIDATES_SHOWN:
        lines.append(f"  ... and {len(found) - CANDIDATES_SHOWN} more (shorter or later)")
    raise _CandidatesNeeded("\n".join(lines))


def _existing_snapshot(store: SnapshotStore, slug: str) -> Thread | None:
    path = store.find(slug)
    if path is None:
        return None
    if path.suffix in HANDWRITTEN_SUFFIXES:
        raise RefusedImport(
            f"{path} is a hand-written snapshot of this thread and wins over an import; "
            "move it away first if the import should replace it"
        )
    try:
        return load_snapshot(path)
    except SnapshotError as exc:
        raise RefusedImport(
            f"{exc} (the existing snapshot must load before it can be merged)"
        ) from None


def _report(args: argparse.Namespace, result: _Result) -> None:
    thread = result.thread
    count = len(result.chosen.posts)
    print(
        f"found {result.found} public post{'s' * (result.found != 1)} by "
        f"@{thread.author.handle} in {args.source}"
    )
    print(
        f"imported {count} post{'s' * (count != 1)} by @{thread.author.handle} "
        f"({thread.provenance.description if thread.provenance else thread.source}) "
        f"into {result.path}"
    )
    for stop in result.chosen.stops:
        print(f"  only public posts are imported: {stop}")
    name = args.catalog.name
    update = result.plan.update
    if update is None:
        print(f"{name}:{result.plan.line}: added {thread.url}")
    else:
        print(f"{name}:{result.plan.line}: already listed; {_describe_update(update)}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _describe_update(update: EntryUpdate) -> str:
    """What the import added to a listed entry, and a title it kept, in one line."""
    done = [
        f"added {what} {', '.join(values)}"
        for what, values in (("specialty", update.specialties), ("tag", update.tags))
        if values
    ]
    if update.title_set:
        done.append("set the title")
    if update.title_kept:
        done.append("kept its own title (--title applies when the entry has none)")
    return "; ".join(done) if done else "the entry was left as it is"
