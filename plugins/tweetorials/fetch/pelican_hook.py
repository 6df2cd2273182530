"""Fetching at build time: what the plugin's ``register()`` calls at Pelican's ``initialized``.

The build must always finish from the snapshots it has: a platform being down, a thread being
deleted or the machine being offline are reported in the build log and never stop the site
from being published. Only the mode decides whether the network is used at all:

* ``missing`` (default): fetch threads that have no snapshot yet; the rest build from disk;
* ``never``: strictly offline, not a single request;
* ``refresh``: re-fetch every thread, merging into the archive (nothing archived is lost).

``TWEETORIALS_FETCH`` in the environment wins over the Pelican setting of the same name, as do
the ``TWEETORIALS_*_API`` base URLs (see :mod:`tweetorials.fetch.config`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..catalog import CatalogError, load_catalog
from ..console import announce
from ..snapshot import SnapshotStore
from .config import FetchConfig
from .http import PoliteClient
from .runner import FetchReport, fetch_threads

__all__ = ["FETCH_MODES", "fetch_before_build"]

log = logging.getLogger(__name__)

FETCH_MODES = ("missing", "never", "refresh")


def fetch_before_build(pelican_settings: Mapping[str, Any]) -> FetchReport | None:
    """Fetch as ``TWEETORIALS_FETCH`` says and log the outcome; never raises for fetch trouble.

    Returns the report (None when nothing ran: mode ``never`` or a configuration problem,
    which is logged as an error).
    """
    mode = os.environ.get("TWEETORIALS_FETCH") or pelican_settings.get("TWEETORIALS_FETCH")
    mode = mode or "missing"
    if mode not in FETCH_MODES:
        log.error(
            "TWEETORIALS_FETCH is %r; use one of %s. Not fetching.", mode, ", ".join(FETCH_MODES)
        )
        return None
    if mode == "never":
        return None

    content = Path(pelican_settings["PATH"])
    catalog_path = Path(
        pelican_settings.get("TWEETORIALS_CATALOG") or content.parent / "threads.yaml"
    )
    try:
        catalog = load_catalog(catalog_path)
        config = FetchConfig.from_env(pelican_settings)
    except CatalogError as exc:
        log.error("not fetching: the catalog has problems:\n%s", exc)
        return None
    except ValueError as exc:
        log.error("not fetching: %s", exc)
        return None

    try:
        with PoliteClient(
            user_agent=config.user_agent,
            timeout=config.timeout,
            max_total_wait=config.max_total_wait,
        ) as client:
            from .image_downloads import image_archiver
            from .sources import build_sources

            report = fetch_threads(
                catalog.included,
                SnapshotStore(content / "threads"),
                lambda: build_sources(client, config),
                mode="refresh" if mode == "refresh" else "missing",
                progress=False,
                workers=config.workers,
                media=image_archiver(client, content, max_bytes=config.max_image_bytes),
                excluded=catalog.exclusion_for,
            )
            sent = client.requests_sent
    except Exception:  # the site still builds from the snapshots on disk
        log.exception("fetching threads failed; building from the snapshots already archived")
        return None

    for outcome in report.outcomes:
        if outcome.status in ("failed", "gone", "skipped") or outcome.caveats:
            log.warning(
                "%s:%d: %s: %s (%s)",
                catalog_path.name,
                outcome.line,
                outcome.url,
                outcome.status if outcome.status != "gone" else "gone upstream",
                outcome.reason,
            )
    announce(f"fetch ({mode}): {report.summary()}, {sent} requests sent")
    return report
