"""``tweetorials fetch``, the build-time hook, and the API base configuration.

The platform is a mock transport behind the real client and the real X source, passed in as
the command and the hook take it (``transport=``), so the request counts printed are real.
"""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
import tweetorials.cli.fetch as fetch_cli
import tweetorials.fetch.pelican_hook as hook
from rich.console import Console
from tweetorials.catalog import load_catalog
from tweetorials.cli import main
from tweetorials.fetch.errors import FetchError
from tweetorials.fetch.runner import FetchReport, Outcome
from tweetorials.settings import Settings, SettingsError
from tweetorials.snapshot import SnapshotStore

CATALOG = """\
specialties:
  value-care:
    name: High-value care
    description: Tests and treatments that help patients.
threads:
  - url: https://x.com/ada/status/100
    specialties: [value-care]
  - url: https://twitter.com/ada/status/200
    specialties: [value-care]
"""


def fx_answer(post_id: str, text: str) -> dict:
    """FxTwitter's ``/2/thread/ID`` answer for a one-post thread by @ada."""
    author = {"id": "7", "screen_name": "ada", "name": "Ada"}
    status = {"type": "status", "id": post_id, "text": text, "author": author}
    return {"code": 200, "status": status, "thread": [status], "author": author}


class Platform:
    """FxTwitter at https://x.test (the X syndication fallback at https://syn.test), answering
    per post id: a thread, or an exception to raise (a dropped connection, ...)."""

    def __init__(self) -> None:
        self.answers: dict[str, dict | Exception] = {
            "100": fx_answer("100", "first"),
            "200": fx_answer("200", "second"),
        }
        self.requested: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requested.append(str(request.url))
        post_id = request.url.params.get("id") or request.url.path.rsplit("/", 1)[-1]
        answer = self.answers[post_id]
        if isinstance(answer, Exception):
            raise answer
        if request.url.host == "syn.test":
            return httpx.Response(404, json={})
        return httpx.Response(200, json=answer)


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Platform:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TWEETORIALS_FETCH", raising=False)
    return Platform()


ENVIRONMENT = {
    "TWEETORIALS_FXTWITTER_API": "https://x.test",
    "TWEETORIALS_X_API": "https://syn.test",
    "TWEETORIALS_HTTP_RETRIES": "1",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "content").mkdir()
    return tmp_path


def fetch(site: Path, platform: Platform, *args: str) -> int:
    argv = ["fetch", "--catalog", str(site / "threads.yaml"), "--no-progress", *args]
    return main(argv, transport=httpx.MockTransport(platform.handler))


# -- the command -----------------------------------------------------------------------------


def test_fetch_archives_missing_threads_then_sends_nothing(platform, site, capsys) -> None:
    assert fetch(site, platform) == 0
    out = capsys.readouterr().out
    assert "2 fetched (2 requests sent)" in out
    store = SnapshotStore(site / "content" / "threads")
    assert store.load("x-100").posts[0].text == "first"
    assert store.load("x-200").posts[0].text == "second"

    assert fetch(site, platform) == 0
    out = capsys.readouterr().out
    assert "2 reused (0 requests sent)" in out
    assert "x.com/ada" not in out  # plain reuse is counted, not listed


def test_refresh_and_only(platform, site, capsys) -> None:
    assert fetch(site, platform) == 0
    platform.answers["200"] = fx_answer("200", "second, edited")
    assert fetch(site, platform, "--only", "https://twitter.com/ada/status/200") == 0
    out = capsys.readouterr().out
    assert "1 updated (1 request sent)" in out
    assert fetch(site, platform, "--refresh") == 0
    assert capsys.readouterr().out.endswith("2 unchanged (2 requests sent)\n")
    store = SnapshotStore(site / "content" / "threads")
    assert store.load("x-200").posts[0].text == "second, edited"


def test_a_failure_exits_1_and_shows_the_reason_literally(platform, site, capsys) -> None:
    platform.answers["100"] = httpx.ReadError("[Errno 104] Connection reset by peer")
    assert fetch(site, platform) == 1
    out = capsys.readouterr().out
    assert (
        "threads.yaml:6: https://x.com/ada/status/100: failed: FxTwitter failed (gave up on "
        "https://x.test/2/thread/100 after 2 attempts: the connection dropped "
        "([Errno 104] Connection reset by peer)); the syndication fallback failed too (gave up "
        "on https://syn.test/tweet-result after 2 attempts: the "
        "connection dropped ([Errno 104] Connection reset by peer))\n"
    ) in out
    assert out.endswith("1 fetched, 1 failed (5 requests sent)\n")


def test_on_a_terminal_the_report_is_a_table_without_markup_surprises() -> None:
    report = FetchReport(
        [
            Outcome("https://x.com/a/status/1", "x-1", 6, "failed", "[bold]not markup[/bold]"),
            Outcome("https://x.com/a/status/2", "x-2", 9, "reused"),
        ]
    )
    console = Console(force_terminal=True, width=160, record=True, color_system=None)
    fetch_cli.print_report(report, console, requests=4)
    text = console.export_text()
    assert "[bold]not markup[/bold]" in text
    assert "x.com/a/status/2" not in text  # plain reuse is counted, not listed
    assert "1 reused, 1 failed (4 requests sent)" in text


def test_unknown_only_url_is_bad_input(platform, site, capsys) -> None:
    assert fetch(site, platform, "--only", "https://x.com/bob/status/999") == 2
    assert "not in the catalog" in capsys.readouterr().err
    assert platform.requested == []


def test_a_broken_catalog_is_bad_input(platform, site, capsys) -> None:
    (site / "threads.yaml").write_text(
        "threads:\n  - url: https://example.com/nope\n", encoding="utf-8"
    )
    assert fetch(site, platform) == 2
    assert "threads.yaml:" in capsys.readouterr().err


def test_a_bad_api_override_is_bad_input(platform, site, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TWEETORIALS_X_API", "ftp://mirror")
    assert fetch(site, platform) == 2
    assert "TWEETORIALS_X_API" in capsys.readouterr().err


def test_api_overrides_reach_the_sources(platform, site, monkeypatch) -> None:
    monkeypatch.setenv("TWEETORIALS_FXTWITTER_API", "http://127.0.0.1:8123/")
    assert fetch(site, platform) == 0
    assert sorted(platform.requested) == [
        "http://127.0.0.1:8123/2/thread/100",
        "http://127.0.0.1:8123/2/thread/200",
    ]


# -- the Pelican hook ------------------------------------------------------------------------


def build_fetch(site: Path, platform: Platform, mode: str | None = None) -> FetchReport | None:
    """The build-time hook as ``register()`` runs it, with ``mode`` in pelicanconf.py."""
    values = {"PATH": str(site / "content"), "TWEETORIALS_CATALOG": str(site / "threads.yaml")}
    if mode is not None:
        values["TWEETORIALS_FETCH"] = mode
    settings = Settings.from_pelican(values)
    return hook.fetch_before_build(
        settings, load_catalog(settings.catalog), transport=httpx.MockTransport(platform.handler)
    )


def test_hook_never_sends_nothing(platform, site) -> None:
    assert build_fetch(site, platform, "never") is None
    assert platform.requested == []
    assert not (site / "content" / "threads").exists()


def test_hook_fetches_missing_by_default_and_prints_the_summary(platform, site, capsys) -> None:
    report = build_fetch(site, platform)
    assert report is not None and report.summary() == "2 fetched"
    assert "tweetorials: fetch (missing): 2 fetched, 2 requests sent" in capsys.readouterr().err
    platform.requested.clear()
    assert build_fetch(site, platform).summary() == "2 reused"
    assert platform.requested == []


def test_hook_environment_wins_over_the_setting(platform, site, monkeypatch) -> None:
    monkeypatch.setenv("TWEETORIALS_FETCH", "never")
    assert build_fetch(site, platform, "refresh") is None
    assert platform.requested == []


def test_hook_reports_failures_without_raising(platform, site, caplog) -> None:
    platform.answers["200"] = httpx.ConnectError("offline")
    with caplog.at_level(logging.WARNING, logger="tweetorials"):
        report = build_fetch(site, platform)
    assert report is not None and report.exit_code == 1
    assert "threads.yaml:" in caplog.text and "could not connect (offline)" in caplog.text


def test_hook_survives_a_broken_source_registry(platform, site, caplog) -> None:
    def broken(client, settings):
        raise FetchError("mirror misconfigured")

    settings = Settings.from_pelican({"PATH": str(site / "content")})
    with caplog.at_level(logging.WARNING, logger="tweetorials"):
        assert (
            hook.fetch_before_build(settings, load_catalog(settings.catalog), sources=broken)
            is None
        )
    assert "building from the snapshots already archived" in caplog.text


def test_a_bad_mode_is_refused_before_anything_runs(platform, site) -> None:
    with pytest.raises(
        SettingsError, match="TWEETORIALS_FETCH='sometimes' is not one of missing, never, refresh"
    ):
        Settings.from_pelican({"PATH": str(site / "content"), "TWEETORIALS_FETCH": "sometimes"})
