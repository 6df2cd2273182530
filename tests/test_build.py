"""End to end: a real Pelican build of catalog + snapshots, read back from the HTML it wrote."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from tweetorials.render.plugin import BuildRefused
from tweetorials.snapshot import Author, Post, Thread

from .conftest import BuildSite, add_thread, soup


def thread_links(page: Path) -> set[str]:
    """Slugs of the threads a listing page links to from its main content."""
    links = (
        re.search(r"threads/([^/#]+)/?$", a["href"]) for a in soup(page).select("main a[href]")
    )
    return {m.group(1) for m in links if m}


@pytest.fixture
def built(site: Path, build_site: BuildSite, caplog: pytest.LogCaptureFixture) -> Path:
    """The project's own sample site, plus a fetched-style JSON snapshot in two specialties."""
    posts = [
        Post(
            str(i),
            f"https://x.com/ada/status/{i}",
            f"2025-03-0{i}T10:00:00Z",
            f"Post number {i} about <sodium>",
            f"<p>Post number {i} about &lt;sodium&gt;</p>",
        )
        for i in range(1, 5)
    ]
    thread = Thread(
        "x",
        "https://x.com/ada/status/1",
        Author("Ada <b>Bold</b>", "ada", "https://x.com/ada"),
        posts,
        fetched_at="2026-11-01T00:00:00Z",
        source="fxtwitter",
    )
    add_thread(
        site,
        thread,
        "\n  - url: https://x.com/ada/status/1\n    specialties: [policy, pathophysiology]\n    tags: [sodium]\n    title: Sodium for everyone\n",
    )
    caplog.set_level(logging.INFO)
    return build_site(site)


def test_one_page_per_archived_thread_with_every_post(built: Path) -> None:
    pages = sorted(p.parent.name for p in (built / "threads").glob("*/index.html"))
    assert pages == [
        "do-healthy-adults-need-a-vitamin-d-level",
        "four-ways-social-media-helps-students-lead-change-in-high-value-care",
        "por-que-la-hiperpotasemia-cambia-el-ecg",
        "prior-authorization-explained-for-students",
        "should-this-patient-with-low-back-pain-get-an-mri",
        "sodium-for-everyone",
        "the-anion-gap-built-from-scratch",
        "why-heart-failure-makes-ankles-swell",
    ]
    seed = soup(
        built
        / "threads/four-ways-social-media-helps-students-lead-change-in-high-value-care/index.html"
    )
    sections = seed.select("section.post")
    assert [s["id"] for s in sections] == [f"post-{n}" for n in range(1, 16)]
    assert sections[0].get_text().count("Tonight, I’ll be speaking to med students") == 1
    assert "Benefit #4 – Networking" in sections[-1].get_text()


def test_third_party_text_is_escaped(built: Path) -> None:
    html = (built / "threads/sodium-for-everyone/index.html").read_text()
    assert "<sodium>" not in html and "&lt;sodium&gt;" in html
    assert "<b>Bold</b>" not in html and "Ada &lt;b&gt;Bold&lt;/b&gt;" in html


def test_specialty_pages_list_the_right_threads(built: Path) -> None:
    assert thread_links(built / "specialty/policy/index.html") == {
        "four-ways-social-media-helps-students-lead-change-in-high-value-care",
        "do-healthy-adults-need-a-vitamin-d-level",
        "prior-authorization-explained-for-students",
        "sodium-for-everyone",
    }
    assert thread_links(built / "specialty/pathophysiology/index.html") == {
        "the-anion-gap-built-from-scratch",
        "why-heart-failure-makes-ankles-swell",
        "por-que-la-hiperpotasemia-cambia-el-ecg",
        "sodium-for-everyone",
    }
    assert thread_links(built / "specialty/value-care/index.html") == {
        "four-ways-social-media-helps-students-lead-change-in-high-value-care",
        "should-this-patient-with-low-back-pain-get-an-mri",
        "do-healthy-adults-need-a-vitamin-d-level",
    }


def test_each_specialty_has_a_feed_with_its_threads(built: Path) -> None:
    feed = (built / "feeds/specialty/pathophysiology.atom.xml").read_text()
    assert feed.count("<entry>") == 4
    assert "Why heart failure makes ankles swell" in feed
    assert "Sodium for everyone" in feed
    assert "Prior authorization" not in feed


def test_tag_pages_list_the_right_threads(built: Path) -> None:
    assert thread_links(built / "tag/choosing-wisely/index.html") == {
        "four-ways-social-media-helps-students-lead-change-in-high-value-care",
        "should-this-patient-with-low-back-pain-get-an-mri",
        "do-healthy-adults-need-a-vitamin-d-level",
    }
    assert thread_links(built / "tag/sodium/index.html") == {"sodium-for-everyone"}


def test_sample_threads_say_they_are_sample_content(built: Path) -> None:
    text = soup(built / "threads/the-anion-gap-built-from-scratch/index.html").get_text()
    assert "Sample content" in text and "fictional" in text
    real = soup(built / "threads/sodium-for-everyone/index.html").get_text()
    assert "Sample content" not in real


def test_a_long_wait_list_names_ten_threads_and_counts_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from .conftest import build, copy_site

    site = copy_site(tmp_path)
    with (site / "threads.yaml").open("a", encoding="utf-8") as catalog:
        for n in range(12):
            catalog.write(
                f"  - url: https://x.com/waiting{n}/status/17000000000000000{n:02d}\n"
                "    specialties: [policy]\n"
            )
    caplog.set_level(logging.WARNING)
    build(site, TWEETORIALS_SEARCH=False)
    [warning] = [r.getMessage() for r in caplog.records if "waiting for a fetch" in r.getMessage()]
    assert warning.startswith("13 threads are waiting for a fetch")
    assert warning.count("threads.yaml:") == 10
    assert warning.endswith("; and 3 more (`tweetorials check` lists them all)")


def test_threads_waiting_for_a_fetch_are_listed_in_one_warning(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warnings = [
        r.getMessage()
        for r in caplog.get_records("setup")
        if r.levelno == logging.WARNING and "waiting for a fetch" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert re.search(
        r"1 thread is waiting for a fetch .*threads.yaml:\d+ https://x.com/AvrahamCooperMD/status/1345753985467224064",
        warnings[0],
    )


def test_a_broken_catalog_refuses_to_build_and_writes_nothing(
    site: Path, build_site: BuildSite
) -> None:
    catalog = site / "threads.yaml"
    catalog.write_text(
        catalog.read_text().replace("specialties: [pathophysiology]", "specialties: [cardio]", 1)
    )
    output = site / "output"
    with pytest.raises(BuildRefused) as caught:
        build_site(site, output)
    assert caught.value.code == 2  # the process's exit status
    assert "specialty 'cardio' is not defined; known: pathophysiology, policy, value-care" in str(
        caught.value
    )
    assert re.search(r"threads.yaml:\d+: specialty 'cardio'", str(caught.value))
    assert not output.exists()
