"""The cycle collector's oldest generation waits during a build and is put back after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from tweetorials.render import collector


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    collector._before.clear()
    gc.set_threshold(*before)


def test_full_collections_wait_until_the_build_is_over(thresholds: tuple[int, int, int]) -> None:
    collector.hold_full_collections()
    young, middle, oldest = gc.get_threshold()
    assert (young, middle) == thresholds[:2]
    assert oldest >= 1_000_000
    collector.resume_full_collections()
    assert gc.get_threshold() == thresholds


def test_a_build_that_failed_does_not_keep_the_raised_threshold(
    thresholds: tuple[int, int, int],
) -> None:
    collector.hold_full_collections()  # no finalized: the build raised
    collector.hold_full_collections()
    collector.resume_full_collections()
    assert gc.get_threshold() == thresholds
