"""The cite box's data and its downloads: per thread BibTeX, RIS and CSL-JSON, per specialty
CSL-JSON.

:func:`citation_view` runs once per thread (from :func:`.enrich.enrich_threads`) and decides
what the citation says: the author's name as reference managers want it, the opening words,
the platform, the original address only when it is really the thread's, and dates only when
known. :func:`write_citation_files` (``article_writer_finalized``) writes the files beside
each page; the specialty files collect the items of every thread listed in the specialty.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..platforms import UnsupportedURL, parse_post_url
from .citation import (
    CitationData,
    ama_archive_note,
    ama_citation,
    bibtex_entry,
    citation_key,
    excerpt,
    ris_record,
)
from .citation_csl import csl_item, csl_json, highwire_tags
from .citation_names import cited_name
from .view import ThreadView

__all__ = ["CitationView", "SpecialtyFile", "citation_view", "write_citation_files"]

log = logging.getLogger(__name__)

_FETCHED_PLATFORMS = ("x", "bluesky", "mastodon")


@dataclass(frozen=True)
class SpecialtyFile:
    """One specialty's CSL-JSON file, as linked from the cite box."""

    slug: str
    name: str
    path: str  # site-relative


@dataclass(frozen=True)
class CitationView:
    text: str  # AMA 11, plain text
    archive_note: str  # the second part: where the archived copy is
    bibtex: str
    ris: str
    csl: dict[str, Any]
    highwire: list[tuple[str, str]]
    bib_path: str  # site-relative, e.g. threads/slug/citation.bib
    ris_path: str
    csl_path: str
    specialty_files: list[SpecialtyFile]
    key: str


def citation_view(
    view: ThreadView,
    *,
    save_as: str,
    archive_url: str,
    site_name: str,
    accessed: dt.datetime | None,
    settings: dict[str, Any],
) -> CitationView:
    """The citation of one thread page (``save_as``: its output path, ``threads/x/index.html``)."""
    thread = view.thread
    # AMA cites a post by its own opening words: the first post's, not a run across posts.
    first = next((p.post.text for p in view.posts if p.post.text.strip()), "")
    text = excerpt(first) or view.title
    data = CitationData(
        name=cited_name(thread.author.name),
        handle=thread.author.handle,
        text=text,
        platform="" if thread.platform == "manual" else view.platform_name,
        posted=view.posted,
        accessed=accessed,
        url=original_url(thread.platform, thread.url),
        archive_url=archive_url,
        site_name=site_name,
        key=citation_key(thread.author.handle or thread.author.name, view.posted, text),
    )
    folder = posixpath.dirname(save_as.replace("\\", "/"))
    return CitationView(
        text=ama_citation(data),
        archive_note=ama_archive_note(data),
        bibtex=bibtex_entry(data),
        ris=ris_record(data),
        csl=csl_item(data),
        highwire=highwire_tags(data),
        bib_path=posixpath.join(folder, "citation.bib"),
        ris_path=posixpath.join(folder, "citation.ris"),
        csl_path=posixpath.join(folder, "citation.json"),
        specialty_files=[
            SpecialtyFile(s.slug, s.name, specialty_file(settings, s.slug))
            for s in view.specialties
        ],
        key=data.key,
    )


def original_url(platform: str, url: str) -> str:
    """``url`` when it is the address of a post on ``platform``, else "" (not preserved).

    A hand-written copy of a real thread may only know the author's profile
    (``https://twitter.com/ben_dralle``); citing that as the thread's address would send a
    reader to the wrong place. Hand-written samples (``manual``) keep the address they give.
    """
    if platform not in _FETCHED_PLATFORMS:
        return url
    try:
        parse_post_url(url, platform)
    except UnsupportedURL:
        return ""
    return url


def specialty_file(settings: dict[str, Any], slug: str) -> str:
    """Where a specialty's CSL-JSON goes: beside its page (``specialty/x/citations.json``)."""
    save_as = str(settings.get("CATEGORY_SAVE_AS", "category/{slug}.html")).format(slug=slug)
    save_as = save_as.replace("\\", "/")
    if save_as.endswith("/index.html"):
        return save_as.removesuffix("index.html") + "citations.json"
    return posixpath.splitext(save_as)[0] + ".citations.json"


def write_citation_files(generator: Any, writer: Any) -> None:
    """Write each thread's ``citation.bib``, ``citation.ris`` and ``citation.json``, and each
    specialty's ``citations.json`` (its threads in the order the site lists them)."""
    output = Path(writer.output_path)
    count = 0
    by_specialty: dict[str, list[dict[str, Any]]] = defaultdict(list)
    paths: dict[str, str] = {}
    for article in generator.articles:
        view: ThreadView | None = getattr(article, "tweetorial", None)
        citation = view.extra.citation if view else None
        if citation is None:
            continue
        files = (
            (citation.bib_path, citation.bibtex),
            (citation.ris_path, citation.ris),
            (citation.csl_path, csl_json([citation.csl])),
        )
        for rel, text in files:
            _write(output / rel, text)
        for specialty in citation.specialty_files:
            by_specialty[specialty.slug].append(citation.csl)
            paths[specialty.slug] = specialty.path
        count += 1
    for slug, items in by_specialty.items():
        _write(output / paths[slug], csl_json(items))
    log.info(
        "tweetorials: citation files written for %d threads and %d specialties",
        count,
        len(by_specialty),
    )


def _write(path: Path, text: str) -> None:
    """Output files are rebuilt every time, so plain writes will do; bytes, because RIS asks
    for CRLF line ends and text mode would translate them on some systems."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
