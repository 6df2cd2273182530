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

    # search and sitemap run from _finish_build: imported now so a broken one stops registration.
    from .render import (  # noqa: F401
        citation_files,
        collector,
        enrich,
        feeds,
        fragments,
        output_writer,
        plugin,
        search,
        sitemap,
        template_cache,
    )

    # No full garbage collection while the build runs (render/collector.py says why).
    signals.initialized.connect(collector.hold_during_runs)
    signals.initialized.connect(_check_then_fetch)
    signals.generator_init.connect(fragments.add_render_once)
    signals.generator_init.connect(template_cache.add_template_cache)
    # Files are written on a background thread; the old output is deleted there too.
    signals.get_generators.connect(output_writer.clear_old_output)
    signals.get_writer.connect(output_writer.background_writer)
    signals.all_generators_finalized.connect(output_writer.make_output_folders)
    signals.article_generator_pretaxonomy.connect(plugin.inject_threads)
    signals.article_generator_finalized.connect(plugin.spread_specialties)
    # Reader extras (references, citations, neighbours, metadata), then site-wide files.
    signals.article_generator_finalized.connect(enrich.enrich_threads)
    signals.article_generator_write_article.connect(citation_files.write_thread_citation_files)
    signals.article_generator_write_article.connect(enrich.forget_written_meta)
    signals.article_writer_finalized.connect(enrich.write_citation_files)
    signals.article_writer_finalized.connect(enrich.forget_last_meta)
    signals.feed_generated.connect(feeds.fix_feed_items)
    signals.page_writer_finalized.connect(_finish_writes_before_static_files)
    signals.finalized.connect(_finish_build)


def _finish_writes_before_static_files(generator: Any, writer: Any) -> None:
    """Pelican's static files compare their times with what is in the output: let every
    page be there first, as when Pelican writes inline; and put back the old copies of the
    static files that have not changed (:func:`.output_writer.static_copies`)."""
    from .render import output_writer

    copies = output_writer.static_copies(generator, writer.output_path)
    output_writer.finish_writes(writer.output_path, last=False, static_files=copies)


def _finish_build(pelican: Any) -> None:
    """``finalized``, in this order on purpose (not left to the order signals are connected
    in): every queued write lands (or the build stops naming the file that failed), then the
    cards are linked in, and only then is the output read for the sitemap and the search
    index."""
    from .render import output_writer, plugin, search, sitemap

    output_writer.finish_writes(pelican.output_path, last=True)
    plugin.copy_cards(pelican)
    sitemap.write_sitemap_and_robots(pelican)
    search.build_search_index(pelican)


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
