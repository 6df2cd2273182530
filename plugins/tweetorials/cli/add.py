"""``tweetorials add URL --specialty SLUG``: put a thread in the catalog and archive it.

The entry is appended to the ``threads:`` list of threads.yaml as text, so the file's comments,
blank lines, order and spacing stay exactly as they were; ``added:`` is today's date. Nothing is
written when the URL is already in the catalog (in any spelling), when a specialty is not
defined, when the author asked to be excluded, or when the result would not load. Then the new
thread is fetched, unless --no-fetch; if that fails the entry stays and the command says why.

examples:
  tweetorials add https://x.com/someone/status/123 --specialty value-care --tag choosing-wisely
  tweetorials add https://bsky.app/profile/a.bsky.social/post/3k... -s pathophysiology \\
      --title "Why potassium matters" --note "Clear diagrams; good for second-years."

Exit codes: 0 added (and fetched), 1 added but the fetch failed, 2 nothing changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import Catalog, CatalogError, parse_catalog, read_catalog_text
from ..catalog.append import AppendError, NewEntry, append_entry
from ..catalog.load import TAG_RE
from ..catalog.yaml_lines import load_reporting
from ..files import atomic_write_text
from ..platforms import SUPPORTED_FORMS, UnsupportedURL, parse_post_url
from ..settings import Settings
from . import EXIT_BAD_INPUT, EXIT_FETCH_FAILED, EXIT_OK
from .common import add_location_options, help_text, settings_or_report

if TYPE_CHECKING:
    from .common import Subcommands

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "add",
        help="add a thread to threads.yaml (keeping the file's comments and layout) and fetch it",
        description=help_text(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("url", metavar="URL", help="the address of the thread's first post")
    parser.add_argument(
        "-s",
        "--specialty",
        dest="specialties",
        action="append",
        required=True,
        metavar="SLUG",
        help="a specialty defined in threads.yaml (repeat for several)",
    )
    parser.add_argument(
        "-t",
        "--tag",
        dest="tags",
        action="append",
        default=[],
        metavar="TAG",
        help="a topic tag, lower-case words joined by hyphens (repeat for several)",
    )
    parser.add_argument("--title", help="the title shown on the site (default: the first post)")
    parser.add_argument(
        "--note",
        help="the curator's note, Markdown; several lines are fine; '-' reads it from stdin",
    )
    parser.add_argument(
        "--no-fetch", action="store_true", help="only edit threads.yaml; fetch later"
    )
    add_location_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.catalog
    name = path.name

    def refuse(message: str, line: int | None = None) -> int:
        print(
            f"{name}:{line}: {message}" if line else f"tweetorials add: {message}", file=sys.stderr
        )
        print(f"nothing was changed in {path}", file=sys.stderr)
        return EXIT_BAD_INPUT

    settings = settings_or_report(args)
    if settings is None:
        return refuse("fix the setting above first")
    try:
        text = read_catalog_text(path)
    except CatalogError as exc:
        return refuse(exc.problems[0].message)
    try:
        catalog = parse_catalog(text, path)
    except CatalogError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return refuse(f"fix the problems above in {name} first, then add the thread")

    try:
        ref = parse_post_url(args.url)
    except UnsupportedURL:
        forms = "\n  ".join(SUPPORTED_FORMS)
        return refuse(
            f"{args.url!r} is not the address of a post we can fetch; supported addresses:\n"
            f"  {forms}\n"
            "a thread whose original is gone can be written by hand: see CONTRIBUTING.md"
        )
    existing = catalog.find(args.url)
    if existing is not None:
        return refuse(f"{ref.url} is already in the catalog, on this line", existing.line)

    specialties = _unique(args.specialties)
    unknown = [slug for slug in specialties if slug not in catalog.specialties]
    if unknown:
        return refuse(_unknown_specialties(unknown, catalog), _specialties_line(text))
    tags = _unique(args.tags)
    bad_tags = [tag for tag in tags if not TAG_RE.match(tag)]
    if bad_tags:
        listed = ", ".join(repr(t) for t in bad_tags)
        return refuse(f"tag {listed} must be lower-case words joined by hyphens, e.g. acid-base")
    note = sys.stdin.read() if args.note == "-" else args.note
    for flag, value in (("--title", args.title), ("--note", note)):
        if value is not None and not value.strip():
            return refuse(f"{flag} must not be empty (leave it out instead)")

    entry = NewEntry(
        url=ref.url,
        specialties=specialties,
        tags=tags,
        title=args.title.strip() if args.title is not None else None,
        added=dt.date.today(),
        note=note,
    )
    try:
        insertion = append_entry(text, entry)
    except AppendError as exc:
        return refuse(exc.message, exc.line)
    try:
        new_catalog = parse_catalog(insertion.text, path)
    except CatalogError as exc:
        for problem in exc.problems:
            old_line = insertion.old_line(problem.line)
            where = f"{name}:{old_line}" if old_line else f"{name} (the new entry)"
            print(f"{where}: {problem.message}", file=sys.stderr)
        return refuse("the new entry would make the catalog invalid")

    new_entry = new_catalog.entries[-1]
    exclusion = new_catalog.exclusion_for(new_entry)
    if exclusion is not None:
        why = f" ({exclusion.reason})" if exclusion.reason else ""
        return refuse(
            f"{ref.url} is on the exclusion list{why}: its author asked not to be in the library",
            insertion.old_line(exclusion.line),
        )

    atomic_write_text(path, insertion.text)
    print(f"{name}:{insertion.first_line}: added {ref.url} ({', '.join(specialties)})")
    if args.no_fetch:
        print(f"fetch it later with: tweetorials fetch --only {ref.url}")
        return EXIT_OK
    return _fetch(args, settings, new_catalog, ref.url)


def _fetch(args: argparse.Namespace, settings: Settings, catalog: Catalog, url: str) -> int:
    """Archive the new thread with the same run and report as ``tweetorials fetch --only``."""
    from .fetch import fetch_and_report

    code = fetch_and_report(catalog, settings, "missing", only=url, transport=args.transport)
    if code != EXIT_OK:
        print(
            f"the thread stays in {args.catalog.name}, waiting for a fetch; "
            f"try again later with: tweetorials fetch --only {url}",
            file=sys.stderr,
        )
        return EXIT_FETCH_FAILED
    return EXIT_OK


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values))


def _unknown_specialties(unknown: list[str], catalog: Catalog) -> str:
    known = sorted(catalog.specialties)
    parts = []
    for slug in unknown:
        close = difflib.get_close_matches(slug, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        parts.append(f"specialty '{slug}' is not defined{hint}")
    return (
        "; ".join(parts)
        + f"; known: {', '.join(known)}. A new specialty goes under 'specialties:' first"
    )


def _specialties_line(text: str) -> int:
    data, _ = load_reporting(text)  # the text has passed validation already
    return int(data.line_of("specialties"))
