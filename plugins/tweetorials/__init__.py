"""tweetorials: an archive of #FOAMed threads, rendered by Pelican.

The package reads in the order the data flows::

    catalog/   threads.yaml -> validated entries
    fetch/     entries -> platform APIs -> snapshots       (the only code that uses the network)
    snapshot/  the archived thread as JSON (or hand-written YAML)
    media/     images archived and resized with Pillow; social cards
    render/    the Pelican plugin: snapshots -> articles -> theme

This module is Pelican's entry point (``PLUGINS = ["tweetorials"]``) and the one place where
fetching and rendering meet: ``register()`` wires the optional fetch step in front of the
render handlers, so render code never imports fetch code.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register"]


def register() -> None:
    """Connect the plugin's handlers to Pelican's signals."""
    from pelican import signals

    from .render import enrich, feeds, fragments, plugin, search, sitemap

    signals.initialized.connect(_check_then_fetch)
    signals.generator_init.connect(fragments.add_render_once)
    signals.article_generator_pretaxonomy.connect(plugin.inject_threads)
    signals.article_generator_finalized.connect(plugin.spread_specialties)
    signals.finalized.connect(plugin.copy_cards)
    # Reader extras (references, citations, neighbours, metadata), then site-wide files.
    signals.article_generator_finalized.connect(enrich.enrich_threads)
    signals.article_writer_finalized.connect(enrich.write_citation_files)
    signals.feed_generated.connect(feeds.fix_feed_items)
    signals.finalized.connect(sitemap.write_sitemap_and_robots)
    signals.finalized.connect(search.build_search_index)


def _check_then_fetch(pelican: Any) -> None:
    """Validate the catalog and the snapshots, then fetch what ``TWEETORIALS_FETCH`` asks for.

    Runs at ``initialized``, before Pelican empties the output folder: a broken catalog or
    snapshot refuses the build (``BuildRefused``, exit 2) with the output left as it was and
    no request sent. Fetch trouble never raises: the site builds from the snapshots it has.
    """
    from .render import plugin

    state = plugin.check_catalog(pelican)
    plugin.check_snapshots(pelican)
    if state.settings.fetch_mode == "never":
        return  # nothing to fetch: the HTTP stack (httpx, TLS: about 4 MB) is not even imported
    from .fetch.pelican_hook import fetch_before_build

    fetch_before_build(state.settings, state.catalog)
