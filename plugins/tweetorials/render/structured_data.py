"""What a thread page tells machines: canonical URL, social preview, and JSON-LD.

Search engines and link previews read a page's head, not its prose. Everything here is plain
data computed in Python; ``theme/templates/partials/meta.html`` only prints it. The JSON-LD
string is made safe for an inline ``<script>`` here (``<``, ``>`` and ``&`` as ``\\u`` escapes,
ASCII only), so no value a stranger wrote can close the script element.

The thread's JSON-LD is a ``WebPage`` whose ``mainEntity`` is the ``LearningResource``: the
curator's review (``reviewedBy``, ``lastReviewed``) is about this page, and schema.org defines
those two properties on ``WebPage`` only. Every property used belongs to its type (checked
against the schema.org vocabulary in tests/test_jsonld_vocabulary.py). ``datePublished``
appears only for a real posting date; ``dateModified`` is the archive date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..settings import Settings
from .references import Reference
from .view import ThreadView

__all__ = ["PageMeta", "SiteInfo", "breadcrumbs", "script_json", "thread_jsonld"]


@dataclass(frozen=True)
class SiteInfo:
    """The settings every absolute URL and every publisher field needs."""

    url: str  # SITEURL without a trailing slash; "" in local builds (links become /path)
    name: str
    language: str
    output: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> SiteInfo:
        return cls(
            url=settings.site_url,
            name=settings.site_name,
            language=settings.language,
            output=settings.output,
        )

    def absolute(self, path: str) -> str:
        """``SITEURL/path``; root-relative when SITEURL is empty (local builds)."""
        return f"{self.url}/{path.lstrip('/')}"


@dataclass
class PageMeta:
    """The head of one thread page."""

    canonical: str
    title: str
    description: str
    jsonld: Markup
    card_slugs: tuple[str, ...]  # social card file stems to look for under output/cards/
    site: SiteInfo
    card: str | None = None  # site-relative path, when the card stage says where it wrote one
    _found: list[str] = field(default_factory=list)

    @property
    def image(self) -> str | None:
        """Absolute URL of the thread's social card, if one was written.

        The card stage (:mod:`tweetorials.media.cards`) writes ``cards/<slug>-<hash>.png``; it
        may record the path in ``view.extra.card`` (copied to :attr:`card`) or just write
        the file, which is looked for when the page is rendered.
        """
        if self.card:
            return self.site.absolute(self.card)
        cards = self.site.output / "cards"
        for slug in self.card_slugs:
            found = sorted(cards.glob(f"{slug}-*.png")) or sorted(cards.glob(f"{slug}.png"))
            if found:
                return self.site.absolute(f"cards/{found[-1].name}")
        return None


def thread_jsonld(
    view: ThreadView,
    *,
    canonical: str,
    site: SiteInfo,
    references: list[Reference],
    specialty_urls: dict[str, str],
    image: str | None = None,
) -> dict[str, Any]:
    """The thread page: a ``WebPage`` (breadcrumb, review) about a ``LearningResource``."""
    page: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "url": canonical,
        "name": view.title,
        "inLanguage": view.language,
        "isPartOf": website_ref(site),
        "mainEntity": learning_resource(
            view,
            canonical=canonical,
            site=site,
            references=references,
            image=image,
            specialty_urls=specialty_urls,
        ),
    }
    trail = [(site.name, site.absolute(""))]
    if view.specialties:
        first = view.specialties[0]
        trail.append((first.name, specialty_urls[first.slug]))
    page["breadcrumb"] = breadcrumbs([*trail, (view.title, None)])
    review = view.entry.review
    if review and review.reviewer:
        page["reviewedBy"] = {"@type": "Person", "name": review.reviewer}
        if review.reviewed_on:
            page["lastReviewed"] = review.reviewed_on.isoformat()
    return page


def website_ref(site: SiteInfo) -> dict[str, Any]:
    """The site as the ``isPartOf`` of each page (the home page describes it in full)."""
    return {"@type": "WebSite", "name": site.name, "url": site.absolute("")}


def breadcrumbs(trail: list[tuple[str, str | None]]) -> dict[str, Any]:
    """A ``BreadcrumbList`` from ``(name, absolute URL)`` pairs, home first. The page itself
    comes last and may go without its URL (it is the page's own ``url``)."""
    items = []
    for position, (name, url) in enumerate(trail, start=1):
        item: dict[str, Any] = {"@type": "ListItem", "position": position, "name": name}
        if url:
            item["item"] = url
        items.append(item)
    return {"@type": "BreadcrumbList", "itemListElement": items}


def learning_resource(
    view: ThreadView,
    *,
    canonical: str,
    site: SiteInfo,
    references: list[Reference],
    specialty_urls: dict[str, str],
    image: str | None,
) -> dict[str, Any]:
    """A schema.org ``LearningResource`` describing the archived thread."""
    author = view.thread.author
    person: dict[str, Any] = {"@type": "Person", "name": author.name}
    if author.url:
        person["url"] = author.url
    if author.handle:
        person["alternateName"] = f"@{author.handle}"
    data: dict[str, Any] = {
        "@type": "LearningResource",
        "name": view.title,
        "description": view.summary,
        "url": canonical,
        "author": person,
        "learningResourceType": "Tweetorial",
        "educationalUse": "Self-study",
        "about": [
            {"@type": "Thing", "name": s.name, "url": specialty_urls[s.slug]}
            for s in view.specialties
        ],
        "keywords": list(view.entry.tags),
        "isBasedOn": view.thread.url,
        "inLanguage": view.language,
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": site.name, "url": site.absolute("")},
        "timeRequired": f"PT{view.reading_minutes}M",
    }
    if view.posted:
        data["datePublished"] = view.posted.isoformat()
    archived = view.extra.archived_on or view.archived
    if isinstance(archived, dt.datetime):
        data["dateModified"] = archived.isoformat()
    if references:
        data["citation"] = [r.url for r in references]
    if image:
        data["image"] = image
    return data


def script_json(data: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/ld+json">``.

    ``json.dumps`` alone would let a title containing ``</script>`` end the element; escaping
    ``<``, ``>`` and ``&`` as JSON ``\\u`` escapes keeps the data identical for a JSON parser.
    """
    text = json.dumps(data, ensure_ascii=True, indent=None, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above for the script-data context
