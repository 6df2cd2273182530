"""``sitemap.xml`` and ``robots.txt``, written after every page exists (``finalized``).

The sitemap lists every HTML page the build wrote, found by walking the output folder so that
pagination, direct templates and pages added later are never forgotten. The previous output's
hidden folder (``.tweetorials-old-output-*``, left behind when it could not be deleted) is
not the site and is never listed. A thread page's
``lastmod`` is the date its snapshot was archived; a listing page changes whenever a thread is
added, so it takes the newest archive date. Pages that say ``noindex``, the 404 page and the
search bundle are left out.

``robots.txt`` allows everything and names the sitemap. The Sitemap line must be an absolute
URL, so local builds (empty ``SITEURL``) write the file without it. Crawlers read robots.txt
only at the root of a host, so a site published under a path (a GitHub project site,
``user.github.io/repo/``) gets none: the build log says so, and every page announces the
sitemap with ``<link rel="sitemap">`` instead (``theme/templates/base.html``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from .output_writer import TRASH_PREFIX
from .plugin import build_state, plugin_settings
from .structured_data import SiteInfo

__all__ = [
    "robots_txt",
    "robots_unread",
    "sitemap_xml",
    "write_site_files",
    "write_sitemap_and_robots",
]

log = logging.getLogger(__name__)

_SKIP_DIRS = {"pagefind", "theme", "media", "cards", "feeds"}
_SKIP_FILES = {"404.html"}
_NOINDEX = re.compile(r"<meta\s+name=[\"']robots[\"']\s+content=[\"'][^\"']*noindex", re.I)


def write_sitemap_and_robots(pelican: Any) -> None:
    settings = pelican.settings
    if not plugin_settings(settings).sitemap:
        return
    site = SiteInfo.from_settings(plugin_settings(settings))
    write_site_files(site, Path(pelican.output_path), build_state(settings).lastmod)


def write_site_files(site: SiteInfo, output: Path, lastmods: dict[str, dt.datetime]) -> None:
    """``sitemap.xml``, and ``robots.txt`` where a crawler will read it, into ``output``."""
    pages = _pages(output)
    (output / "sitemap.xml").write_text(sitemap_xml(site, pages, lastmods), encoding="utf-8")
    log.info("tweetorials: sitemap.xml lists %d pages", len(pages))
    if robots_unread(site):
        log.info(
            "tweetorials: no robots.txt: %s/ is not the root of its host, and crawlers read "
            'robots.txt only there; pages name the sitemap with <link rel="sitemap">, and '
            "%s can be submitted to search engines directly",
            site.url,
            site.absolute("sitemap.xml"),
        )
        return
    (output / "robots.txt").write_text(robots_txt(site), encoding="utf-8")


def robots_unread(site: SiteInfo) -> bool:
    """True when the site lives under a path, where no crawler looks for robots.txt."""
    return bool(urlsplit(site.url).path.strip("/"))


def sitemap_xml(site: SiteInfo, pages: list[str], lastmods: dict[str, dt.datetime]) -> str:
    """The sitemap for ``pages`` (output-relative file paths, ``/``-separated)."""
    newest = max(lastmods.values(), default=None)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in pages:
        when = lastmods.get(page, newest)
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(site.absolute(_page_url(page)))}</loc>")
        if when is not None:
            lines.append(f"    <lastmod>{_w3c_date(when)}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site: SiteInfo) -> str:
    lines = ["User-agent: *", "Allow: /", ""]
    if site.url.startswith(("https://", "http://")):
        lines.append(f"Sitemap: {site.absolute('sitemap.xml')}")
    else:
        lines.append("# No Sitemap line: SITEURL is not set in this build (it must be absolute).")
    return "\n".join(lines) + "\n"


def _pages(output: Path) -> list[str]:
    """Every page in ``output`` a crawler should know of (output-relative, ``/``-separated).
    Walked with ``os.walk``, never entering the folders that hold no pages (the search index
    alone has thousands of files), and each page's head read for a ``noindex``."""
    pages = []
    root = str(output)
    for folder, subfolders, files in os.walk(root):
        if folder == root:
            subfolders[:] = [
                name
                for name in subfolders
                if name not in _SKIP_DIRS and not name.startswith(TRASH_PREFIX)
            ]
        base = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in files:
            if not name.endswith(".html"):
                continue
            rel = name if base == "." else f"{base}/{name}"
            if rel in _SKIP_FILES:
                continue
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
            if not _NOINDEX.search(head):
                pages.append(rel)
    # The home page first, then shallow before deep: how people read a sitemap.
    return sorted(pages, key=lambda p: (p != "index.html", p.count("/"), p))


def _page_url(rel: str) -> str:
    if rel == "index.html":
        return ""
    return rel.removesuffix("index.html")


def _w3c_date(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC) if value.tzinfo else value
        return value.date().isoformat()
    return value.isoformat()
