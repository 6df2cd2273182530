"""`make publish`: a build with publishconf.py makes every link absolute under ``SITEURL``.

The site is built the way the Makefile's ``publish`` target builds it (``pelican content -s
publishconf.py``), in a copy of the sample site, with ``SITEURL`` from the environment as the
Pages workflow sets it and ``TWEETORIALS_FETCH=never`` so no request leaves the machine.

The site's host is one no sample content links to, so any address on that host outside
``SITEURL`` (a lost sub-path, say) is caught rather than mistaken for an external link.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from .conftest import FATAL, ROOT, copy_site, run_pelican

SITEURL = "https://tweetorials.example.net/sub"
HOST = urlsplit(SITEURL).netloc
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site(tmp_path_factory.mktemp("publish"))
    (site / "publishconf.py").write_bytes((ROOT / "publishconf.py").read_bytes())
    done = run_pelican(site, "publishconf.py", SITEURL=SITEURL + "/")
    assert done.returncode == 0, done.stderr
    return site / "output"


def test_the_makefile_publishes_with_the_command_tested_here() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^publish:.*\n\t(.+)$", makefile, re.MULTILINE)
    command = "$(BIN)/pelican content -s publishconf.py -o $(OUTPUT) " + " ".join(FATAL)
    assert recipe and recipe.group(1) == command


def urls_in(page: BeautifulSoup) -> list[tuple[str, str]]:
    """(what, url) for every address a page points at, ``srcset`` candidates included."""
    found: list[tuple[str, str]] = []
    for tag in page.find_all(True):
        for attr in ("href", "src", "poster", "action", "data-src"):
            if tag.has_attr(attr):
                found.append((f"<{tag.name} {attr}>", tag[attr]))
        if tag.has_attr("srcset"):
            for candidate in tag["srcset"].split(","):
                found.append((f"<{tag.name} srcset>", candidate.split()[0]))
    return found


def assert_absolute(url: str, output: Path, where: str) -> None:
    """Fragments and other sites are fine; an address on the site must be under SITEURL and
    name a file that was built."""
    if url.startswith("#") or url.startswith("mailto:"):
        return
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, f"{where}: relative {url!r}"
    if parts.netloc != HOST:
        return
    assert url.startswith(SITEURL + "/"), f"{where}: {url!r} is not under {SITEURL}"
    path = unquote(parts.path).removeprefix(urlsplit(SITEURL).path + "/")
    target = output / path
    if not path or path.endswith("/"):
        target = target / "index.html"
    assert target.is_file(), f"{where}: {url!r} points at nothing in the output"


def test_every_link_and_image_in_every_page_is_absolute(published: Path) -> None:
    pages = sorted(published.rglob("*.html"))
    assert len(pages) > 20
    checked = 0
    for page in pages:
        where = str(page.relative_to(published))
        html = page.read_text(encoding="utf-8")
        assert "127.0.0.1" not in html and "localhost" not in html, where
        for what, url in urls_in(BeautifulSoup(html, "html.parser")):
            assert_absolute(url, published, f"{where} {what}")
            checked += 1
    assert checked > 500


SOCIAL = ('meta[property="og:url"]', 'meta[property="og:image"]', 'meta[name="twitter:image"]')


def test_canonical_and_social_addresses_are_absolute(published: Path) -> None:
    """Every page's canonical, og:url, og:image, twitter:image and JSON-LD addresses are under
    SITEURL; a thread page has all of them, and its canonical and og:url are its own address."""
    threads = set(published.glob("threads/*/index.html"))
    assert threads
    for page in sorted(published.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        where = str(page.relative_to(published))
        found = {
            selector: tag["content"] for selector in SOCIAL if (tag := soup.select_one(selector))
        }
        if canonical := soup.select_one('link[rel="canonical"]'):
            found["canonical"] = canonical["href"]
        for what, url in found.items():
            assert url.startswith(SITEURL + "/"), f"{where} {what}: {url!r}"
            assert_absolute(url, published, f"{where} {what}")
        if page in threads:
            own = f"{SITEURL}/{page.parent.relative_to(published)}/"
            assert set(found) == {*SOCIAL, "canonical"}, where
            assert found["canonical"] == found['meta[property="og:url"]'] == own, where
        for script in soup.select('script[type="application/ld+json"]'):
            for key, value in _strings(json.loads(script.string)):
                if key in ("url", "@id", "mainEntityOfPage", "image"):
                    assert_absolute(value, published, f"{where} JSON-LD {key}")
    home = BeautifulSoup((published / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select_one('link[rel="canonical"]')["href"] == SITEURL + "/"


def _strings(data: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        return [pair for k, v in data.items() for pair in _strings(v, k)]
    if isinstance(data, list):
        return [pair for v in data for pair in _strings(v, key)]
    return [(key, data)] if isinstance(data, str) else []


def test_feeds_link_absolutely_inside_and_out(published: Path) -> None:
    feeds = sorted(published.glob("feeds/**/*.xml"))
    assert published / "feeds/all.atom.xml" in feeds and len(feeds) > 1
    for feed in feeds:
        where = str(feed.relative_to(published))
        root = ElementTree.parse(feed).getroot()
        links = [link.get("href", "") for link in root.iter(f"{ATOM}link")]
        assert f"{SITEURL}/{where}" in links
        entries = root.findall(f"{ATOM}entry")
        assert entries, where
        for url in links:
            assert url.startswith(SITEURL + "/"), f"{where}: {url!r}"
            assert_absolute(url, published, where)
        for entry in entries:
            content = entry.findtext(f"{ATOM}content") or ""
            assert "post-1" in content
            for what, url in urls_in(BeautifulSoup(content, "html.parser")):
                assert not url.startswith("#"), f"{where} {what}: {url!r} resolves against the feed"
                assert_absolute(url, published, f"{where} entry {what}")


def test_sitemap_and_robots_use_siteurl(published: Path) -> None:
    root = ElementTree.parse(published / "sitemap.xml").getroot()
    locs = [loc.text or "" for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{SITEURL}/" in locs and len(locs) > 10
    for loc in locs:
        assert loc.startswith(SITEURL + "/"), loc
        assert_absolute(loc, published, "sitemap.xml")
    # Under a path no crawler reads robots.txt: pages name the sitemap instead.
    assert not (published / "robots.txt").exists()
    home = BeautifulSoup((published / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select_one('link[rel="sitemap"]')["href"] == f"{SITEURL}/sitemap.xml"
