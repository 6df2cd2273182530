"""The registry of platform sources: one module per platform, one line here per module.

Adding a platform means writing ``sources/<name>.py`` with a class that implements
:class:`~tweetorials.fetch.sources.base.Source` and adding it to :func:`build_sources`.
Sources are imported inside the function so that importing the fetch package stays cheap and
one source that fails to import does not take the others down with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Source

if TYPE_CHECKING:
    from ...settings import Settings
    from ..http import PoliteClient

__all__ = ["Source", "build_sources"]


def build_sources(client: PoliteClient, config: Settings) -> dict[str, Source]:
    """Every fetchable platform mapped to a ready source sharing ``client``.

    ``manual`` is absent on purpose: hand-written snapshots are never fetched.
    """
    from .bluesky import BlueskySource
    from .mastodon import MastodonSource
    from .x import XSource

    return {
        "x": XSource(client, fxtwitter_api=config.fxtwitter_api, syndication_api=config.x_api),
        "bluesky": BlueskySource(client, api=config.bluesky_api),
        "mastodon": MastodonSource(client, api_override=config.mastodon_api),
    }
