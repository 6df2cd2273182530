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


class _Pelican:
    """What ``hold_during_runs`` needs of a Pelican object: a ``run`` it can wrap."""

    def __init__(self, fail: bool) -> None:
        self.fail = fail
        self.seen: list[tuple[int, int, int]] = []

    def run(self) -> None:
        self.seen.append(gc.get_threshold())
        if self.fail:
            raise RuntimeError("a template error, half way through the build")


@pytest.mark.parametrize("fail", [False, True])
def test_each_run_holds_full_collections_and_puts_them_back_however_it_ends(
    thresholds: tuple[int, int, int], fail: bool
) -> None:
    pelican = _Pelican(fail)
    collector.hold_during_runs(pelican)
    for _ in range(2):  # pelican --autoreload runs one object again and again
        if fail:
            with pytest.raises(RuntimeError):
                pelican.run()
        else:
            pelican.run()
        assert gc.get_threshold() == thresholds
    assert [seen[2] >= 1_000_000 for seen in pelican.seen] == [True, True]
