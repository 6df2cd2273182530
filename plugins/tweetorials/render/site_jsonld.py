"""JSON-LD for the pages that are not threads: the home page and the specialty pages.

The home page describes the ``WebSite`` with a ``SearchAction`` pointing at the search page,
so a search engine can offer a search box for the library. A specialty page is a
``CollectionPage`` with a ``BreadcrumbList`` (home, specialties, this one), the same trail a
reader follows. Thread pages are described in :mod:`.structured_data`.

The values are computed once per build by :func:`site_jsonld` and handed to the templates
in the context under :data:`SITE_JSONLD_KEY`; ``partials/meta.html`` prints the right one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .structured_data import SiteInfo, breadcrumbs, script_json, website_ref

__all__ = ["SITE_JSONLD_KEY", "SiteJsonLd", "SpecialtyPage", "site_jsonld"]

#: Context key holding the :class:`SiteJsonLd` of this build.
SITE_JSONLD_KEY = "TWEETORIALS_JSONLD"

#: The query parameter the search page reads (theme/static/js/search.js).
SEARCH_PARAMETER = "q"


@dataclass(frozen=True)
class SpecialtyPage:
    """What a specialty page's JSON-LD needs to know about it."""

    slug: str
    name: str
    description: str
    url: str  # site-relative, e.g. specialty/pathophysiology/


@dataclass(frozen=True)
class SiteJsonLd:
    """Ready-to-print JSON-LD: the home page's, and each specialty page's by slug."""

    home: Markup
    specialties: dict[str, Markup] = field(default_factory=dict)


def site_jsonld(
    site: SiteInfo,
    *,
    description: str,
    search_url: str,
    specialties_url: str,
    specialties: list[SpecialtyPage],
) -> SiteJsonLd:
    """The home page's ``WebSite`` and every specialty page's ``CollectionPage``.

    ``search_url`` and ``specialties_url`` are site-relative (``search/``, ``specialty/``).
    """
    home = {"@context": "https://schema.org", **website(site, description, search_url)}
    pages = {s.slug: script_json(_specialty_page(site, s, specialties_url)) for s in specialties}
    return SiteJsonLd(home=script_json(home), specialties=pages)


def website(site: SiteInfo, description: str, search_url: str) -> dict[str, Any]:
    """The library as a ``WebSite`` that can be searched through its search page."""
    data = website_ref(site)
    if description:
        data["description"] = description
    data["inLanguage"] = site.language
    template = f"{site.absolute(search_url)}?{SEARCH_PARAMETER}={{search_term_string}}"
    data["potentialAction"] = {
        "@type": "SearchAction",
        "target": {"@type": "EntryPoint", "urlTemplate": template},
        "query-input": "required name=search_term_string",
    }
    return data


def _specialty_page(site: SiteInfo, page: SpecialtyPage, index_url: str) -> dict[str, Any]:
    url = site.absolute(page.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "url": url,
        "name": page.name,
        "inLanguage": site.language,
        "isPartOf": website_ref(site),
        "breadcrumb": breadcrumbs(
            [
                (site.name, site.absolute("")),
                ("Specialties", site.absolute(index_url)),
                (page.name, None),
            ]
        ),
    }
    if page.description:
        data["description"] = page.description
    return data
