"""Where to fetch from, and how patiently: the API bases and client settings.

Every API base can be overridden, so a mirror can replace a third-party API that vanished and
the tests can point all sources at a loopback server that replays recorded responses. The
same names work as environment variables (``TWEETORIALS_X_API=http://127.0.0.1:8000``) and as
Pelican settings; the environment wins because it is the more deliberate, more local choice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .http import DEFAULT_USER_AGENT

__all__ = ["DEFAULT_MAX_IMAGE_BYTES", "ENV_NAMES", "FetchConfig"]

#: Setting/environment variable name for each overridable field.
ENV_NAMES: dict[str, str] = {
    "x_api": "TWEETORIALS_X_API",
    "fxtwitter_api": "TWEETORIALS_FXTWITTER_API",
    "bluesky_api": "TWEETORIALS_BLUESKY_API",
    "mastodon_api": "TWEETORIALS_MASTODON_API",
    "user_agent": "TWEETORIALS_USER_AGENT",
    "timeout": "TWEETORIALS_HTTP_TIMEOUT",
    "max_image_bytes": "TWEETORIALS_MAX_IMAGE_BYTES",
}

#: The default cap on one downloaded image (the media pipeline's own default).
DEFAULT_MAX_IMAGE_BYTES = 15 * 1024 * 1024

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(|b|k|kb|kib|m|mb|mib)\s*$", re.IGNORECASE)
_KIB, _MIB = 1024, 1024 * 1024
_UNITS = {"": 1, "b": 1, "k": _KIB, "kb": _KIB, "kib": _KIB, "m": _MIB, "mb": _MIB, "mib": _MIB}


@dataclass(frozen=True)
class FetchConfig:
    """API bases (no trailing slash) and HTTP client settings for one fetch run."""

    x_api: str = "https://cdn.syndication.twimg.com"  # X syndication endpoint
    fxtwitter_api: str = "https://api.fxtwitter.com"
    bluesky_api: str = "https://public.api.bsky.app"
    # None: ask each Mastodon server itself; set: replaces scheme+host for every server.
    mastodon_api: str | None = None
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0
    max_total_wait: float = 120.0
    workers: int = 3
    # Larger images are refused (on Content-Length, or as the stream passes it) and reported.
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES

    @classmethod
    def from_env(
        cls,
        settings: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> FetchConfig:
        """Defaults, overridden by Pelican ``settings``, overridden by the environment.

        Raises :class:`ValueError` with the offending name when a value is unusable.
        """
        environ = os.environ if environ is None else environ
        settings = settings or {}
        values: dict[str, Any] = {}
        for field_name, name in ENV_NAMES.items():
            raw = environ.get(name)
            if raw is None or not str(raw).strip():
                raw = settings.get(name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            if field_name == "timeout":
                try:
                    value: Any = float(raw)
                except (TypeError, ValueError):
                    raise ValueError(f"{name}={raw!r} is not a number of seconds") from None
                if value <= 0:
                    raise ValueError(f"{name}={raw!r} must be more than 0 seconds")
            elif field_name == "user_agent":
                value = str(raw).strip()
            elif field_name == "max_image_bytes":
                value = _byte_size(name, raw)
            else:
                value = _api_base(name, str(raw))
            values[field_name] = value
        return cls(**values)


def _byte_size(name: str, raw: object) -> int:
    """A positive size: plain bytes (``15000000``) or with a unit (``15MB``, ``500 KB``)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        size = raw
    else:
        match = _SIZE.match(str(raw))
        if match is None:
            raise ValueError(f"{name}={raw!r} is not a size; write bytes or e.g. 15MB")
        size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size <= 0:
        raise ValueError(f"{name}={raw!r} must be more than 0 bytes")
    return size


def _api_base(name: str, raw: str) -> str:
    base = raw.strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or "://" not in base or base.endswith("://"):
        raise ValueError(f"{name}={raw!r} must be an http(s) URL such as http://127.0.0.1:8000")
    return base
