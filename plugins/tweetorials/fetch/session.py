"""One fetch run, assembled in one place: the client, the sources, the image step, the runner.

``tweetorials fetch``, ``tweetorials add`` and the build hook all call :func:`run`, so the three
fetch the same way: one :class:`~tweetorials.fetch.http.PoliteClient` (its User-Agent, per-host
politeness, retries and request count) shared by every source and every image download.

Tests pass ``transport`` (an ``httpx.MockTransport`` or a loopback server's address through the
``TWEETORIALS_*_API`` settings) instead of patching this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import httpx

from ..snapshot import SnapshotStore
from .http import PoliteClient
from .image_downloads import image_archiver
from .runner import FetchReport, Mode, Outcome, fetch_threads
from .sources import Source, build_sources

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..settings import Settings
    from .runner import ExclusionCheck

__all__ = ["FetchRun", "SourceFactory", "Transport", "run"]

#: What answers the run's requests instead of the network (tests): any httpx transport.
Transport = httpx.BaseTransport

#: Builds the platform sources on the run's client (default: :func:`build_sources`).
SourceFactory = Callable[[PoliteClient, "Settings"], Mapping[str, Source]]


@dataclass(frozen=True)
class FetchRun:
    """What one run did: the report per thread, and how many requests it sent in all."""

    report: FetchReport
    requests_sent: int


def run(
    catalog: Catalog,
    settings: Settings,
    mode: Mode,
    *,
    only: str | None = None,
    transport: Transport | None = None,
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    sources: SourceFactory | None = None,
) -> FetchRun:
    """Fetch the catalog's threads as ``mode`` and ``only`` select (see :mod:`.runner`).

    Snapshots go to ``settings.threads_dir``, images to ``settings.media_dir``; excluded
    entries are never fetched. Raises :class:`~tweetorials.fetch.runner.UnknownThread` when
    ``only`` names no catalog entry. ``on_start`` and ``on_outcome`` let a caller show
    progress: they hear the number of threads to fetch, then each outcome as it arrives.
    ``sources`` replaces :func:`build_sources` (tests use it for a stub platform).
    """
    make_sources = sources or build_sources
    with PoliteClient(
        user_agent=settings.user_agent,
        timeout=settings.http_timeout,
        retries=settings.http_retries,
        max_total_wait=settings.max_total_wait,
        transport=transport,
    ) as client:
        report = fetch_threads(
            catalog.included,
            SnapshotStore(settings.threads_dir),
            lambda: make_sources(client, settings),
            mode=mode,
            only=only,
            workers=settings.fetch_workers,
            media=image_archiver(
                client,
                settings.content,
                max_bytes=settings.max_image_bytes,
                max_video_bytes=settings.max_video_bytes,
            ),
            # The runner hands back the entries it was given: the catalog's own.
            excluded=cast("ExclusionCheck", catalog.exclusion_for),
            on_start=on_start,
            on_outcome=on_outcome,
        )
        return FetchRun(report, client.requests_sent)
