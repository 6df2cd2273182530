"""Fetching at build time: what the plugin's ``register()`` calls at Pelican's ``initialized``.

The build must always finish from the snapshots it has: a platform being down, a thread being
deleted or the machine being offline are reported in the build log and never stop the site
from being published. Only ``TWEETORIALS_FETCH`` (see :mod:`tweetorials.settings`) decides
whether the network is used at all:

* ``missing`` (default): fetch threads that have no snapshot yet; the rest build from disk;
* ``never``: strictly offline, not a single request;
* ``refresh``: re-fetch every thread, merging into the archive (nothing archived is lost).

An unusable setting never reaches this module: building :class:`~tweetorials.settings.Settings`
refuses the build first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..console import announce
from .runner import FetchReport
from .session import run

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..settings import Settings
    from .session import SourceFactory, Transport

__all__ = ["fetch_before_build"]

log = logging.getLogger(__name__)


def fetch_before_build(
    settings: Settings,
    catalog: Catalog,
    *,
    transport: Transport | None = None,
    sources: SourceFactory | None = None,
) -> FetchReport | None:
    """Fetch as ``settings.fetch_mode`` says and log the outcome; never raises for fetch trouble.

    Returns the report (None when nothing ran: mode ``never``, or the fetch itself broke,
    which is logged as an error).
    """
    mode = settings.fetch_mode
    if mode == "never":
        return None
    try:
        done = run(
            catalog,
            settings,
            "refresh" if mode == "refresh" else "missing",
            transport=transport,
            sources=sources,
        )
    except Exception:  # the site still builds from the snapshots on disk
        # A warning, not an error: `make html` fails on errors, and this build goes on.
        log.warning(
            "fetching threads failed; building from the snapshots already archived",
            exc_info=True,
        )
        return None
    report = done.report
    for outcome in report.outcomes:
        if outcome.status in ("failed", "gone", "skipped") or outcome.caveats:
            log.warning(
                "%s:%d: %s: %s (%s)",
                settings.catalog.name,
                outcome.line,
                outcome.url,
                outcome.status if outcome.status != "gone" else "gone upstream",
                outcome.reason,
            )
    announce(f"fetch ({mode}): {report.summary()}, {done.requests_sent} requests sent")
    return report
