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
from ..catalog.append import AppendError, Insertion, NewEntry, append_entry
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


class _Refused(Exception):
    """Nothing is written: ``message`` (at ``line`` of the catalog, when there is one)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def run(args: argparse.Namespace) -> int:
    path: Path = args.catalog
    try:
        settings = settings_or_report(args)
        if settings is None:
            raise _Refused("fix the setting above first")
        text, catalog = _read(path)
        url = _recognised(args.url, catalog)
        entry = _new_entry(args, url, text, catalog)
        insertion, new_catalog = _inserted(text, entry, path)
    except _Refused as refusal:
        where = f"{path.name}:{refusal.line}" if refusal.line else "tweetorials add"
        print(f"{where}: {refusal.message}", file=sys.stderr)
        print(f"nothing was changed in {path}", file=sys.stderr)
        return EXIT_BAD_INPUT

    atomic_write_text(path, insertion.text)
    print(f"{path.name}:{insertion.first_line}: added {url} ({', '.join(entry.specialties)})")
    if args.no_fetch:
        print(f"fetch it later with: tweetorials fetch --only {url}")
        return EXIT_OK
    return _fetch(args, settings, new_catalog, url)


def _read(path: Path) -> tuple[str, Catalog]:
    """The catalog's text and what it says; a catalog with problems is fixed first."""
    try:
        text = read_catalog_text(path)
    except CatalogError as exc:
        raise _Refused(exc.problems[0].message) from None
    try:
        return text, parse_catalog(text, path)
    except CatalogError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        raise _Refused(
            f"fix the problems above in {path.name} first, then add the thread"
        ) from None


def _recognised(url: str, catalog: Catalog) -> str:
    """The canonical address of the post ``url`` names, when it is new to the catalog."""
    try:
        ref = parse_post_url(url)
    except UnsupportedURL:
        forms = "\n  ".join(SUPPORTED_FORMS)
        raise _Refused(
            f"{url!r} is not the address of a post we can fetch; supported addresses:\n"
            f"  {forms}\n"
            "a thread whose original is gone can be written by hand: see CONTRIBUTING.md"
        ) from None
    existing = catalog.find(url)
    if existing is not None:
        raise _Refused(f"{ref.url} is already in the catalog, on this line", existing.line)
    return ref.url


def _new_entry(args: argparse.Namespace, url: str, text: str, catalog: Catalog) -> NewEntry:
    """The entry the flags describe, each value checked as the catalog would check it."""
    specialties = _unique(args.specialties)
    unknown = [slug for slug in specialties if slug not in catalog.specialties]
    if unknown:
        raise _Refused(_unknown_specialties(unknown, catalog), _specialties_line(text))
    tags = _unique(args.tags)
    bad_tags = [tag for tag in tags if not TAG_RE.match(tag)]
    if bad_tags:
        listed = ", ".join(repr(t) for t in bad_tags)
        raise _Refused(f"tag {listed} must be lower-case words joined by hyphens, e.g. acid-base")
    note = sys.stdin.read() if args.note == "-" else args.note
    for flag, value in (("--title", args.title), ("--note", note)):
        if value is not None and not value.strip():
            raise _Refused(f"{flag} must not be empty (leave it out instead)")
    return NewEntry(
        url=url,
        specialties=specialties,
        tags=tags,
        title=args.title.strip() if args.title is not None else None,
        added=dt.date.today(),
        note=note,
    )


def _inserted(text: str, entry: NewEntry, path: Path) -> tuple[Insertion, Catalog]:
    """The catalog's text with ``entry`` appended, and the catalog it loads as; refused when
    it would not load or when the entry's author asked to be excluded."""
    try:
        insertion = append_entry(text, entry)
    except AppendError as exc:
        raise _Refused(exc.message, exc.line) from None
    try:
        new_catalog = parse_catalog(insertion.text, path)
    except CatalogError as exc:
        for problem in exc.problems:
            old_line = insertion.old_line(problem.line)
            where = f"{path.name}:{old_line}" if old_line else f"{path.name} (the new entry)"
            print(f"{where}: {problem.message}", file=sys.stderr)
        raise _Refused("the new entry would make the catalog invalid") from None
    exclusion = new_catalog.exclusion_for(new_catalog.entries[-1])
    if exclusion is not None:
        why = f" ({exclusion.reason})" if exclusion.reason else ""
        raise _Refused(
            f"{entry.url} is on the exclusion list{why}: its author asked not to be in the library",
            insertion.old_line(exclusion.line),
        )
    return insertion, new_catalog


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
