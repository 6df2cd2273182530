"""``tweetorials check``: validate the catalog and list what needs a maintainer's attention.

Problems (exit 2): a catalog that does not load, a snapshot file that is broken. Notices
(exit 0, or 2 with ``--strict`` for missing alt text): threads waiting for a fetch, images
without alt text, threads without a posting date, snapshots whose last fetch left a caveat
(posts that may be missing), snapshots older than ``--max-age`` days, snapshot files no
entry uses, and entries whose author asked to be excluded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from ..catalog import Catalog, CatalogEntry
from ..media.alt import effective_alt
from ..snapshot import SnapshotError, SnapshotStore, Thread
from . import EXIT_BAD_INPUT, EXIT_OK
from .common import (
    add_location_options,
    help_text,
    load_catalog_or_report,
    non_negative_int,
    settings_or_report,
)

if TYPE_CHECKING:
    from .common import Subcommands

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate threads.yaml and the snapshots; list what needs attention",
        description=help_text(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_location_options(parser)
    parser.add_argument(
        "--strict", action="store_true", help="treat images without alt text as errors"
    )
    parser.add_argument(
        "--max-age",
        type=non_negative_int,
        default=365,
        metavar="DAYS",
        help="mention snapshots fetched more than DAYS ago (default: 365)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_report(args)
    if settings is None:
        return EXIT_BAD_INPUT
    catalog = load_catalog_or_report(args.catalog)
    if catalog is None:
        return EXIT_BAD_INPUT
    report = inspect(catalog, SnapshotStore(settings.threads_dir), max_age_days=args.max_age)
    name = args.catalog.name

    def show(line: int, message: str, stream=sys.stdout) -> None:  # type: ignore[no-untyped-def]
        print(f"{name}:{line}: {message}" if line else message, file=stream)

    for line, message in report.errors:
        show(line, message, sys.stderr)
    for line, message in report.missing_alt:
        show(line, message, sys.stderr if args.strict else sys.stdout)
    for line, message in report.notices:
        show(line, message)
    failed = bool(report.errors) or (args.strict and bool(report.missing_alt))
    print(report.summary(catalog, name))
    return EXIT_BAD_INPUT if failed else EXIT_OK


class Report:
    """What ``check`` found, as (line, message) pairs in three kinds."""

    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []
        self.missing_alt: list[tuple[int, str]] = []
        self.notices: list[tuple[int, str]] = []
        self.snapshots = 0
        self.waiting = 0

    def summary(self, catalog: Catalog, name: str) -> str:
        entries = len(catalog.entries)
        parts = [
            f"{name}: {entries} thread{'s' * (entries != 1)} in {len(catalog.specialties)} specialties",
            f"{self.snapshots} archived",
            f"{self.waiting} waiting for a fetch",
            f"{len(self.missing_alt)} image{'s' * (len(self.missing_alt) != 1)} without alt text",
        ]
        if self.errors:
            parts.append(f"{len(self.errors)} broken snapshot{'s' * (len(self.errors) != 1)}")
        return ", ".join(parts)


def inspect(
    catalog: Catalog, store: SnapshotStore, *, max_age_days: int, now: dt.datetime | None = None
) -> Report:
    """Everything ``check`` reports beyond catalog validation, for the command and for tests."""
    report = Report()
    now = now or dt.datetime.now(dt.UTC)
    used: set[str] = set()
    for entry in catalog.entries:
        used.add(entry.slug)
        try:
            thread = store.load(entry.slug)
        except SnapshotError as exc:
            report.errors.append((entry.line, f"snapshot is broken: {exc}"))
            continue
        exclusion = catalog.exclusion_for(entry, thread.author_key if thread else None)
        if exclusion:
            report.notices.append(
                (
                    entry.line,
                    f"{entry.url} is excluded by {exclusion.describe()}; remove this thread",
                )
            )
        if thread is None:
            report.waiting += 1
            report.notices.append(
                (
                    entry.line,
                    f"{entry.url} has no snapshot yet; run `tweetorials fetch` with network access",
                )
            )
            continue
        report.snapshots += 1
        _inspect_snapshot(report, entry, thread, now, max_age_days)
    for slug in sorted(store.slugs() - used):
        report.notices.append(
            (0, f"snapshot {store.find(slug)} is not used by any thread in the catalog")
        )
    return report


def _no_posting_date(url: str) -> str:
    """Why a missing posting date matters: the site never stands another date in for it."""
    return (
        f"{url} has no posting date: its page, feed entry, JSON-LD and citations say so "
        "rather than give another date; if the date is known, add `posted: YYYY-MM-DD` to "
        "its hand-written snapshot"
    )


def _inspect_snapshot(
    report: Report, entry: CatalogEntry, thread: Thread, now: dt.datetime, max_age_days: int
) -> None:
    """What one archived thread needs: its caveats, a missing posting date, images without
    alt text, a stale fetch."""
    for caveat in thread.caveats:
        report.notices.append((entry.line, f"{entry.url} may be incomplete: {caveat}"))
    if not thread.first_post_time:
        report.notices.append((entry.line, _no_posting_date(entry.url)))
    for post_no, post in enumerate(thread.posts, start=1):
        for image_no, media, in_quote in post.numbered_images():
            note = entry.image_note(post_no, image_no)
            if effective_alt(media, note.alt if note else None):
                continue
            where = " (in the quoted post)" if in_quote else ""
            report.missing_alt.append(
                (
                    entry.line,
                    f"post {post_no} image {image_no}{where} of {entry.url} has no alt text; "
                    f'add it under images: - {{post: {post_no}, image: {image_no}, alt: "..."}}',
                )
            )
    if thread.fetched_at:
        age = now - dt.datetime.fromisoformat(thread.fetched_at.replace("Z", "+00:00"))
        if age.days > max_age_days:
            report.notices.append(
                (
                    entry.line,
                    f"{entry.url} was last fetched {age.days} days ago; "
                    f"`tweetorials fetch --refresh --only {entry.url}`",
                )
            )
