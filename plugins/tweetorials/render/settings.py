"""Every setting the plugin reads, with its default, in one place.

Pelican settings are a loose dict; the plugin turns them into one typed object at start-up so
that the rest of the code reads ``settings.fetch_mode`` and a typo fails loudly here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FETCH_MODES", "PluginSettings"]

FETCH_MODES = ("missing", "never", "refresh")


@dataclass(frozen=True)
class PluginSettings:
    catalog: Path  # TWEETORIALS_CATALOG, default: threads.yaml beside the content folder
    content: Path  # Pelican's PATH
    fetch_mode: str  # TWEETORIALS_FETCH (env var of the same name wins): missing | never | refresh
    site_name: str
    cache: Path  # TWEETORIALS_CACHE, default: cache/ beside the catalog (social cards live there)

    @property
    def threads_dir(self) -> Path:
        return self.content / "threads"

    @property
    def media_dir(self) -> Path:
        return self.content / "media"

    @property
    def cards_dir(self) -> Path:
        return self.cache / "cards"

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> PluginSettings:
        content = Path(settings["PATH"])
        catalog = Path(settings.get("TWEETORIALS_CATALOG") or content.parent / "threads.yaml")
        mode = os.environ.get("TWEETORIALS_FETCH") or settings.get("TWEETORIALS_FETCH", "missing")
        if mode not in FETCH_MODES:
            raise ValueError(f"TWEETORIALS_FETCH is {mode!r}; use one of {', '.join(FETCH_MODES)}")
        cache = Path(settings.get("TWEETORIALS_CACHE") or catalog.parent / "cache")
        return cls(
            catalog=catalog,
            cache=cache,
            content=content,
            fetch_mode=mode,
            site_name=str(settings.get("SITENAME", "Tweetorials")),
        )
