"""One-line summaries a person should always see, whatever Pelican's log level.

Pelican shows only warnings by default; "3 threads fetched, 1 failed" or "0 images encoded" is
not a warning, but it is what a maintainer needs after every build. Both the fetch hook and the
render plugin end their work with :func:`announce`.
"""

from __future__ import annotations

import sys

__all__ = ["announce"]


def announce(message: str) -> None:
    print(f"tweetorials: {message}", file=sys.stderr, flush=True)
