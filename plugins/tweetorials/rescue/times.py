"""Times from what exports write, in the snapshot spelling (:mod:`tweetorials.snapshot.times`).

X archives write ``Wed Jan 06 14:00:00 +0000 2021`` for posts and ISO 8601 with milliseconds
(``2022-11-10T12:34:56.789Z``) in ``manifest.js`` and ``note-tweet.js`` (read with
:func:`~tweetorials.snapshot.times.iso_utc`). When an export does not say when it was made,
the file's modification time stands in: it is the best evidence there is, and it does not
change between two imports of the same file, so importing twice still writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..snapshot.times import format_utc

__all__ = ["modified_time", "twitter_time"]

_TWITTER = "%a %b %d %H:%M:%S %z %Y"


def twitter_time(value: object) -> str | None:
    """``Wed Jan 06 14:00:00 +0000 2021`` (the X API and archives) in the snapshot spelling."""
    if not isinstance(value, str):
        return None
    try:
        return format_utc(dt.datetime.strptime(value.strip(), _TWITTER))
    except ValueError:
        return None


def modified_time(path: Path) -> str:
    """When ``path`` was last changed: the fallback for "when was this export made"."""
    return format_utc(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC))
