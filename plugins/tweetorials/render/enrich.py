"""The reader's extras for every thread page: references, citation, neighbours and metadata.

Connected to ``article_generator_finalized``, after the articles exist and before any page is
written, so each value is computed once in Python and the theme's ``partials/`` only lay them
out. Everything lands in ``view.extra`` (``view = article.tweetorial``):

``references``  list of :class:`~.references.Reference`
``citation``    :class:`~.citation_files.CitationView` (AMA text, BibTeX, RIS, CSL-JSON,
                Highwire tags, and where the files are written)
``prevnext``    :class:`Neighbours` within the thread's first specialty
``meta``        :class:`~.structured_data.PageMeta` (canonical URL, description, JSON-LD, card),
                made when the page is written and let go after it (:func:`forget_written_meta`)

The home and specialty pages' JSON-LD (:mod:`.site_jsonld`) is put in the context too.

:func:`write_citation_files` (``article_writer_finalized``, from :mod:`.citation_files`)
writes each thread's citation files beside its ``index.html`` and one CSL-JSON per specialty.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import weakref
from dataclasses import dataclass
from typing import Any

from .citation_files import CitationView, citation_view, write_citation_files
from .feeds import FEED_TEXT_KEY, FeedText
from .plugin import build_state, plugin_settings
from .references import find_references
from .site_jsonld import SITE_JSONLD_KEY, SiteJsonLd, SpecialtyPage, site_jsonld
from .structured_data import PageMeta, SiteInfo, script_json, thread_jsonld
from .thread_article import ThreadArticle
from .view import ThreadView

__all__ = [
    "CitationView",
    "Neighbours",
    "enrich_threads",
    "forget_last_meta",
    "forget_written_meta",
    "write_citation_files",
]

log = logging.getLogger(__name__)


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
    site = SiteInfo.from_settings(plugin_settings(settings))
    threads = [a for a in generator.articles if getattr(a, "tweetorial", None) is not None]
    lastmod = build_state(settings).lastmod  # read by the sitemap
    # Templates see SITEURL made relative per page; canonical URLs need the configured one.
    generator.context["TWEETORIALS_SITE_URL"] = site.url
    feed_text = generator.context.setdefault(FEED_TEXT_KEY, {})
    for article in threads:
        view: ThreadView = article.tweetorial
        # Hand-written copies have no fetch time; the day the catalog added them stands in.
        view.extra.archived_on = view.archived or _added(view)
        if not view.extra.has_references:  # else found while the posts' text was there
            view.extra.references = find_references(view.thread)
        view.extra.citation = citation_view(
            view,
            save_as=article.save_as,
            archive_url=site.absolute(article.url),
            site_name=site.name,
            accessed=view.extra.archived_on,
            settings=settings,
        )
        view.extra.make_meta = functools.partial(_page_meta, view, article, site, settings)
        archived_on = view.extra.archived_on
        feed_text[article.url] = FeedText(
            view.title,
            view.summary,
            posted=view.posted,
            archived=archived_on,
        )
        lastmod[article.save_as] = archived_on or article.date
    _link_neighbours(threads, settings)
    generator.context[SITE_JSONLD_KEY] = _site_jsonld(threads, settings, site)


#: The thread article whose page each generator wrote last (see :func:`forget_written_meta`).
_last_written: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def forget_written_meta(generator: Any, content: Any) -> None:
    """``article_generator_write_article``, sent before each article's page is rendered: the
    page before it is written, so what it read (its head, JSON-LD: about 4 KB a thread, and
    its references read out) and its body can go."""
    _forget_page(_last_written.get(generator))
    _last_written[generator] = content


def forget_last_meta(generator: Any, writer: Any) -> None:
    """``article_writer_finalized``: the last page is written too."""
    _forget_page(_last_written.pop(generator, None))


def _forget_page(article: Any) -> None:
    view: ThreadView | None = getattr(article, "tweetorial", None)
    if view is not None:
        view.extra.forget_page()
        view.extra.release_references()  # read by its page alone
    if isinstance(article, ThreadArticle):
        article.release_body()  # the feeds, written before the pages, have read it too


def _page_meta(
    view: ThreadView, article: Any, site: SiteInfo, settings: dict[str, Any]
) -> PageMeta:
    """The page's head: canonical URL, description, JSON-LD and social card."""
    refs = view.extra.references or []
    canonical = site.absolute(article.url)
    specialty_urls = {
        s.slug: site.absolute(_specialty_url(settings, s.slug)) for s in view.specialties
    }
    card = _card(view)
    return PageMeta(
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
                image=site.absolute(card) if card else None,
            )
        ),
        card_slugs=tuple(dict.fromkeys((article.slug, view.entry.slug))),
        site=site,
        card=card,
    )


def _site_jsonld(threads: list[Any], settings: dict[str, Any], site: SiteInfo) -> SiteJsonLd:
    """The home page's and the specialty pages' JSON-LD (see :mod:`.site_jsonld`)."""
    specialties = {s.slug: s for a in threads for s in a.tweetorial.specialties}
    return site_jsonld(
        site,
        description=str(settings.get("SITESUBTITLE") or ""),
        search_url=str(settings.get("PAGE_URL", "{slug}.html")).format(slug="search"),
        specialties_url=str(settings.get("CATEGORIES_URL", "categories.html")),
        specialties=[
            SpecialtyPage(s.slug, s.name, s.description, _specialty_url(settings, s.slug))
            for s in specialties.values()
        ],
    )


def _added(view: ThreadView) -> dt.datetime | None:
    added = view.entry.added
    return dt.datetime(added.year, added.month, added.day, tzinfo=dt.UTC) if added else None


def _card(view: ThreadView) -> str | None:
    return view.extra.card


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
        view.extra.prevnext = Neighbours(
            specialty=first,
            specialty_url=_specialty_url(settings, first.slug),
            previous=members[i - 1] if i > 0 else None,
            next=members[i + 1] if i + 1 < len(members) else None,
            position=i + 1,
            total=len(members),
        )
