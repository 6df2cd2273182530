"""Every platform's time spelling becomes the snapshot's ``YYYY-MM-DDTHH:MM:SSZ``."""

from __future__ import annotations

import re

import pytest
from tweetorials.snapshot.times import iso_utc, utc_now


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-09-28T12:49:36.735Z", "2023-09-28T12:49:36Z"),  # Bluesky, milliseconds
        ("1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:00Z"),  # AppView, microseconds
        ("2017-04-27T06:34:06", "2017-04-27T06:34:06Z"),  # Mastodon 1.x, naive = UTC
        ("2019-07-15T18:29:57.191+00:00", "2019-07-15T18:29:57Z"),
        ("2024-01-01T01:30:00+02:00", "2023-12-31T23:30:00Z"),  # offsets move the clock
        ("2024-01-01T23:00:00-0130", "2024-01-02T00:30:00Z"),
    ],
)
def test_times_are_normalised_to_utc(raw: str, expected: str) -> None:
    assert iso_utc(raw) == expected


@pytest.mark.parametrize("raw", [None, 17, "", "yesterday", "2024-13-01T00:00:00Z", "2024-01-01"])
def test_what_is_not_a_time_is_none(raw: object) -> None:
    assert iso_utc(raw) is None


def test_now_has_the_snapshot_shape() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", utc_now())
