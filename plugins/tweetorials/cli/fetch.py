"""``tweetorials fetch``: archive the catalog's threads as snapshots under content/threads/.

By default only threads without a snapshot are fetched, so running it again with nothing new
sends no request at all. ``--refresh`` re-fetches every thread; ``--only URL`` fetches one
thread whether or not it has a snapshot. Archived content is never lost: a post deleted
upstream keeps its text and is marked with when it was last seen, and a thread whose fetch
fails keeps its snapshot exactly as it was.

API bases can be pointed at mirrors or a local test server with TWEETORIALS_X_API,
TWEETORIALS_FXTWITTER_API, TWEETORIALS_BLUESKY_API and TWEETORIALS_MASTODON_API.

Every fetched thread's images are archived under content/media/ before its snapshot is written
(TWEETORIALS_MAX_IMAGE_BYTES caps one image, default 15MB), and so is the best MP4 of each
video and GIF that fits TWEETORIALS_MAX_VIDEO_BYTES (default 8MB). An image or video that
cannot be archived never fails its thread: it is listed with the reason, and the post shows a
placeholder, or the video's poster and link with the reason.

Exit codes: 0 all good, 1 some threads could not be fetched, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .. import fetch
from ..catalog import Catalog
from ..fetch.runner import STATUS_LABELS, FetchReport, Mode, UnknownThread, select
from ..settings import Settings
from . import EXIT_BAD_INPUT
from .common import add_location_options, help_text, load_catalog_or_report, settings_or_report
from .progress import FetchProgress

if TYPE_CHECKING:
    from ..fetch.session import Transport
    from .common import Subcommands

__all__ = ["add_parser", "fetch_and_report", "print_report", "run"]

_STYLES = {"failed": "bold red", "gone": "yellow", "skipped": "yellow", "fetched": "green"}


def add_parser(subparsers: Subcommands) -> None:
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
    settings = settings_or_report(args)
    if settings is None:
        return EXIT_BAD_INPUT
    if args.workers is not None:
        if not 1 <= args.workers <= 4:
            print("tweetorials fetch: --workers must be between 1 and 4", file=sys.stderr)
            return EXIT_BAD_INPUT
        settings = settings.but(fetch_workers=args.workers)
    catalog = load_catalog_or_report(args.catalog)
    if catalog is None:
        return EXIT_BAD_INPUT
    return fetch_and_report(
        catalog,
        settings,
        "refresh" if args.refresh else "missing",
        only=args.only,
        progress=not args.no_progress,
        transport=args.transport,
    )


def fetch_and_report(
    catalog: Catalog,
    settings: Settings,
    mode: Mode,
    *,
    only: str | None = None,
    progress: bool = False,
    transport: Transport | None = None,
) -> int:
    """Fetch (``tweetorials fetch``, and ``add`` for its new thread), print the report and
    return the exit code: 0 all good, 1 some threads failed, 2 ``only`` cannot be fetched."""
    if only is not None and _refused_only(catalog, only, settings):
        return EXIT_BAD_INPUT
    with FetchProgress(enabled=progress) as bar:
        done = fetch.run(
            catalog,
            settings,
            mode,
            only=only,
            transport=transport,
            on_start=bar.start,
            on_outcome=bar.advance,
        )
    print_report(
        done.report, Console(), requests=done.requests_sent, catalog_name=settings.catalog.name
    )
    return done.report.exit_code


def _refused_only(catalog: Catalog, only: str, settings: Settings) -> bool:
    """True after saying why, when ``--only`` names an excluded entry or none at all."""
    entry = catalog.find(only)
    exclusion = catalog.exclusion_for(entry) if entry is not None else None
    if entry is not None and exclusion is not None:
        print(
            f"{settings.catalog.name}:{entry.line}: {entry.url} is excluded by "
            f"{exclusion.describe()}; it is never fetched",
            file=sys.stderr,
        )
        return True
    try:
        select(catalog.included, only)
    except UnknownThread as exc:
        print(f"tweetorials fetch: {exc}", file=sys.stderr)
        return True
    return False


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
    # One line whatever the terminal's width, so logs can be searched for it.
    console.print(
        summary, style="bold red" if report.exit_code else None, highlight=False, soft_wrap=True
    )
