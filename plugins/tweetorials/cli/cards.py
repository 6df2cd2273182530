"""``tweetorials cards``: draw the social cards the last build left waiting, on every core.

A build run with ``TWEETORIALS_CARDS=after`` (as ``make html`` and ``make publish`` run it)
renders the pages without drawing the cards they name, and lists those in
``cache/cards-waiting.json``. This command draws them, with this process and one worker per
further core, and puts each into the site at ``<output>/cards/<slug>.png``: the build's memory
is free by then, and both cores draw. With nothing waiting it says so and exits 0.

Give it the build's settings file and output folder, as ``pelican -s FILE -o DIR`` had them
(default: ``pelicanconf.py`` when there is one, and its ``OUTPUT_PATH``): the settings say
where the list and the drawn cards are (``TWEETORIALS_CATALOG``, ``TWEETORIALS_CACHE``; the
environment wins, as in the build). Settings given to ``pelican -e`` are not seen here: put
them in the file or the environment.

A card that cannot be drawn is replaced in the site by the site's own card, as in a build, and
named in a warning. Exit 1 when the site is still left without an image a page names (the
site card failed too, the output folder cannot be written): the list is kept, so running the
command again once the cause is fixed finishes the site. Exit 2 for an unusable list or
settings file (build again: the build writes a new list).
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..settings import Settings, SettingsError
from . import EXIT_BAD_INPUT, EXIT_FETCH_FAILED, EXIT_OK
from .common import help_text

if TYPE_CHECKING:
    from .common import Subcommands

__all__ = ["add_parser", "run", "settings_from_file"]

#: Exit status when the site is left incomplete (the one "something failed" status).
EXIT_INCOMPLETE = EXIT_FETCH_FAILED
#: Pelican reads these settings relative to the settings file's folder.
_RELATIVE_TO_FILE = ("PATH", "OUTPUT_PATH")


def add_parser(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "cards",
        help="draw the social cards the last build left waiting (TWEETORIALS_CARDS=after)",
        description=help_text(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-s",
        "--settings",
        type=Path,
        default=None,
        metavar="FILE",
        help="the Pelican settings file of the build (default: pelicanconf.py, when there is one)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="DIR",
        help="the build's output folder (default: the settings file's OUTPUT_PATH, else output)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes that draw, this one included (default: one per core, at most 4)",
    )
    parser.set_defaults(run=run)


def settings_from_file(file: Path | None, output: Path | None = None) -> Settings:
    """The build's settings, read from its Pelican settings file as Pelican reads it (a
    Python file; ``PATH`` and ``OUTPUT_PATH`` relative to its folder), without loading
    Pelican: this command's memory counts beside a card worker's. Raises SettingsError."""
    values: dict[str, Any] = {"PATH": "content", "OUTPUT_PATH": "output"}
    if file is not None:
        try:
            found = runpy.run_path(str(file))
        except Exception as exc:  # the settings file is Python: anything can go wrong in it
            raise SettingsError(f"{file}: cannot be read ({type(exc).__name__}: {exc})") from None
        for name, value in found.items():
            if name.isupper():
                values[name] = value
        for name in _RELATIVE_TO_FILE:  # as Pelican's read_settings: ".." collapsed as text
            if found.get(name) and not os.path.isabs(str(found[name])):
                folder = os.path.dirname(str(file))
                values[name] = os.path.abspath(os.path.normpath(os.path.join(folder, found[name])))
    if output is not None:
        values["OUTPUT_PATH"] = os.path.expanduser(str(output))  # as pelican's -o
    return Settings.from_pelican(values)


def run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        print(f"tweetorials cards: --workers {args.workers}: give 1 or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    default = Path("pelicanconf.py")
    file = args.settings or (default if default.is_file() else None)
    try:
        settings = settings_from_file(file, args.output)
    except SettingsError as exc:
        print(f"tweetorials cards: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    path = settings.cards_waiting
    if not path.exists():  # done without loading Pillow: `make html` runs this after every build
        print(f"social cards: none waiting in {path}")
        return EXIT_OK
    from ..media.cards_waiting import WaitingError, draw_waiting, read_waiting

    try:
        waiting = read_waiting(path, settings.cards_dir, settings.output)
    except WaitingError as exc:
        print(f"tweetorials cards: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if waiting is None:  # removed since it was seen
        return EXIT_OK
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
    if report.placing_failure:
        print(
            f"tweetorials cards: cannot put the cards into the site: {report.placing_failure}",
            file=sys.stderr,
        )
    if not report.complete:
        return EXIT_INCOMPLETE  # the list stays: run again once the cause is fixed
    path.unlink(missing_ok=True)
    print(
        f"social cards: {report.drawn} drawn in {time.perf_counter() - start:.1f} s, "
        f"{report.already} drawn before, {len(report.failures)} failed"
    )
    return EXIT_OK if report.complete else EXIT_INCOMPLETE
