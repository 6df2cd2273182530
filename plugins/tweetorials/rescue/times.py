"""Times in the snapshot spelling (``2021-01-06T14:00:00Z``) from what exports write.

X archives write ``Wed Jan 06 14:00:00 +0000 2021`` for posts and ISO 8601 with milliseconds
(``2022-11-10T12:34:56.789Z``) in ``manifest.js`` and ``note-tweet.js``; Mastodon and Bluesky
exports write ISO 8601. When an export does not say when it was made, the file's modification
time stands in: it is the best evidence there is, and it does not change between two imports
of the same file, so importing twice still writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

__all__ = ["SNAPSHOT_TIME", "iso_time", "modified_time", "snapshot_time", "twitter_time"]

SNAPSHOT_TIME = "%Y-%m-%dT%H:%M:%SZ"
_TWITTER = "%a %b %d %H:%M:%S %z %Y"


def snapshot_time(moment: dt.datetime) -> str:
    """An aware (or UTC-naive) datetime as the snapshot writes it, to the second."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime(SNAPSHOT_TIME)


def iso_time(value: object) -> str | None:
    """ISO 8601 text (``Z``, an offset or none, fractions allowed) in the snapshot spelling."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return snapshot_time(dt.datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def twitter_time(value: object) -> str | None:
    """``Wed Jan 06 14:00:00 +0000 2021`` (the X API and archives) in the snapshot spelling."""
    if not isinstance(value, str):
        return None
    try:
        return snapshot_time(dt.datetime.strptime(value.strip(), _TWITTER))
    except ValueError:
        return None


def modified_time(path: Path) -> str:
    """When ``path`` was last changed: the fallback for "when was this export made"."""
    return snapshot_time(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC))
