"""A published-style build (absolute SITEURL) read back: references, credibility, citations,
neighbours, metadata, JSON-LD, feeds, sitemap, robots.txt and the search index."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tweetorials.render.output_writer import TRASH_PREFIX
from tweetorials.render.search import find_pagefind, index_site
from tweetorials.render.sitemap import write_site_files
from tweetorials.render.structured_data import PageMeta, SiteInfo, script_json
from tweetorials.snapshot import Author, LinkCard, Post, Thread

from .conftest import add_thread, build, copy_site, soup

SITEURL = "https://example.org/lib"
TITLE = "Sodium </script> & {water}: Zoë’s “rules”"
AUTHOR = 'Zoë "<b>Ångström</b>", MD'
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _hostile_thread() -> Thread:
    texts = [
        "1/ Sodium, water and the brain: Na < 135 & <b>symptoms. https://t.co/abc123",
        "2/ The trial: https://doi.org/10.1056/NEJMoa2034577 (see also PMID: 32109013).",
        "3/ Zymogenic cells aside, hyponatraemia is about water. Lancet: "
        "10.1016/S0140-6736(20)30183-5.",
        "4/ Same trial again, nejm.org/doi/full/10.1056/NEJMo… and a review.",
    ]
    posts = [
        Post(
            str(i),
            f"https://x.com/zoe/status/{i}",
            f"2025-03-01T10:0{i}:00Z",
            text,
            f"<p>{text.replace('&', '&amp;').replace('<', '&lt;')}</p>",
        )
        for i, text in enumerate(texts, start=1)
    ]
    posts[3].card = LinkCard("https://www.bmj.com/content/369/bmj.m1328", "A BMJ review")
    return Thread(
        "x",
        "https://x.com/zoe/status/1",
        Author(AUTHOR, "zoe_md", "https://x.com/zoe_md"),
        posts,
        fetched_at="2026-11-01T08:00:00Z",
        source="fxtwitter",
    )


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("extras"))
    add_thread(
        root,
        _hostile_thread(),
        "\n  - url: https://x.com/zoe_md/status/1\n"
        "    specialties: [pathophysiology, policy]\n"
        "    tags: [sodium]\n"
        f"    title: {json.dumps(TITLE)}\n"
        "    review:\n"
        "      reviewer: Dr Rev {Brace}\n"
        "      date: 2026-11-02\n"
        "      conflicts: Speaker fees from a water company\n",
    )
    return build(root, SITEURL=SITEURL, FEED_DOMAIN=SITEURL, RELATIVE_URLS=False)


@pytest.fixture(scope="module")
def page(out: Path) -> Path:
    pages = [p for p in (out / "threads").glob("*/index.html") if "Zymogenic" in p.read_text()]
    assert len(pages) == 1
    return pages[0]


def test_references_block_lists_each_work_once_with_its_posts(page: Path) -> None:
    items = soup(page).select("section.references li")
    links = [li.a["href"] for li in items]
    assert links == [
        "https://doi.org/10.1056/NEJMoa2034577",
        "https://pubmed.ncbi.nlm.nih.gov/32109013/",
        "https://doi.org/10.1016/S0140-6736(20)30183-5",
        "https://www.bmj.com/content/369/bmj.m1328",  # journal links stay as posted
    ]
    assert [[a["href"] for a in li.select(".reference-posts a")] for li in items] == [
        ["#post-2"],
        ["#post-2"],
        ["#post-3"],
        ["#post-4"],
    ]
    assert items[3].a.get_text() == "A BMJ review"
    assert "t.co" not in str(soup(page).select_one("section.references"))


def test_credibility_panel(page: Path) -> None:
    panel = soup(page).select_one("section.credibility")
    facts = {
        dt.get_text(strip=True): dd.get_text(" ", strip=True)
        for dt, dd in zip(panel.select("dt"), panel.select("dd"), strict=True)
    }
    assert facts["Author"] == f"{AUTHOR} ( @zoe_md )"
    assert facts["Posted"] == "1 March 2025 on X (Twitter)"
    assert facts["Archived"] == "1 November 2026"
    assert facts["References"] == "4 found in the posts"
    assert facts["Reviewed by"] == "Dr Rev {Brace}, 2 November 2026"
    assert facts["Conflicts of interest"] == "Speaker fees from a water company"
    assert "<b>Ångström</b>" not in page.read_text()


def test_citation_text_and_files(page: Path, out: Path) -> None:
    html = soup(page)
    slug = page.parent.name
    # A name that is not reliably a person's stays one literal name, degree dropped; the
    # text is the first post's opening words (numbering and links left out), unescaped.
    assert html.select_one("#citation-ama").get_text() == (
        'Zoë "<b>Ångström</b>" [@zoe_md]. Sodium, water and the brain: Na < 135 & <b>symptoms. '
        "X (Twitter). Posted March 1, 2025. Accessed November 1, 2026. https://x.com/zoe/status/1"
    )
    assert html.select_one("#citation-archive").get_text() == (
        f"Archived copy: Tweetorials Library. {SITEURL}/threads/{slug}/"
    )
    hrefs = [a["href"] for a in html.select(".citation-files a")]
    assert hrefs[:3] == [
        f"{SITEURL}/threads/{slug}/citation.bib",
        f"{SITEURL}/threads/{slug}/citation.ris",
        f"{SITEURL}/threads/{slug}/citation.json",
    ]
    bib = (page.parent / "citation.bib").read_text(encoding="utf-8")
    assert r"title = {Sodium, water and the brain: Na < 135 \& <b>symptoms.}" in bib
    assert bib.startswith("@online{zoe_md2025sodium,")
    ris = (page.parent / "citation.ris").read_bytes().decode("utf-8")
    assert ris.startswith("TY  - BLOG\r\n") and ris.endswith("ER  - \r\n")
    assert f"N1  - Archived copy: Tweetorials Library. {SITEURL}/threads/{slug}/" in ris


def test_previous_and_next_stay_in_the_first_specialty(out: Path, page: Path) -> None:
    nav = soup(page).select_one("nav.prevnext")
    assert "Pathophysiology" in nav.get_text()
    # Posted in 2025, it is the oldest pathophysiology thread: only a "next" link.
    assert nav.select_one("a[rel=prev]") is None
    following = nav.select_one("a[rel=next]")["href"]
    target = soup(out / following.removeprefix(SITEURL + "/") / "index.html")
    chips = [a.get_text() for a in target.select(".thread-head .chips a")]
    assert "Pathophysiology" in chips
    back = target.select_one("nav.prevnext a[rel=prev]")["href"]
    assert back == f"{SITEURL}/threads/{page.parent.name}/"


def test_head_metadata_and_json_ld(page: Path) -> None:
    raw = page.read_text(encoding="utf-8")
    html = soup(page)
    url = f"{SITEURL}/threads/{page.parent.name}/"
    assert html.select_one("link[rel=canonical]")["href"] == url

    def meta(attr: str, name: str) -> str:
        return html.select_one(f'meta[{attr}="{name}"]')["content"]

    assert meta("property", "og:url") == url
    assert meta("property", "og:title") == TITLE
    assert meta("property", "og:type") == "article"
    image = meta("property", "og:image")
    assert image.startswith(f"{SITEURL}/cards/") and image.endswith(".png")
    assert (page.parents[2] / image.removeprefix(SITEURL + "/")).is_file()
    assert meta("name", "twitter:card") == "summary_large_image"
    assert meta("name", "twitter:image") == image
    # Exactly one script element: the title's "</script>" did not end it early.
    scripts = html.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    assert raw.count("</script>") == raw.count("<script")
    page_data = json.loads(scripts[0].string)
    assert page_data["@type"] == "WebPage" and page_data["url"] == url
    data = page_data["mainEntity"]
    assert data["@type"] == "LearningResource"
    assert data["name"] == TITLE
    assert data["author"] == {
        "@type": "Person",
        "name": AUTHOR,
        "url": "https://x.com/zoe_md",
        "alternateName": "@zoe_md",
    }
    assert data["datePublished"] == "2025-03-01T10:01:00+00:00"
    assert data["dateModified"] == "2026-11-01T08:00:00+00:00"
    assert [a["name"] for a in data["about"]] == ["Pathophysiology", "Health policy"]
    assert data["about"][0]["url"] == f"{SITEURL}/specialty/pathophysiology/"
    assert data["isBasedOn"] == "https://x.com/zoe/status/1"
    assert data["inLanguage"] == "en"
    assert data["isAccessibleForFree"] is True
    assert data["url"] == url
    assert "https://doi.org/10.1056/NEJMoa2034577" in data["citation"]


def test_other_pages_have_canonical_and_social_tags(out: Path) -> None:
    for rel, canonical, title in [
        ("index.html", f"{SITEURL}/", "Tweetorials Library"),
        ("specialty/policy/index.html", f"{SITEURL}/specialty/policy/", "Health policy"),
        ("about/index.html", f"{SITEURL}/about/", "About this library"),
    ]:
        html = soup(out / rel)
        assert html.select_one("link[rel=canonical]")["href"] == canonical, rel
        assert html.select_one('meta[property="og:title"]')["content"] == title, rel
        assert html.select_one('meta[property="og:type"]')["content"] == "website"
        assert html.select_one('meta[name="twitter:card"]')["content"] == "summary"
    # JSON-LD on the home and specialty pages (tests/test_jsonld_vocabulary.py), not on others
    assert not soup(out / "about/index.html").select('script[type="application/ld+json"]')


def test_atom_feeds_are_valid_absolute_and_escaped(out: Path) -> None:
    specialty_feeds = sorted((out / "feeds/specialty").glob("*.xml"))
    assert specialty_feeds, "no specialty feeds were written"
    for feed in [out / "feeds/all.atom.xml", *specialty_feeds]:
        root = ET.parse(feed).getroot()  # well-formed, or this raises
        assert root.tag == f"{ATOM}feed"
        links = [link.get("href") for link in root.iter(f"{ATOM}link")]
        assert links and all(h.startswith(SITEURL + "/") for h in links), feed
        for entry in root.iter(f"{ATOM}entry"):
            assert entry.find(f"{ATOM}id").text
    root = ET.parse(out / "feeds/specialty/pathophysiology.atom.xml").getroot()
    entries = {e.find(f"{ATOM}title").text: e for e in root.iter(f"{ATOM}entry")}
    # The plain-text title arrives whole (Pelican alone would strip "</script>" as a tag) ...
    assert TITLE in entries
    # ... and the plain-text summary is escaped HTML, so a reader shows the author's "<b>".
    summary = entries[TITLE].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "Na &lt; 135 &amp; &lt;b" in summary.text


def test_sitemap_lists_every_page_with_archive_dates(out: Path, page: Path) -> None:
    root = ET.parse(out / "sitemap.xml").getroot()
    entries = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod").text for u in root.iter(f"{SM}url")}
    assert all(loc.startswith(SITEURL + "/") for loc in entries)
    assert entries[f"{SITEURL}/threads/{page.parent.name}/"] == "2026-11-01"
    # Hand-written copies have no fetch time: the day the catalog added them.
    assert entries[f"{SITEURL}/threads/the-anion-gap-built-from-scratch/"] == "2026-11-28"
    for expected in ("", "about/", "specialty/policy/", "tag/sodium/", "archive/", "search/"):
        assert f"{SITEURL}/{expected}" in entries
    written = {p.parent for p in (out / "threads").glob("*/index.html")}
    assert {loc for loc in entries if "/threads/" in loc} == {
        f"{SITEURL}/threads/{p.name}/" for p in written
    }
    assert not [loc for loc in entries if "404" in loc or "pagefind" in loc]


def test_every_page_names_the_sitemap_and_no_unread_robots_txt_is_written(out: Path) -> None:
    assert not (out / "robots.txt").exists()  # SITEURL has a path: crawlers never look there
    for page in out.rglob("*.html"):
        link = soup(page).select_one('link[rel="sitemap"]')
        assert link is not None and link["href"] == f"{SITEURL}/sitemap.xml", page


@pytest.mark.parametrize(
    ("siteurl", "robots"),
    [
        (
            "https://example.org",
            "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n",
        ),
        ("", "User-agent: *\nAllow: /\n\n# No Sitemap line: SITEURL is not set"),
        ("https://example.org/lib", None),
    ],
)
def test_robots_txt_only_where_crawlers_read_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, siteurl: str, robots: str | None
) -> None:
    site = SiteInfo(url=siteurl, name="S", language="en", output=tmp_path)
    with caplog.at_level(logging.INFO):
        write_site_files(site, tmp_path, {})
    assert (tmp_path / "sitemap.xml").is_file()
    written = tmp_path / "robots.txt"
    if robots is None:
        assert not written.exists()
        assert "no robots.txt: https://example.org/lib/ is not the root of its host" in caplog.text
    else:
        assert written.read_text().startswith(robots)
        assert "no robots.txt" not in caplog.text


def _site_with_old_output_left(folder: Path) -> Path:
    """Two pages, and one under the previous output's hidden folder (its deletion failed)."""
    for rel in ("index.html", "threads/x/index.html", f"{TRASH_PREFIX}abc/threads/y/index.html"):
        page = folder / rel
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<html><body data-pagefind-body><p>{rel}</p></body></html>")
    return folder


def test_the_sitemap_never_lists_the_old_output_left_behind(tmp_path: Path) -> None:
    output = _site_with_old_output_left(tmp_path)
    write_site_files(SiteInfo(url=SITEURL, name="S", language="en", output=output), output, {})
    locs = [e.text for e in ET.parse(output / "sitemap.xml").iter() if e.tag.endswith("loc")]
    assert locs == [f"{SITEURL}/", f"{SITEURL}/threads/x/"]


def test_search_never_indexes_the_old_output_left_behind(tmp_path: Path) -> None:
    binary = find_pagefind()
    if binary is None:
        pytest.skip("Pagefind is not installed")
    bundle = index_site(_site_with_old_output_left(tmp_path), binary)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert [language["page_count"] for language in entry["languages"].values()] == [2]


def test_search_index_is_built_over_thread_pages_only(out: Path, page: Path) -> None:
    bundle = out / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    threads = len(list((out / "threads").glob("*/index.html")))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == threads
    html = soup(page)
    assert html.select_one("article[data-pagefind-body]") is not None
    # Filter and meta sit on the visible chips and byline, inside the indexed article.
    filters = [e.get_text() for e in html.select('article [data-pagefind-filter="specialty"]')]
    assert filters == ["Pathophysiology", "Health policy"]
    assert html.select_one('article [data-pagefind-meta="author"]').get_text() == AUTHOR
    assert not soup(out / "index.html").select("[data-pagefind-body]")


HIDDEN = ".visually-hidden, [hidden], [aria-hidden=true]"


def test_search_indexes_only_what_a_reader_sees(out: Path) -> None:
    """Screen-reader-only words, the avatar initial and hidden elements on a thread page are
    all under ``data-pagefind-ignore``, so no search excerpt can quote them."""
    checked = 0
    for path in (out / "threads").glob("*/index.html"):
        body = soup(path).select_one("[data-pagefind-body]")
        assert body is not None, path
        for element in body.select(HIDDEN):
            ignored = element.has_attr("data-pagefind-ignore") or element.find_parent(
                attrs={"data-pagefind-ignore": True}
            )
            assert ignored, f"{path.parent.name}: indexed hidden text {element}"
            checked += 1
    assert checked > 10  # profile hints, avatar initials, '#' of tags, image hints


def test_handle_hint_names_the_platform_or_just_the_profile(out: Path, page: Path) -> None:
    hint = soup(page).select_one(".handle .visually-hidden").get_text()
    assert hint == " (profile on X (Twitter))"
    sample = soup(out / "threads/the-anion-gap-built-from-scratch/index.html")
    assert sample.select_one(".handle .visually-hidden").get_text() == " (the author’s profile)"


def test_search_page_and_form_work_without_javascript(out: Path) -> None:
    form = soup(out / "index.html").select_one("form[role=search]")
    assert form["action"] == f"{SITEURL}/search/" and form["method"] == "get"
    assert form.select_one("input[name=q]") is not None
    search = soup(out / "search/index.html")
    # crawlable, as one address: the ?q= a form adds is not part of its canonical URL
    assert search.select_one('meta[name="robots"]') is None
    assert search.select_one('link[rel="canonical"]')["href"] == f"{SITEURL}/search/"
    fallback = search.select_one("noscript")
    assert fallback is not None and f"{SITEURL}/archive/" in str(fallback)
    scripts = [s["src"] for s in search.select("script[src]")]
    assert scripts and all(s.startswith(SITEURL + "/") for s in scripts)
    assert not soup(out / "index.html").select("script[src]")


def test_social_card_found_on_disk_when_the_card_stage_did_not_say(tmp_path: Path) -> None:
    site = SiteInfo(url=SITEURL, name="S", language="en", output=tmp_path)
    meta = PageMeta("c", "t", "d", script_json({}), ("slug", "x-1"), site)
    assert meta.image is None
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "x-1-0123456789ab.png").write_bytes(b"png")
    assert meta.image == f"{SITEURL}/cards/x-1-0123456789ab.png"
    told = PageMeta("c", "t", "d", script_json({}), ("slug",), site, card="cards/slug.png")
    assert told.image == f"{SITEURL}/cards/slug.png"


def test_json_ld_cannot_close_its_script_element() -> None:
    text = str(script_json({"name": "</script><script>alert(1)</script> & <!--"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & <!--"}
