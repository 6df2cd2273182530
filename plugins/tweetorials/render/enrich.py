"""The reader's extras for every thread page: references, citation, neighbours and metadata.

Connected to ``article_generator_finalized``, after the articles exist and before any page is
written, so each value is computed once in Python and the theme's ``partials/`` only lay them
out. Everything lands in ``view.extra`` (``view = article.tweetorial``):

``references``  list of :class:`~.references.Reference`
``citation``    :class:`CitationView` (AMA text, BibTeX, RIS, and where the files are written)
``prevnext``    :class:`Neighbours` within the thread's first specialty
``meta``        :class:`~.structured_data.PageMeta` (canonical URL, description, JSON-LD, card)

:func:`write_citation_files` (``article_writer_finalized``) writes ``citation.bib`` and
``citation.ris`` beside each thread's ``index.html``.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .citation import CitationData, ama_citation, bibtex_entry, citation_key, ris_record
from .feeds import FEED_TEXT_KEY
from .references import find_references
from .structured_data import PageMeta, SiteInfo, script_json, thread_jsonld
from .view import ThreadView

__all__ = [
    "LASTMOD_KEY",
    "CitationView",
    "Neighbours",
    "enrich_threads",
    "write_citation_files",
]

log = logging.getLogger(__name__)

#: Settings key holding ``{save_as: datetime}`` for the thread pages, read by the sitemap.
LASTMOD_KEY = "_TWEETORIALS_LASTMOD"


@dataclass(frozen=True)
class CitationView:
    text: str  # AMA style, plain text
    bibtex: str
    ris: str
    bib_path: str  # site-relative, e.g. threads/slug/citation.bib
    ris_path: str
    key: str


@dataclass(frozen=True)
class Neighbours:
    """The threads before and after this one in its first specialty, oldest first."""

    specialty: Any  # catalog Specialty
    specialty_url: str  # site-relative
    previous: Any | None  # pelican Article
    next: Any | None
    position: int  # 1-based position of this thread in the specialty
    total: int


def enrich_threads(generator: Any) -> None:
    settings = generator.settings
    site = SiteInfo.from_settings(settings)
    threads = [a for a in generator.articles if getattr(a, "tweetorial", None) is not None]
    lastmod: dict[str, Any] = settings.setdefault(LASTMOD_KEY, {})
    # Templates see SITEURL made relative per page; canonical URLs need the configured one.
    generator.context["TWEETORIALS_SITE_URL"] = site.url
    feed_text = generator.context.setdefault(FEED_TEXT_KEY, {})
    for article in threads:
        view: ThreadView = article.tweetorial
        # Hand-written copies have no fetch time; the day the catalog added them stands in.
        view.extra["archived_on"] = view.archived or _added(view)
        refs = find_references(view.thread)
        view.extra["references"] = refs
        view.extra["citation"] = _citation(view, article, site)
        canonical = site.absolute(article.url)
        specialty_urls = {
            s.slug: site.absolute(_specialty_url(settings, s.slug)) for s in view.specialties
        }
        view.extra["meta"] = PageMeta(
            canonical=canonical,
            title=view.title,
            description=view.summary,
            jsonld=script_json(
                thread_jsonld(
                    view,
                    canonical=canonical,
                    site=site,
                    references=refs,
                    specialty_urls=specialty_urls,
                )
            ),
            card_slugs=tuple(dict.fromkeys((article.slug, view.entry.slug))),
            site=site,
            card=_card(view),
        )
        feed_text[article.url] = (view.title, view.summary)
        lastmod[article.save_as] = view.extra["archived_on"] or article.date
    _link_neighbours(threads, settings)


def write_citation_files(generator: Any, writer: Any) -> None:
    """Write each thread's ``citation.bib`` and ``citation.ris`` into the output folder."""
    output = Path(writer.output_path)
    count = 0
    for article in generator.articles:
        view: ThreadView | None = getattr(article, "tweetorial", None)
        citation = view.extra.get("citation") if view else None
        if not isinstance(citation, CitationView):
            continue
        # Output files are rebuilt every time, so plain writes will do; bytes, because RIS
        # asks for CRLF line ends and text mode would translate them on some systems.
        for rel, text in ((citation.bib_path, citation.bibtex), (citation.ris_path, citation.ris)):
            path = output / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        count += 1
    log.info("tweetorials: citation files written for %d threads", count)


def _citation(view: ThreadView, article: Any, site: SiteInfo) -> CitationView:
    author = view.thread.author
    handle = author.handle if view.thread.platform != "manual" or author.handle else ""
    data = CitationData(
        author=author.name,
        handle=handle,
        title=view.title,
        platform="" if view.thread.platform == "manual" else view.platform_name,
        posted=view.posted,
        archived=view.extra.get("archived_on"),  # type: ignore[arg-type]
        url=view.thread.url,
        archive_url=site.absolute(article.url),
        site_name=site.name,
        key=citation_key(handle or author.name, view.posted, view.title),
    )
    folder = posixpath.dirname(article.save_as.replace("\\", "/"))
    return CitationView(
        text=ama_citation(data),
        bibtex=bibtex_entry(data),
        ris=ris_record(data),
        bib_path=posixpath.join(folder, "citation.bib"),
        ris_path=posixpath.join(folder, "citation.ris"),
        key=data.key,
    )


def _added(view: ThreadView) -> dt.datetime | None:
    added = view.entry.added
    return dt.datetime(added.year, added.month, added.day, tzinfo=dt.UTC) if added else None


def _card(view: ThreadView) -> str | None:
    card = view.extra.get("card")
    return str(card) if card else None


def _specialty_url(settings: dict[str, Any], slug: str) -> str:
    return str(settings.get("CATEGORY_URL", "category/{slug}.html")).format(slug=slug)


def _link_neighbours(threads: list[Any], settings: dict[str, Any]) -> None:
    """Previous/next within the first specialty: every thread listed in it, by date posted."""
    by_specialty: dict[str, list[Any]] = {}
    for article in threads:
        for specialty in article.tweetorial.specialties:
            by_specialty.setdefault(specialty.slug, []).append(article)
    for members in by_specialty.values():
        members.sort(key=lambda a: (a.date, a.title))
    for article in threads:
        view: ThreadView = article.tweetorial
        if not view.specialties:
            continue
        first = view.specialties[0]
        members = by_specialty[first.slug]
        i = members.index(article)
        view.extra["prevnext"] = Neighbours(
            specialty=first,
            specialty_url=_specialty_url(settings, first.slug),
            previous=members[i - 1] if i > 0 else None,
            next=members[i + 1] if i + 1 < len(members) else None,
            position=i + 1,
            total=len(members),
        )
