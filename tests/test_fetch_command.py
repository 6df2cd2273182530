"""``tweetorials fetch``, the build-time hook, and the API base configuration.

The platform is a mock transport behind a real :class:`PoliteClient`, reached through a small
source, so the request counts printed by the command are real.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
import tweetorials.cli.fetch as fetch_cli
import tweetorials.fetch.pelican_hook as hook
from rich.console import Console
from tweetorials.cli import main
from tweetorials.fetch.config import FetchConfig
from tweetorials.fetch.errors import FetchError
from tweetorials.fetch.http import PoliteClient
from tweetorials.fetch.runner import FetchReport, Outcome
from tweetorials.platforms import PostRef
from tweetorials.snapshot import Author, Post, SnapshotStore, Thread, thread_from_dict

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


def thread_json(post_id: str, text: str) -> dict:
    post = Post(
        id=post_id, url=f"https://x.com/ada/status/{post_id}", created_at=None, text=text, html=text
    )
    author = Author(name="Ada", handle="ada", url="https://x.com/ada")
    return Thread(platform="x", url=post.url, author=author, posts=[post]).to_dict()


class Platform:
    """Answers per post id: a thread, or an exception to raise (a dropped connection, ...)."""

    def __init__(self) -> None:
        self.answers: dict[str, dict | Exception] = {
            "100": thread_json("100", "first"),
            "200": thread_json("200", "second"),
        }

    def handler(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers[request.url.path.rsplit("/", 1)[-1]]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(200, json=answer)


class StubXSource:
    platform: ClassVar[str] = "x"

    def __init__(self, client: PoliteClient) -> None:
        self.client = client

    def fetch(self, ref: PostRef, *, last: PostRef | None = None) -> Thread:
        return thread_from_dict(self.client.get_json(f"https://x.test/thread/{ref.post_id}"))


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Platform:
    platform = Platform()
    client_factory = functools.partial(
        PoliteClient,
        transport=httpx.MockTransport(platform.handler),
        sleep=lambda s: None,
        retries=1,
    )
    built: list[FetchConfig] = []

    def build_sources(client: PoliteClient, config: FetchConfig) -> dict:
        built.append(config)
        return {"x": StubXSource(client)}

    for module in (fetch_cli, hook):
        monkeypatch.setattr(module, "PoliteClient", client_factory)
    monkeypatch.setattr(fetch_cli, "build_sources", build_sources)
    monkeypatch.setattr("tweetorials.fetch.sources.build_sources", build_sources)
    platform.built = built  # type: ignore[attr-defined]
    for name in ("TWEETORIALS_FETCH", "TWEETORIALS_X_API", "TWEETORIALS_FXTWITTER_API"):
        monkeypatch.delenv(name, raising=False)
    return platform


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "content").mkdir()
    return tmp_path


def fetch(site: Path, *args: str) -> int:
    return main(["fetch", "--catalog", str(site / "threads.yaml"), "--no-progress", *args])


# -- the command -----------------------------------------------------------------------------


def test_fetch_archives_missing_threads_then_sends_nothing(platform, site, capsys) -> None:
    assert fetch(site) == 0
    out = capsys.readouterr().out
    assert "2 fetched (2 requests sent)" in out
    store = SnapshotStore(site / "content" / "threads")
    assert store.load("x-100").posts[0].text == "first"
    assert store.load("x-200").posts[0].text == "second"

    assert fetch(site) == 0
    out = capsys.readouterr().out
    assert "2 reused (0 requests sent)" in out
    assert "x.com/ada" not in out  # plain reuse is counted, not listed


def test_refresh_and_only(platform, site, capsys) -> None:
    assert fetch(site) == 0
    platform.answers["200"] = thread_json("200", "second, edited")
    assert fetch(site, "--only", "https://twitter.com/ada/status/200") == 0
    out = capsys.readouterr().out
    assert "1 updated (1 request sent)" in out
    assert fetch(site, "--refresh") == 0
    assert capsys.readouterr().out.endswith("2 unchanged (2 requests sent)\n")
    store = SnapshotStore(site / "content" / "threads")
    assert store.load("x-200").posts[0].text == "second, edited"


def test_a_failure_exits_1_and_shows_the_reason_literally(platform, site, capsys) -> None:
    platform.answers["100"] = httpx.ReadError("[Errno 104] Connection reset by peer")
    assert fetch(site) == 1
    out = capsys.readouterr().out
    assert (
        "threads.yaml:6: https://x.com/ada/status/100: failed: gave up on "
        "https://x.test/thread/100 after 2 attempts: the connection dropped "
        "([Errno 104] Connection reset by peer)\n"
    ) in out
    assert out.endswith("1 fetched, 1 failed (3 requests sent)\n")


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
    assert fetch(site, "--only", "https://x.com/bob/status/999") == 2
    assert "not in the catalog" in capsys.readouterr().err
    assert platform.built == []


def test_a_broken_catalog_is_bad_input(platform, site, capsys) -> None:
    (site / "threads.yaml").write_text(
        "threads:\n  - url: https://example.com/nope\n", encoding="utf-8"
    )
    assert fetch(site) == 2
    assert "threads.yaml:" in capsys.readouterr().err


def test_a_bad_api_override_is_bad_input(platform, site, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TWEETORIALS_X_API", "ftp://mirror")
    assert fetch(site) == 2
    assert "TWEETORIALS_X_API" in capsys.readouterr().err


def test_api_overrides_reach_the_sources(platform, site, monkeypatch) -> None:
    monkeypatch.setenv("TWEETORIALS_X_API", "http://127.0.0.1:8123/")
    assert fetch(site) == 0
    assert platform.built[0].x_api == "http://127.0.0.1:8123"


# -- the Pelican hook ------------------------------------------------------------------------


def settings(site: Path, mode: str | None = None) -> dict:
    values = {"PATH": str(site / "content"), "TWEETORIALS_CATALOG": str(site / "threads.yaml")}
    if mode is not None:
        values["TWEETORIALS_FETCH"] = mode
    return values


def test_hook_never_sends_nothing(platform, site) -> None:
    assert hook.fetch_before_build(settings(site, "never")) is None
    assert platform.built == []
    assert not (site / "content" / "threads").exists()


def test_hook_fetches_missing_by_default_and_prints_the_summary(platform, site, capsys) -> None:
    report = hook.fetch_before_build(settings(site))
    assert report is not None and report.summary() == "2 fetched"
    assert "tweetorials: fetch (missing): 2 fetched, 2 requests sent" in capsys.readouterr().err
    platform.built.clear()
    hook.fetch_before_build(settings(site))
    assert platform.built == []  # nothing missing: the sources are not even built


def test_hook_environment_wins_over_the_setting(platform, site, monkeypatch) -> None:
    monkeypatch.setenv("TWEETORIALS_FETCH", "never")
    assert hook.fetch_before_build(settings(site, "refresh")) is None
    assert platform.built == []


def test_hook_reports_failures_without_raising(platform, site, caplog) -> None:
    platform.answers["200"] = httpx.ConnectError("offline")
    with caplog.at_level(logging.WARNING, logger="tweetorials"):
        report = hook.fetch_before_build(settings(site))
    assert report is not None and report.exit_code == 1
    assert "threads.yaml:" in caplog.text and "could not connect (offline)" in caplog.text


def test_hook_survives_a_broken_source_registry(platform, site, caplog, monkeypatch) -> None:
    def broken(client, config):
        raise FetchError("mirror misconfigured")

    monkeypatch.setattr("tweetorials.fetch.sources.build_sources", broken)
    with caplog.at_level(logging.ERROR, logger="tweetorials"):
        assert hook.fetch_before_build(settings(site)) is None
    assert "building from the snapshots already archived" in caplog.text


def test_hook_with_a_bad_mode_logs_and_does_not_fetch(platform, site, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="tweetorials"):
        assert hook.fetch_before_build(settings(site, "sometimes")) is None
    assert "TWEETORIALS_FETCH is 'sometimes'" in caplog.text
    assert platform.built == []


# -- configuration ---------------------------------------------------------------------------


def test_config_defaults() -> None:
    config = FetchConfig.from_env({}, environ={})
    assert config.x_api == "https://cdn.syndication.twimg.com"
    assert config.fxtwitter_api == "https://api.fxtwitter.com"
    assert config.bluesky_api == "https://public.api.bsky.app"
    assert config.mastodon_api is None


def test_config_environment_wins_over_settings() -> None:
    config = FetchConfig.from_env(
        {
            "TWEETORIALS_BLUESKY_API": "http://settings.test",
            "TWEETORIALS_MASTODON_API": "http://m.test/",
        },
        environ={"TWEETORIALS_BLUESKY_API": "http://env.test", "TWEETORIALS_HTTP_TIMEOUT": "5"},
    )
    assert config.bluesky_api == "http://env.test"
    assert config.mastodon_api == "http://m.test"
    assert config.timeout == 5.0


@pytest.mark.parametrize(
    ("name", "value"),
    [("TWEETORIALS_FXTWITTER_API", "api.fxtwitter.com"), ("TWEETORIALS_HTTP_TIMEOUT", "soon")],
)
def test_config_rejects_unusable_values(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        FetchConfig.from_env({}, environ={name: value})
