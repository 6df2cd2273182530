"""The theme, read from a real build: the page budget, self-contained pages, and figures.

What only a browser can tell (contrast, focus, print, axe-core) is in tests/browser/.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import urljoin

import pytest
from tweetorials.snapshot import Author, Media, Post, Thread
from tweetorials.snapshot.model import LinkCard, LocalImage, Rendition

from .conftest import add_thread, build, copy_site, soup

BUDGET = 30 * 1024  # bytes: a thread page's HTML plus every stylesheet it loads, before images
THEME_CSS = Path(__file__).resolve().parent.parent / "theme" / "static" / "css"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site plus one crafted thread that exercises every kind of media and notice."""
    site = copy_site(tmp_path_factory.mktemp("theme-site"))
    posts = [
        Post(
            "1",
            "https://x.com/ada/status/1",
            "2025-03-01T10:00:00Z",
            "First",
            "<p>First</p>",
            media=[
                Media("image", "https://pbs.twimg.com/media/gone.jpg", alt="A chest film"),
                Media("image", "https://pbs.twimg.com/media/bad.jpg", error="not an image"),
            ],
        ),
        Post(
            "2",
            "https://x.com/ada/status/2",
            "2025-03-01T10:01:00Z",
            "Second",
            "<p>Second</p>",
            media=[
                Media(
                    "video",
                    "https://pbs.twimg.com/poster.jpg",
                    link="https://video.twimg.com/v.mp4",
                )
            ],
            card=LinkCard("https://www.nejm.org/doi/full/10.1056/X", "A review", "Summary"),
            quote=Post(
                "9",
                "https://x.com/bea/status/9",
                None,
                "Quoted",
                "<p>Quoted</p>",
                media=[Media("image", "https://pbs.twimg.com/media/q.jpg", alt="Image")],
                author=Author("Bea", "bea", "https://x.com/bea"),
            ),
        ),
        Post(
            "3",
            "https://x.com/ada/status/3",
            None,
            "Third",
            "<p>Third</p>",
            status="deleted",
            last_seen="2025-06-01T00:00:00Z",
        ),
    ]
    thread = Thread(
        "x",
        "https://x.com/ada/status/1",
        Author("Ada Lovelace", "ada", "https://x.com/ada"),
        posts,
        fetched_at="2026-11-01T00:00:00Z",
        source="fxtwitter",
    )
    add_thread(
        site,
        thread,
        "\n  - url: https://x.com/ada/status/1\n    specialties: [pathophysiology]\n"
        "    title: Every kind of figure\n    images:\n"
        "      - {post: 1, image: 1, description: The long description of the film.}\n"
        "      - {post: 2, image: 2, alt: A map the curator described}\n",
    )
    add_thread(site, *_long_thread(site))
    return build(site)


LONG = "hyponatraemia-in-twenty-posts"
LONG_POSTS = (
    "Hyponatraemia is the commonest electrolyte disorder in hospital, and the first question is "
    "never the sodium itself: it is the serum osmolality, because a normal or high osmolality "
    "points to glucose, mannitol or lab artefact rather than excess water. Check it first.",
    "Next, look at the volume status honestly. Dry mucosa, orthostatic drop and a low urine "
    "sodium suggest losses; oedema and ascites suggest heart, liver or kidney failure; a patient "
    "who looks euvolaemic is where SIADH, hypothyroidism and cortisol deficiency live.",
)


def _long_thread(site: Path) -> tuple[Thread, str, str]:
    """A realistic long X thread: 20 full-length posts (~270 characters), each with its own
    address and time, and two archived images (the sample site's, with their renditions)."""

    def archived(folder: str) -> LocalImage:
        meta = json.loads(next((site / "content/media" / folder).glob("*.json")).read_text())
        path = f"media/{folder}/"
        renditions = [
            Rendition(r["width"], r["height"], path + r["webp"], path + r["fallback"])
            for r in meta["renditions"]
        ]
        sha = meta["original"].split(".")[0]
        return LocalImage(sha, meta["width"], meta["height"], path + meta["original"], renditions)

    alt = (
        "Flow chart of the approach to a low sodium: measured osmolality first, then volume "
        "status, then urine osmolality and urine sodium, each box leading to its usual causes."
    )
    posts = []
    for n in range(1, 21):
        status = str(1897000000000000000 + n)
        text = f"{n}/ {LONG_POSTS[n % 2]}"
        media = [
            Media("image", f"https://pbs.twimg.com/media/{status}.jpg", alt=alt, local=archived(f))
            for f in {4: ["f1"], 12: ["d1"]}.get(n, [])
        ]
        posts.append(
            Post(
                status,
                f"https://x.com/dr_rana_md/status/{status}",
                f"2025-03-01T10:{n:02d}:00Z",
                text,
                f"<p>{text}</p>",
                media=media,
            )
        )
    author = Author("Dr Rana Example", "dr_rana_md", "https://x.com/dr_rana_md")
    thread = Thread(
        "x", posts[0].url, author, posts, fetched_at="2026-11-01T00:00:00Z", source="fxtwitter"
    )
    entry = (
        f"\n  - url: {posts[0].url}\n    specialties: [pathophysiology]\n"
        "    tags: [sodium, nephrology]\n    title: Hyponatraemia in twenty posts\n"
    )
    return thread, entry, f"x-{posts[0].id}"


def _stylesheets(page: Path, root: Path) -> list[Path]:
    hrefs = [link["href"] for link in soup(page).select('link[rel="stylesheet"]')]
    base = "http://site/" + page.relative_to(root).as_posix()
    return [root / urljoin(base, href).removeprefix("http://site/") for href in hrefs]


def test_every_thread_page_with_its_css_fits_the_budget(built: Path) -> None:
    pages = sorted((built / "threads").glob("*/index.html"))
    assert len(pages) >= 6
    for page in pages:
        if page.parent.name == LONG:
            continue  # see test_a_long_realistic_thread_fits_the_budget_but_for_its_own_words
        sheets = _stylesheets(page, built)
        assert sheets, f"{page} loads no stylesheet"
        size = page.stat().st_size + sum(s.stat().st_size for s in sheets)
        assert size < BUDGET, f"{page.parent.name}: {size} bytes of HTML + CSS (budget {BUDGET})"


def _weight(page: Path, root: Path) -> int:
    return page.stat().st_size + sum(s.stat().st_size for s in _stylesheets(page, root))


def test_a_long_realistic_thread_fits_the_budget_but_for_its_own_words(built: Path) -> None:
    """The sample threads are short; a real tweetorial runs to 20 full posts and a few images.

    Such a page weighs 22.1 KB of HTML plus 11.2 KB of CSS (33.3 KB): over 30 KB only by the
    authors' text, which no theme can shrink. Everything else (chrome, per-post markup,
    figures, metadata, the stylesheet) must fit the budget, and the next test keeps the whole
    page from growing."""
    page = built / "threads" / LONG / "index.html"
    html = soup(page)
    assert len(html.select("section.post")) == 20
    assert len(html.select("figure.media picture")) == 2
    words = sum(len(p.get_text().encode()) for p in html.select("section.post .post-text"))
    assert words > 5000  # the posts really are full length
    assert _weight(page, built) - words < BUDGET


def test_a_long_realistic_thread_does_not_grow(built: Path) -> None:
    """The long thread must not get heavier (33,318 bytes when measured, 7.6 KB gzipped; a
    little slack for wording). Issue 11 added the Highwire tags Zotero's connector reads
    (citation_title with the opening words, author, date, address, DC.type: about 420 bytes;
    33,444 -> 33,904 with the CSL-JSON links), hence 34,300. Issue 10 added the styles of polls
    and Community Notes to the one stylesheet (635 bytes, 34,030 -> 34,665), hence 34,700.
    Issue 11's JSON-LD then became a WebPage with a breadcrumb around the LearningResource,
    with its card image (about 0.5 KB): 35,190 measured, hence 35,400."""
    assert _weight(built / "threads" / LONG / "index.html", built) < 35_400


def test_listing_pages_load_the_extra_stylesheet_and_threads_do_not(built: Path) -> None:
    thread = built / "threads/the-anion-gap-built-from-scratch/index.html"
    assert [s.name for s in _stylesheets(thread, built)] == ["site.css"]
    assert [s.name for s in _stylesheets(built / "index.html", built)] == ["site.css", "pages.css"]


def test_theme_css_asks_for_nothing_from_elsewhere() -> None:
    sheets = sorted(THEME_CSS.glob("*.css"))
    assert sheets, f"no stylesheets in {THEME_CSS}"
    for sheet in sheets:
        css = sheet.read_text()
        assert "@import" not in css and "@font-face" not in css, sheet.name
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), sheet.name


def test_pages_load_nothing_from_other_sites(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 5, "the build wrote almost nothing"
    for page in pages:
        tree = soup(page)
        for tag, attr in (
            ("link", "href"),
            ("script", "src"),
            ("img", "src"),
            ("source", "srcset"),
        ):
            for element in tree.find_all(tag):
                if (
                    tag == "link"
                    and "stylesheet" not in element.get("rel", [])
                    and ("icon" not in element.get("rel", []))
                ):
                    continue  # canonical, alternate: addresses, not requests
                value = element.get(attr) or ""
                assert not re.match(r"(https?:)?//", value), f"{page}: <{tag} {attr}={value}>"


def test_archived_image_is_a_responsive_picture_with_visible_alt(built: Path) -> None:
    page = soup(built / "threads/the-anion-gap-built-from-scratch/index.html")
    figure = page.select_one("#post-2 figure.media")
    source = figure.select_one("picture source[type='image/webp']")
    img = figure.select_one("picture img")
    assert re.fullmatch(r"(/media/\S+\.webp \d+w, )+/media/\S+\.webp \d+w", source["srcset"])
    assert re.fullmatch(r"(/media/\S+\.(jpg|png) \d+w, )*/media/\S+\.(jpg|png) \d+w", img["srcset"])
    assert source["sizes"] == img["sizes"]
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert img["alt"].startswith("Bar chart. A sodium column of 140")
    assert figure.select_one("a.media-frame")["href"].startswith("/media/")
    details = figure.select_one("details.alt")
    assert details.summary.get_text().startswith("ALT")
    assert details.p.get_text() == img["alt"]
    for rendition in re.findall(r"(/media/\S+) \d+w", source["srcset"] + ", " + img["srcset"]):
        assert (built / rendition.lstrip("/")).is_file(), rendition


def test_images_that_could_not_be_archived_show_their_alt_and_a_link(built: Path) -> None:
    page = soup(built / "threads/every-kind-of-figure/index.html")
    missing, failed = page.select("#post-1 figure.media")
    assert not missing.select("img, picture")
    assert "Image not archived." in missing.get_text()
    assert "It showed: A chest film" in missing.get_text()
    assert missing.select_one("a")["href"] == "https://pbs.twimg.com/media/gone.jpg"
    assert missing.figcaption.get_text() == "The long description of the film."
    assert "The author gave no description." in failed.get_text()
    assert failed.select_one("a")["href"] == "https://pbs.twimg.com/media/bad.jpg"


def test_video_links_to_the_original_and_cards_show_their_domain(built: Path) -> None:
    post = soup(built / "threads/every-kind-of-figure/index.html").select_one("#post-2")
    video = post.select_one("figure.media-video")
    assert "Video not archived." in video.get_text()
    assert video.select_one("a")["href"] == "https://video.twimg.com/v.mp4"
    card = post.select_one("a.link-card")
    assert card["href"] == "https://www.nejm.org/doi/full/10.1056/X"
    assert card.select_one(".link-domain").get_text() == "nejm.org"
    assert card.select_one(".link-title").get_text() == "A review"


def test_posts_are_numbered_sections_with_anchors_and_sources(built: Path) -> None:
    page = soup(built / "threads/every-kind-of-figure/index.html")
    sections = page.select("section.post")
    assert [s["id"] for s in sections] == ["post-1", "post-2", "post-3"]
    for n, section in enumerate(sections, 1):
        number = section.select_one("h2 a")
        assert number["href"] == f"#post-{n}" and number["aria-label"] == f"Post {n} of 3"
        source = section.select_one(".post-source a")
        assert source["href"] == f"https://x.com/ada/status/{n}"
        assert source["aria-label"] == f"{source.get_text()}, post {n}"
    # The platform is named once, and a date only when it changes (post 2 is the same day).
    assert [s.select_one(".post-source a").get_text() for s in sections] == [
        "Original on X (Twitter)",
        "Original",
        "Original",
    ]
    assert [t["datetime"] for t in page.select(".post-source time")] == ["2025-03-01T10:00:00Z"]
    gone = sections[2]
    assert "post-missing" in gone["class"]
    assert "Deleted on X (Twitter) (last seen 2025-06-01)" in gone.get_text()
    assert "Third" in gone.get_text()
    banner = page.select_one(".banner-gone").get_text()
    assert "1 of 3 posts are no longer on X (Twitter)" in banner


def test_a_quoted_posts_image_takes_the_catalogs_alt_text(built: Path) -> None:
    quote = soup(built / "threads/every-kind-of-figure/index.html").select_one("#post-2 .quote")
    assert "Bea" in quote.select_one(".quote-who").get_text()
    assert "It showed: A map the curator described" in quote.select_one("figure").get_text()


def test_thread_header_names_author_date_platform_and_reading_time(built: Path) -> None:
    head = soup(built / "threads/every-kind-of-figure/index.html").select_one(".thread-head")
    text = " ".join(head.get_text().split())
    assert "Ada Lovelace" in text and "@ada" in text
    assert "Posted 1 March 2025 · X (Twitter) · 3 posts · 1 min read" in text
    assert head.select_one("a.handle")["href"] == "https://x.com/ada"
    assert head.select_one(".avatar-initial").get_text() == "A"  # no archived avatar: no image
    assert head.select_one(".chips a")["href"].endswith("specialty/pathophysiology/")


def test_headings_go_down_one_level_at_a_time(built: Path) -> None:
    pages = [*built.glob("*.html"), *built.rglob("index.html")]
    assert len(pages) > 5, "the build wrote almost nothing"
    for page in pages:
        levels = [int(h.name[1]) for h in soup(page).find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1 and levels.count(1) == 1, page
        for before, after in pairwise(levels):
            assert after <= before + 1, f"{page}: h{before} then h{after}"


def test_404_page_links_from_the_site_root(built: Path) -> None:
    page = soup(built / "404.html")
    hrefs = [link["href"] for link in page.select('link[rel="stylesheet"], a[href]')]
    assert all(h.startswith(("/", "#", "https://")) for h in hrefs), hrefs


def test_a_local_build_claims_no_address_it_does_not_know(built: Path) -> None:
    """Without SITEURL, canonical and og:url would be relative, which crawlers reject."""
    for page in (built / "index.html", built / "threads/every-kind-of-figure/index.html"):
        head = soup(page).head
        assert head.select_one('meta[property="og:title"]'), page
        for selector in (
            "link[rel=canonical]",
            'meta[property="og:url"]',
            'meta[property$="image"]',
        ):
            assert not head.select(selector), f"{page}: {selector}"


def test_a_card_without_a_posting_date_says_the_date_is_when_it_was_added(built: Path) -> None:
    cards = soup(built / "index.html").select("article.card")
    metas = {
        c.select_one(".card-title").get_text(strip=True): c.select_one(".card-meta") for c in cards
    }
    seed = metas["Four ways social media helps students lead change in high-value care"]
    assert " · added " in seed.get_text()  # the unroll kept no date: never pass one off as posted
    assert " · added " not in metas["The anion gap, built from scratch"].get_text()
