"""``tweetorials cards``: draw the social cards the last build left waiting, on every core.

A build run with ``TWEETORIALS_CARDS=after`` (as ``make html`` and ``make publish`` run it)
renders the pages without drawing the cards they name, and lists those in
``cache/cards-waiting.json``. This command draws them, with this process and one worker per
further core, and puts each into the site at ``<output>/cards/<slug>.png``: the build's memory
is free by then, and both cores draw. With nothing waiting it says so and exits 0.

A card that cannot be drawn is replaced in the site by the site's own card, so no page names
a missing image (exit 1). An unreadable list exits 2: build again, which writes a new one.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from . import EXIT_BAD_INPUT, EXIT_FETCH_FAILED, EXIT_OK
from .common import add_location_options, help_text, settings_or_report

if TYPE_CHECKING:
    from .common import Subcommands

__all__ = ["add_parser", "run"]

#: Exit status when some card could not be drawn (the one "something failed" status).
EXIT_SOME_FAILED = EXIT_FETCH_FAILED


def add_parser(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "cards",
        help="draw the social cards the last build left waiting (TWEETORIALS_CARDS=after)",
        description=help_text(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_location_options(parser)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes that draw, this one included (default: one per core, at most 4)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_report(args)
    if settings is None:
        return EXIT_BAD_INPUT
    if args.workers is not None and args.workers < 1:
        print(f"tweetorials cards: --workers {args.workers}: give 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    path = settings.cards_waiting
    waiting = None
    if path.exists():  # else done without loading Pillow: `make html` runs this after every build
        from ..media.cards_waiting import WaitingError, read_waiting

        try:
            waiting = read_waiting(path)
        except WaitingError as exc:
            print(f"tweetorials cards: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if waiting is None:
        print(f"social cards: none waiting in {path} (the last build drew or reused every one)")
        return EXIT_OK
    from ..media.cards_waiting import draw_waiting

    print(f"social cards: drawing {len(waiting.cards)} for {waiting.output} ...", flush=True)
    start = time.perf_counter()
    report = draw_waiting(waiting, workers=args.workers)
    for card, reason in report.failures:
        print(f"social card {card} could not be drawn: {reason}", file=sys.stderr)
    if report.stand_in_failure:
        print(
            f"the site card could not be drawn either ({report.stand_in_failure}); "
            f"{len(report.failures)} pages name a card that is not there",
            file=sys.stderr,
        )
    elif report.failures:
        print(f"the site's own card stands in for {len(report.failures)}", file=sys.stderr)
    path.unlink(missing_ok=True)
    print(
        f"social cards: {report.drawn} drawn in {time.perf_counter() - start:.1f} s, "
        f"{report.already} drawn before, {len(report.failures)} failed"
    )
    return EXIT_SOME_FAILED if report.failures else EXIT_OK
