"""The snapshot's one spelling of a time, ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, and its readers.

Snapshots store times as text so they survive JSON and sort as strings; that only works if
every writer (sources, hand-written snapshots, the fetch runner) uses :data:`TIME_FORMAT`
through :func:`format_utc`, :func:`utc_now` or :func:`iso_utc`. Platforms do not agree: Bluesky sends milliseconds or
microseconds (``1970-01-01T00:00:00.000000Z``), Mastodon milliseconds, old Mastodon servers a
naive local-less time (``2017-04-27T06:34:06``, which is UTC), others an offset (``+02:00``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["TIME_FORMAT", "format_utc", "iso_utc", "utc_now"]

#: How every time in a snapshot is written.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})(?:[.,]\d+)?"
    r"(?P<tz>Z|z|[+-]\d{2}:?\d{2})?$"
)


def iso_utc(value: object) -> str | None:
    """``value`` as ``YYYY-MM-DDTHH:MM:SSZ`` (fractions dropped), or None when it is no time.

    A time without an offset is taken as UTC: that is what the APIs mean by it.
    """
    if not isinstance(value, str):
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    try:
        moment = datetime.fromisoformat(f"{m.group('date')}T{m.group('time')}")
    except ValueError:
        return None
    tz = m.group("tz")
    if tz and tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment.strftime(TIME_FORMAT)


def utc_now() -> str:
    """Now, in the snapshot spelling (for ``Thread.fetched_at`` and ``last_seen``)."""
    return format_utc(datetime.now(UTC))


def format_utc(moment: datetime) -> str:
    """An aware ``moment`` in the snapshot spelling."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)
