"""The browser switch itself: skip where Chromium is missing, fail where CI requires it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import check_chromium


def test_missing_chromium_skips_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        check_chromium(tmp_path / "chromium", {})


def test_missing_chromium_fails_when_ci_requires_the_browser(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="TWEETORIALS_REQUIRE_BROWSER=1"):
        check_chromium(tmp_path / "chromium", {"TWEETORIALS_REQUIRE_BROWSER": "1"})


def test_present_chromium_runs(tmp_path: Path) -> None:
    (tmp_path / "chromium").touch()
    check_chromium(tmp_path / "chromium", {"TWEETORIALS_REQUIRE_BROWSER": "1"})
