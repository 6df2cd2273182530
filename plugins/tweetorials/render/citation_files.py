"""The cite box's data and its downloads: per thread BibTeX, RIS and CSL-JSON, per specialty
CSL-JSON.

:func:`citation_view` runs once per thread (from :func:`.enrich.enrich_threads`) and decides
what the citation says: the author's name as reference managers want it, the opening words,
the platform, the original address only when it is really the thread's, and dates only when
known. :func:`write_thread_citation_files` (``article_generator_write_article``) queues a
thread's files beside its page as the page is written, :func:`write_citation_files`
(``article_writer_finalized``) writes the rest; the specialty files collect the items of every
thread listed in the specialty.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import posixpath
import zlib
from collections import defaultdict
from dataclasses import dataclass
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
from .citation_csl import csl_entry, csl_file, csl_item, highwire_tags
from .citation_names import cited_name
from .output_writer import active_writer, write_output_file
from .view import ThreadView

__all__ = [
    "CitationView",
    "SpecialtyFile",
    "citation_view",
    "write_citation_files",
    "write_thread_citation_files",
]

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
    """A thread's citation. The formatted forms (AMA text and archive note, BibTeX, RIS,
    Highwire tags) are written out from :attr:`data` each time they are read, since each is
    read once (by the page or for its file): a 1,000-thread build does not hold 4 KB of
    citations per thread from the start to the end. The CSL item is kept, as the JSON text
    the files list it with (every specialty's file lists it again after the last page),
    zlib-compressed: about 600 bytes instead of 1.6 KB, 5 us to read."""

    data: CitationData
    csl_packed: bytes  # the CSL-JSON item as citation_csl.csl_entry writes it, compressed
    folder: str  # site-relative: the page's folder, e.g. threads/slug
    specialty_files: list[SpecialtyFile]
    key: str

    @property
    def bib_path(self) -> str:
        """Site-relative, e.g. ``threads/slug/citation.bib``."""
        return posixpath.join(self.folder, "citation.bib")

    @property
    def ris_path(self) -> str:
        return posixpath.join(self.folder, "citation.ris")

    @property
    def csl_path(self) -> str:
        return posixpath.join(self.folder, "citation.json")

    @property
    def csl(self) -> str:
        """The CSL-JSON item, as :func:`~.citation_csl.csl_entry` writes it."""
        return zlib.decompress(self.csl_packed).decode("utf-8")

    @property
    def text(self) -> str:
        """AMA 11, plain text."""
        return ama_citation(self.data)

    @property
    def archive_note(self) -> str:
        """The second part: where the archived copy is."""
        return ama_archive_note(self.data)

    @property
    def bibtex(self) -> str:
        return bibtex_entry(self.data)

    @property
    def ris(self) -> str:
        return ris_record(self.data)

    @property
    def highwire(self) -> list[tuple[str, str]]:
        return highwire_tags(self.data)


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
        data=data,
        csl_packed=zlib.compress(csl_entry(csl_item(data)).encode("utf-8"), 1),
        folder=folder,
        specialty_files=[
            _specialty_entry(s.slug, s.name, settings.get("CATEGORY_SAVE_AS"))
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


@functools.lru_cache(maxsize=256)
def _specialty_entry(slug: str, name: str, category_save_as: Any) -> SpecialtyFile:
    """One (frozen) :class:`SpecialtyFile` per specialty, shared by its threads' citations
    instead of one per thread (two strings and an object each). ``category_save_as``: the
    setting, None when it is not set."""
    settings = {} if category_save_as is None else {"CATEGORY_SAVE_AS": category_save_as}
    return SpecialtyFile(slug, name, specialty_file(settings, slug))


def specialty_file(settings: dict[str, Any], slug: str) -> str:
    """Where a specialty's CSL-JSON goes: beside its page (``specialty/x/citations.json``)."""
    save_as = str(settings.get("CATEGORY_SAVE_AS", "category/{slug}.html")).format(slug=slug)
    save_as = save_as.replace("\\", "/")
    if save_as.endswith("/index.html"):
        return save_as.removesuffix("index.html") + "citations.json"
    return posixpath.splitext(save_as)[0] + ".citations.json"


def write_thread_citation_files(generator: Any, content: Any) -> None:
    """``article_generator_write_article``: a thread's three files, queued just before Pelican
    renders its page, so the background writer (:mod:`.output_writer`) creates them while the
    main thread renders the page (written at once when Pelican's own writer is in charge)."""
    citation = _citation(content)
    if citation is not None:
        output = generator.output_path
        _write_thread_files(active_writer(output), output, citation)


def write_citation_files(generator: Any, writer: Any) -> None:
    """``article_writer_finalized``: each specialty's ``citations.json``, its threads in the
    order the site lists them (each thread's own files went out with its page)."""
    count = 0
    by_specialty: dict[str, list[CitationView]] = defaultdict(list)
    paths: dict[str, str] = {}
    for article in generator.articles:
        citation = _citation(article)
        if citation is None:
            continue
        for specialty in citation.specialty_files:
            by_specialty[specialty.slug].append(citation)
            paths[specialty.slug] = specialty.path
        count += 1
    for slug, citations in by_specialty.items():
        path = os.path.join(writer.output_path, paths[slug])
        write_output_file(writer, path, _csl_file_bytes(citations))
    log.info(
        "tweetorials: citation files written for %d threads and %d specialties",
        count,
        len(by_specialty),
    )


def _csl_file_bytes(citations: list[CitationView]) -> bytes:
    """:func:`~.citation_csl.csl_file` of their items, UTF-8 encoded, made one specialty at
    a time from the packed items: a specialty's file is the build's largest text after the
    feeds, and decoding every item of every specialty at once raised the peak memory of a
    1,000-thread build by 2 MB."""
    if not citations:
        return csl_file([]).encode("utf-8")
    items = b",\n  ".join(zlib.decompress(citation.csl_packed) for citation in citations)
    return b"[\n  " + items + b"\n]\n"


def _citation(article: Any) -> CitationView | None:
    view: ThreadView | None = getattr(article, "tweetorial", None)
    return view.extra.citation if view else None


def _write_thread_files(writer: Any, output: str, citation: CitationView) -> None:
    files = (
        (citation.bib_path, citation.bibtex),
        (citation.ris_path, citation.ris),
        (citation.csl_path, csl_file([citation.csl])),
    )
    for rel, text in files:  # joined as text: 3,000 Path objects cost a build 40 ms
        _write(writer, os.path.join(output, rel), text)


def _write(writer: Any, path: str, text: str) -> None:
    """Through Pelican's writer, on its background thread when it has one; bytes, because RIS
    asks for CRLF line ends and text mode would translate them on some systems."""
    write_output_file(writer, str(path), text.encode("utf-8"))
