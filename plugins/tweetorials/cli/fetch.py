"""``tweetorials fetch``: archive the catalog's threads as snapshots under content/threads/.

By default only threads without a snapshot are fetched, so running it again with nothing new
sends no request at all. ``--refresh`` re-fetches every thread; ``--only URL`` fetches one
thread whether or not it has a snapshot. Archived content is never lost: a post deleted
upstream keeps its text and is marked with when it was last seen, and a thread whose fetch
fails keeps its snapshot exactly as it was.

API bases can be pointed at mirrors or a local test server with TWEETORIALS_X_API,
TWEETORIALS_FXTWITTER_API, TWEETORIALS_BLUESKY_API and TWEETORIALS_MASTODON_API.

Every fetched thread's images are archived under content/media/ before its snapshot is written
(TWEETORIALS_MAX_IMAGE_BYTES caps one image, default 15MB). An image that cannot be archived
never fails its thread: it is listed with the reason, and the post shows a placeholder.

Exit codes: 0 all good, 1 some threads could not be fetched, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..fetch.config import FetchConfig
from ..fetch.http import PoliteClient
from ..fetch.image_downloads import image_archiver
from ..fetch.runner import STATUS_LABELS, FetchReport, UnknownThread, fetch_threads, select
from ..fetch.sources import build_sources
from ..snapshot import SnapshotStore
from . import EXIT_BAD_INPUT
from .common import (
    add_location_options,
    content_dir,
    help_text,
    load_catalog_or_report,
    threads_dir,
)

__all__ = ["add_parser", "print_report", "run"]

_STYLES = {"failed": "bold red", "gone": "yellow", "skipped": "yellow", "fetched": "green"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fetch",
        help="archive threads as snapshots (only those without one, unless --refresh)",
        description=help_text(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_location_options(parser)
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="re-fetch every thread, merging into the snapshots (nothing archived is lost)",
    )
    parser.add_argument(
        "--only", metavar="URL", help="fetch just this thread from the catalog (any URL spelling)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="threads fetched at once (1-4)"
    )
    parser.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog_or_report(args.catalog)
    if catalog is None:
        return EXIT_BAD_INPUT
    try:
        config = FetchConfig.from_env()
    except ValueError as exc:
        print(f"tweetorials fetch: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers is not None and not 1 <= args.workers <= 4:
        print("tweetorials fetch: --workers must be between 1 and 4", file=sys.stderr)
        return EXIT_BAD_INPUT

    entries = catalog.included
    if args.only is not None:
        entry = catalog.find(args.only)
        exclusion = catalog.exclusion_for(entry) if entry is not None else None
        if exclusion is not None:
            print(
                f"{args.catalog.name}:{entry.line}: {entry.url} is excluded by "
                f"{exclusion.describe()}; it is never fetched",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        try:
            select(entries, args.only)
        except UnknownThread as exc:
            print(f"tweetorials fetch: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT

    store = SnapshotStore(threads_dir(args))
    with PoliteClient(
        user_agent=config.user_agent, timeout=config.timeout, max_total_wait=config.max_total_wait
    ) as client:
        report = fetch_threads(
            entries,
            store,
            lambda: build_sources(client, config),
            mode="refresh" if args.refresh else "missing",
            only=args.only,
            progress=not args.no_progress,
            workers=args.workers or config.workers,
            media=image_archiver(client, content_dir(args), max_bytes=config.max_image_bytes),
            excluded=catalog.exclusion_for,
        )
        sent = client.requests_sent
    print_report(report, Console(), requests=sent, catalog_name=args.catalog.name)
    return report.exit_code


def print_report(
    report: FetchReport,
    console: Console,
    *,
    requests: int | None = None,
    catalog_name: str = "threads.yaml",
) -> None:
    """Every thread that did something worth reading about, then one summary line.

    On a terminal this is a table; in a log or a pipe it is one ``threads.yaml:LINE: URL:
    result: details`` line per thread, which neither wraps nor needs a wide window and can be
    searched. Threads simply reused from their snapshot are counted, not listed, so a large
    catalog prints a short report.
    """
    rows = [o for o in report.outcomes if o.status != "reused" or o.reason]
    if rows and console.is_terminal:
        table = Table(title="tweetorials fetch", title_justify="left")
        table.add_column("line", justify="right", style="dim")
        table.add_column("thread", overflow="fold")
        table.add_column("result")
        table.add_column("details", overflow="fold")
        for outcome in rows:
            table.add_row(
                str(outcome.line),
                Text(outcome.url),  # Text, not markup: URLs and reasons may hold [brackets]
                Text(STATUS_LABELS[outcome.status], style=_STYLES.get(outcome.status, "")),
                Text(outcome.reason),
            )
        console.print(table)
    else:
        for outcome in rows:
            detail = f": {outcome.reason}" if outcome.reason else ""
            line = f"{catalog_name}:{outcome.line}: {outcome.url}: {STATUS_LABELS[outcome.status]}"
            console.print(Text(line + detail), soft_wrap=True)
    summary = report.summary()
    if requests is not None:
        summary += f" ({requests} request{'s' * (requests != 1)} sent)"
    console.print(summary, style="bold red" if report.exit_code else None, highlight=False)
