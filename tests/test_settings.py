"""The one settings object: defaults, Pelican settings, the environment winning, and one-line
refusals for values that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from tweetorials.settings import DEFAULT_USER_AGENT, Settings, SettingsError

PELICAN = {"PATH": "/site/content"}


def test_defaults() -> None:
    settings = Settings.from_pelican(PELICAN, environ={})
    assert settings.x_api == "https://cdn.syndication.twimg.com"
    assert settings.fxtwitter_api == "https://api.fxtwitter.com"
    assert settings.bluesky_api == "https://public.api.bsky.app"
    assert settings.mastodon_api is None
    assert settings.fetch_mode == "missing"
    assert settings.search is True and settings.sitemap is True
    assert settings.user_agent == DEFAULT_USER_AGENT
    assert settings.max_image_bytes == 15 * 2**20
    assert settings.http_retries == 4


def test_places_are_worked_out_once() -> None:
    settings = Settings.from_pelican(PELICAN, environ={})
    assert settings.catalog == Path("/site/threads.yaml")
    assert settings.threads_dir == Path("/site/content/threads")
    assert settings.media_dir == Path("/site/content/media")
    assert settings.cards_dir == Path("/site/cache/cards")
    cli = Settings.for_cli(Path("lib/threads.yaml"), environ={})
    assert cli.threads_dir == Path("lib/content/threads")
    assert Settings.for_cli(Path("t.yaml"), Path("c"), environ={}).threads_dir == Path("c/threads")


def test_the_environment_wins_over_pelican_settings() -> None:
    settings = Settings.from_pelican(
        {
            **PELICAN,
            "TWEETORIALS_BLUESKY_API": "http://settings.test",
            "TWEETORIALS_MASTODON_API": "http://m.test/",
            "TWEETORIALS_FETCH": "refresh",
            "TWEETORIALS_SEARCH": False,
        },
        environ={
            "TWEETORIALS_BLUESKY_API": "http://env.test",
            "TWEETORIALS_HTTP_TIMEOUT": "5",
            "TWEETORIALS_FETCH": "never",
            "TWEETORIALS_SITEMAP": "off",
        },
    )
    assert settings.bluesky_api == "http://env.test"
    assert settings.mastodon_api == "http://m.test"
    assert settings.http_timeout == 5.0
    assert settings.fetch_mode == "never"
    assert settings.search is False and settings.sitemap is False


def test_cards_are_drawn_during_the_build_unless_asked_for_after() -> None:
    assert Settings.from_pelican(PELICAN, environ={}).cards == "during"
    assert Settings.from_pelican(PELICAN, {"TWEETORIALS_CARDS": "after"}).cards == "after"


def test_a_command_keeps_its_cache_where_the_environment_says(tmp_path: Path) -> None:
    """As the build does: ``tweetorials cards`` must find the list the build left there."""
    moved = Settings.for_cli(tmp_path / "t.yaml", environ={"TWEETORIALS_CACHE": "/srv/cache"})
    assert moved.cards_waiting == Path("/srv/cache/cards-waiting.json")
    assert Settings.for_cli(tmp_path / "t.yaml", environ={}).cache == tmp_path / "cache"


def test_search_can_be_switched_from_the_environment() -> None:
    assert Settings.for_cli(Path("t.yaml"), environ={"TWEETORIALS_SEARCH": "false"}).search is False
    on = Settings.from_pelican(
        {**PELICAN, "TWEETORIALS_SEARCH": False}, {"TWEETORIALS_SEARCH": "1"}
    )
    assert on.search is True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2000000", 2_000_000), ("15MB", 15 * 1024 * 1024), ("500 kb", 512_000), ("1.5M", 1572864)],
)
def test_image_cap_from_the_environment(raw: str, expected: int) -> None:
    settings = Settings.from_pelican(PELICAN, environ={"TWEETORIALS_MAX_IMAGE_BYTES": raw})
    assert settings.max_image_bytes == expected


def test_image_cap_as_a_pelican_setting() -> None:
    settings = Settings.from_pelican({**PELICAN, "TWEETORIALS_MAX_IMAGE_BYTES": 1234}, environ={})
    assert settings.max_image_bytes == 1234


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TWEETORIALS_FXTWITTER_API", "api.fxtwitter.com", "must be an http(s) URL"),
        ("TWEETORIALS_X_API", "ftp://mirror", "must be an http(s) URL"),
        ("TWEETORIALS_HTTP_TIMEOUT", "soon", "is not a number of seconds"),
        ("TWEETORIALS_HTTP_TIMEOUT", "0", "must be more than 0 seconds"),
        ("TWEETORIALS_HTTP_RETRIES", "-1", "is not a whole number"),
        ("TWEETORIALS_MAX_IMAGE_BYTES", "lots", "is not a size"),
        ("TWEETORIALS_MAX_IMAGE_BYTES", "0", "must be more than 0 bytes"),
        ("TWEETORIALS_MAX_IMAGE_BYTES", "-5", "is not a size"),
        ("TWEETORIALS_MAX_IMAGE_BYTES", "15 GB", "is not a size"),
        ("TWEETORIALS_FETCH", "sometimes", "is not one of missing, never, refresh"),
        ("TWEETORIALS_SEARCH", "maybe", "is not a switch; use true or false"),
        ("TWEETORIALS_CARDS", "later", "is not one of during, after"),
    ],
)
def test_unusable_values_are_refused_in_one_line(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_pelican(PELICAN, environ={name: value})
    text = str(caught.value)
    assert text.startswith(f"{name}={value!r} ") and message in text
    assert "\n" not in text


def test_a_blank_environment_variable_leaves_the_setting_alone() -> None:
    settings = Settings.from_pelican(
        {**PELICAN, "TWEETORIALS_FETCH": "never"}, environ={"TWEETORIALS_FETCH": "  "}
    )
    assert settings.fetch_mode == "never"


def test_every_tweetorials_setting_is_in_the_readme() -> None:
    """The README's settings table lists every setting the object reads."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.names() if f"`{name}`" not in readme]
    assert missing == []
