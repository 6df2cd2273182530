"""Options and helpers that several commands share (where the catalog and snapshots live)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Settings, SettingsError

__all__ = [
    "add_location_options",
    "help_text",
    "load_catalog_or_report",
    "non_negative_int",
    "settings_or_report",
]


if TYPE_CHECKING:
    from typing import TypeAlias

    from ..catalog import Catalog

    #: What ``add_parser`` receives: the ``tweetorials`` parser's sub-commands.
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def help_text(doc: str | None) -> str:
    """A module docstring as ``--help`` prints it: reStructuredText's double backquotes read
    as noise in a terminal, so they become the single ones people type in chat and Markdown."""
    return (doc or "").replace("``", "`")


def non_negative_int(value: str) -> int:
    """An argparse type: a whole number of 0 or more, refused with a message that says so."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return number


def add_location_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalog",
        type=Path,
        default=Path("threads.yaml"),
        metavar="PATH",
        help="the catalog to read (default: threads.yaml in the current folder)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=None,
        metavar="DIR",
        help="the content folder holding threads/ and media/ (default: content/ next to the catalog)",
    )


def settings_or_report(args: argparse.Namespace) -> Settings | None:
    """The command's settings from ``--catalog``, ``--content`` and the environment, or None
    after printing the one line that says which setting is unusable."""
    try:
        return Settings.for_cli(args.catalog, args.content)
    except SettingsError as exc:
        print(f"tweetorials {args.command}: {exc}", file=sys.stderr)
        return None


def load_catalog_or_report(path: Path) -> Catalog | None:
    """Load the catalog, or print every problem as ``threads.yaml:LINE: message`` and return None."""
    from ..catalog import CatalogError, load_catalog  # here: `tweetorials cards` needs no YAML

    try:
        return load_catalog(path)
    except CatalogError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        count = len(exc.problems)
        print(
            f"{count} problem{'s' * (count != 1)} in {path}; nothing was changed", file=sys.stderr
        )
        return None
