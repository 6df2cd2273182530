"""The ``tweetorials`` command: one sub-command per module, each with its own help.

Every command exits 0 when all is well, 1 when fetching failed for some threads, and 2 when
the input is wrong (a broken catalog, an unknown URL, a bad flag), and explains itself in
plain words instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..fetch.session import Transport

__all__ = ["EXIT_BAD_INPUT", "EXIT_FETCH_FAILED", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_FETCH_FAILED = 1
EXIT_BAD_INPUT = 2

# Each command, and the module in this package that defines its ``add_parser(subparsers)`` and
# ``run(args) -> int``.
COMMANDS = {"check": "check", "fetch": "fetch", "add": "add", "import": "rescue", "cards": "cards"}

DESCRIPTION = """\
Build and maintain a library of #FOAMed tweetorials.

Maintainers list threads in threads.yaml; `fetch` archives each one as a snapshot under
content/threads/, and `make html` renders the site from the snapshots, offline.
"""

EPILOG = """\
examples:
  tweetorials check                      validate threads.yaml, list what needs attention
  tweetorials fetch                      archive threads that have no snapshot yet
  tweetorials fetch --refresh            re-fetch every thread (archived text is never lost)
  tweetorials add URL --specialty policy add a thread to threads.yaml and fetch it
  tweetorials import EXPORT --thread ID  rescue a deleted thread from an export (offline)
  tweetorials cards                      draw the social cards the last build left waiting

exit codes: 0 ok, 1 some threads could not be fetched (cards: some could not be put into
the site), 2 bad input
"""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``tweetorials`` parser; with ``only``, one command's alone. Each command's module
    is imported to add its options: ``only`` keeps a quick command quick (``make html`` runs
    ``tweetorials cards`` after every build; the fetch modules alone take 0.2 s to import)."""
    parser = argparse.ArgumentParser(
        prog="tweetorials",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS.values() if only is None else (COMMANDS[only],):
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # a command not written yet
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, *, transport: Transport | None = None) -> int:
    """Run one command. ``transport`` answers every request a fetch sends (tests use it
    instead of the network)."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    args.transport = transport
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted; every file already written is complete", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
