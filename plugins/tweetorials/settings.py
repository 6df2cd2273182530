"""Every setting the project reads, with its default and its check, in one typed object.

The plugin (from Pelican's settings) and the CLI (from its flags) each build one
:class:`Settings` at start-up and pass it down; no other module reads Pelican's settings dict
or the environment for a ``TWEETORIALS_*`` value. It lives at the package root, below catalog,
fetch and render alike, so fetch and render share it without render importing fetch.

Each ``TWEETORIALS_*`` setting is one line in :class:`Settings`::

    max_image_bytes: int = setting("TWEETORIALS_MAX_IMAGE_BYTES", byte_size, 15 * MIB)
    # A video or GIF over this keeps its poster and link, and the page says why.
    max_video_bytes: int = setting("TWEETORIALS_MAX_VIDEO_BYTES", byte_size, 8 * MIB)

It can be written in ``pelicanconf.py`` or as an environment variable of the same name; the
environment wins (it is the more deliberate, more local choice). A value that cannot be used
raises :class:`SettingsError`, whose message is one line naming the setting and what it
accepts; the CLI prints it and exits 2, and so does the build.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = [
    "CARD_MODES",
    "DEFAULT_USER_AGENT",
    "FETCH_MODES",
    "PROJECT_URL",
    "Settings",
    "SettingsError",
]

PROJECT_URL = "https://github.com/foamed-library/tweetorials"
DEFAULT_USER_AGENT = (
    f"tweetorials/0.1 (+{PROJECT_URL}; archives #FOAMed teaching threads for a static library)"
)

#: ``TWEETORIALS_FETCH``: what a build fetches before rendering.
FETCH_MODES = ("missing", "never", "refresh")
#: ``TWEETORIALS_CARDS``: when the social cards a build needs are drawn. ``during``: beside
#: the build, by a worker on a second core (``pelican`` alone gives a complete site);
#: ``after``: the build lists them and ``tweetorials cards`` draws them on every core once the
#: build has exited, so the two never hold memory at the same time (what ``make html`` does).
CARD_MODES = ("during", "after")

KIB, MIB = 1024, 1024 * 1024


class SettingsError(ValueError):
    """A setting's value cannot be used; ``str()`` is one line: the name, the value, the fix."""


# -- how a raw value (text from the environment, anything from pelicanconf.py) is read --------

Parser = Callable[[str, object], Any]


def text(name: str, raw: object) -> str:
    return str(raw).strip()


def api_base(name: str, raw: object) -> str:
    """An http(s) base URL without its trailing slash."""
    base = str(raw).strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or base.endswith("://"):
        raise SettingsError(f"{name}={raw!r} must be an http(s) URL such as http://127.0.0.1:8000")
    return base


def seconds(name: str, raw: object) -> float:
    try:
        value = float(str(raw))
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number of seconds") from None
    if not value > 0:
        raise SettingsError(f"{name}={raw!r} must be more than 0 seconds")
    return value


def count(name: str, raw: object) -> int:
    """A whole number of 0 or more."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif str(raw).strip().isdigit():
        value = int(str(raw).strip())
    else:
        raise SettingsError(f"{name}={raw!r} is not a whole number of 0 or more")
    if value < 0:
        raise SettingsError(f"{name}={raw!r} is negative; give 0 or more")
    return value


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(|b|k|kb|kib|m|mb|mib)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": KIB, "kb": KIB, "kib": KIB, "m": MIB, "mb": MIB, "mib": MIB}


def byte_size(name: str, raw: object) -> int:
    """A positive size: plain bytes (``15000000``) or with a unit (``15MB``, ``500 KB``)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        size = raw
    else:
        match = _SIZE.match(str(raw))
        if match is None:
            raise SettingsError(f"{name}={raw!r} is not a size; write bytes or e.g. 15MB")
        size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size <= 0:
        raise SettingsError(f"{name}={raw!r} must be more than 0 bytes")
    return size


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def switch(name: str, raw: object) -> bool:
    """``True``/``False`` in pelicanconf.py; true/false, yes/no, on/off or 1/0 as text."""
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise SettingsError(f"{name}={raw!r} is not a switch; use true or false")


def one_of(*choices: str) -> Parser:
    def choose(name: str, raw: object) -> str:
        value = str(raw).strip()
        if value not in choices:
            raise SettingsError(f"{name}={raw!r} is not one of {', '.join(choices)}")
        return value

    return choose


def setting(name: str, parse: Parser, default: Any) -> Any:
    """A field read from the Pelican setting or environment variable ``name`` by ``parse``."""
    return field(default=default, metadata={"setting": name, "parse": parse})


# -- the settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What one build or one command works with; build it with :meth:`from_pelican` or
    :meth:`for_cli` so that every ``TWEETORIALS_*`` value is read and checked."""

    catalog: Path  # threads.yaml
    content: Path  # holds threads/ (snapshots) and media/ (archived images)
    cache: Path  # social cards, drawn once; default: cache/ beside the catalog
    output: Path = Path("output")
    # Pelican's own settings that the plugin's pages need.
    site_name: str = "Tweetorials"
    site_url: str = ""  # SITEURL without its trailing slash; "" in local builds
    language: str = "en"
    # TWEETORIALS_*: a Pelican setting or an environment variable of the same name (env wins).
    fetch_mode: str = setting("TWEETORIALS_FETCH", one_of(*FETCH_MODES), "missing")
    search: bool = setting("TWEETORIALS_SEARCH", switch, True)
    cards: str = setting("TWEETORIALS_CARDS", one_of(*CARD_MODES), "during")
    sitemap: bool = setting("TWEETORIALS_SITEMAP", switch, True)
    x_api: str = setting("TWEETORIALS_X_API", api_base, "https://cdn.syndication.twimg.com")
    fxtwitter_api: str = setting("TWEETORIALS_FXTWITTER_API", api_base, "https://api.fxtwitter.com")
    bluesky_api: str = setting("TWEETORIALS_BLUESKY_API", api_base, "https://public.api.bsky.app")
    # None: ask each Mastodon server itself; set: replaces scheme+host for every server.
    mastodon_api: str | None = setting("TWEETORIALS_MASTODON_API", api_base, None)
    user_agent: str = setting("TWEETORIALS_USER_AGENT", text, DEFAULT_USER_AGENT)
    http_timeout: float = setting("TWEETORIALS_HTTP_TIMEOUT", seconds, 20.0)
    http_retries: int = setting("TWEETORIALS_HTTP_RETRIES", count, 4)
    # Larger images are refused (on Content-Length, or as the stream passes it) and reported.
    max_image_bytes: int = setting("TWEETORIALS_MAX_IMAGE_BYTES", byte_size, 15 * MIB)
    # A video or GIF over this keeps its poster and link, and the page says why.
    max_video_bytes: int = setting("TWEETORIALS_MAX_VIDEO_BYTES", byte_size, 8 * MIB)
    # Fixed: how patient and how parallel a fetch is.
    max_total_wait: float = 120.0
    fetch_workers: int = 3

    @property
    def threads_dir(self) -> Path:
        """Where snapshots live: ``content/threads``."""
        return self.content / "threads"

    @property
    def media_dir(self) -> Path:
        """Where fetched images are archived: ``content/media``."""
        return self.content / "media"

    @property
    def cards_dir(self) -> Path:
        return self.cache / "cards"

    @property
    def cards_waiting(self) -> Path:
        """The cards a ``TWEETORIALS_CARDS=after`` build left to ``tweetorials cards``."""
        return self.cache / "cards-waiting.json"

    @classmethod
    def from_pelican(
        cls, pelican: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> Settings:
        """The build's settings: Pelican's dict, then the environment. Raises SettingsError."""
        content = Path(pelican["PATH"])
        catalog = _path(pelican, environ, "TWEETORIALS_CATALOG", content.parent / "threads.yaml")
        cache = _path(pelican, environ, "TWEETORIALS_CACHE", catalog.parent / "cache")
        return cls(
            catalog=catalog,
            content=content,
            cache=cache,
            output=Path(pelican.get("OUTPUT_PATH") or "output"),
            site_name=str(pelican.get("SITENAME") or "Tweetorials"),
            site_url=str(pelican.get("SITEURL") or "").rstrip("/"),
            language=str(pelican.get("DEFAULT_LANG") or "en"),
            **_tweetorials_values(pelican, environ),
        )

    @classmethod
    def for_cli(
        cls,
        catalog: Path,
        content: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """A command's settings: ``--catalog`` and ``--content`` (default: ``content/`` beside
        the catalog), then the environment (``TWEETORIALS_CACHE`` too, as for the build).
        Raises SettingsError."""
        return cls(
            catalog=catalog,
            content=content if content is not None else catalog.parent / "content",
            cache=_path({}, environ, "TWEETORIALS_CACHE", catalog.parent / "cache"),
            **_tweetorials_values({}, environ),
        )

    @classmethod
    def names(cls) -> list[str]:
        """Every ``TWEETORIALS_*`` name read from Pelican's settings or the environment."""
        fixed = ["TWEETORIALS_CATALOG", "TWEETORIALS_CACHE"]
        return fixed + [f.metadata["setting"] for f in fields(cls) if "setting" in f.metadata]

    def but(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (tests, and a command's flags such as ``--workers``)."""
        return replace(self, **changes)


def _raw(pelican: Mapping[str, Any], environ: Mapping[str, str] | None, name: str) -> object:
    """The environment's value when set and not blank, else Pelican's; None when neither."""
    environ = os.environ if environ is None else environ
    raw: object = environ.get(name)
    if raw is None or not str(raw).strip():
        raw = pelican.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return raw


def _path(
    pelican: Mapping[str, Any], environ: Mapping[str, str] | None, name: str, default: Path
) -> Path:
    raw = _raw(pelican, environ, name)
    return default if raw is None else Path(str(raw))


def _tweetorials_values(
    pelican: Mapping[str, Any], environ: Mapping[str, str] | None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in fields(Settings):
        name = item.metadata.get("setting")
        if name is None:
            continue
        raw = _raw(pelican, environ, name)
        if raw is not None:
            values[item.name] = item.metadata["parse"](name, raw)
    return values
