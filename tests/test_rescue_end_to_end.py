"""Import, then build the site as `make html` does: the rescued pages show posts, images and
where the copy came from."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import copy_site, run_pelican, soup
from .rescue_helpers import RESCUE, X_ARCHIVE

THREAD_TITLE = "Rescued: the anion gap"
UNROLL_TITLE = "Rescued: sodium and water"


def page_titled(output: Path, title: str) -> Path:
    pages = [
        p for p in output.rglob("*.html") if f"<h1>{title}</h1>" in p.read_text(encoding="utf-8")
    ]
    assert len(pages) == 1, f"{len(pages)} pages titled {title!r}"
    return pages[0]


@pytest.fixture(scope="module")
def rescued_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site(tmp_path_factory.mktemp("rescued"))
    page = tmp_path_factory.mktemp("copies") / "thread.html"
    shutil.copy(RESCUE / "threadreader-saved.html", page)
    os.utime(page, (1_612_137_600, 1_612_137_600))  # saved 1 February 2021
    from tweetorials.cli import main

    catalog = str(site / "threads.yaml")
    common = ["--catalog", catalog, "-s", "pathophysiology"]
    assert (
        main(
            [
                "import",
                str(X_ARCHIVE),
                "--thread",
                "1600000000000000001",
                "--title",
                THREAD_TITLE,
                *common,
            ]
        )
        == 0
    )
    assert main(["import", str(page), "--title", UNROLL_TITLE, *common]) == 0
    result = run_pelican(site)
    assert result.returncode == 0, result.stderr
    return site / "output"


def test_archive_thread_page_shows_posts_images_and_provenance(rescued_site: Path) -> None:
    html = soup(page_titled(rescued_site, THREAD_TITLE))
    text = html.get_text(" ")
    assert "1/ Why does the anion gap matter?" in text
    assert "12/12 Thanks for reading!" in text
    assert "Correct the gap before you call it normal" in text  # the long post, whole
    images = html.select("article img")
    alts = [img.get("alt") for img in images]
    assert any(str(a).startswith("Bar chart: sodium on the left") for a in alts)
    for img in images:
        src = str(img.get("src"))
        assert not src.startswith("http"), src  # served from the site, never hotlinked
    assert "A lost picture of a Gamblegram." in text  # not archived: the placeholder keeps the alt
    panel = html.select_one("section.credibility")
    assert panel is not None
    provenance = panel.select_one(".provenance")
    assert provenance is not None
    assert (
        " ".join(provenance.get_text().split())
        == "Imported from the author's X archive, saved 4 March 2023"
    )


def test_unrolled_page_names_the_copy_it_came_from(rescued_site: Path) -> None:
    html = soup(page_titled(rescued_site, UNROLL_TITLE))
    assert "Start with the water." in html.get_text(" ")
    provenance = html.select_one("section.credibility .provenance")
    assert provenance is not None
    assert " ".join(provenance.get_text().split()) == (
        "Archived from an unrolled copy of https://threadreaderapp.com/thread/1600000000000000701.html, "
        "saved 1 February 2021"
    )
    link = provenance.select_one("a")
    assert (
        link is not None
        and link.get("href") == "https://threadreaderapp.com/thread/1600000000000000701.html"
    )
