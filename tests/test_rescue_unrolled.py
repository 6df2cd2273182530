"""``tweetorials import`` with unrolled copies: twtext-style text and saved Thread Reader pages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tweetorials.catalog import load_catalog
from tweetorials.snapshot import load_snapshot

from .rescue_helpers import RESCUE, ROOT, fingerprint, run_import

SEED = RESCUE / "twtext-seed.txt"
PAGE = RESCUE / "threadreader-saved.html"
SAVED = 1_612_137_600  # 2021-02-01, set as the copies' modification time

CATALOG = """\
specialties:
  value-care:
    name: High-value care
    description: Choosing wisely.
threads:
  - url: https://x.com/someone/status/1
    specialties: [value-care]
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content" / "threads").mkdir(parents=True)
    (site / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    return site


def copy_of(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copy(source, target)
    os.utime(target, (SAVED, SAVED))
    return target


def test_seed_text_matches_the_committed_handwritten_snapshot(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(copy_of(SEED, tmp_path)), "-s", "value-care")
    assert result.code == 0, result.err
    written = sorted((site / "content" / "threads").glob("*.yaml"))
    assert [p.name for p in written] == ["ben-dralle-tonight-i-ll-be-speaking-to.yaml"]
    imported = load_snapshot(written[0])
    committed = load_snapshot(
        ROOT / "content" / "threads" / "choosing-wisely-stars-social-media.yaml"
    )
    assert [p.text for p in imported.posts] == [p.text for p in committed.posts]
    assert [p.html for p in imported.posts] == [p.html for p in committed.posts]
    assert imported.author.handle == committed.author.handle == "ben_dralle"
    assert imported.url == committed.url and imported.platform == committed.platform == "x"
    assert imported.provenance is not None
    assert (imported.provenance.kind, imported.provenance.saved, imported.provenance.url) == (
        "unrolled",
        "2021-02-01T00:00:00Z",
        None,
    )
    assert "imported 15 posts by @ben_dralle (Archived from an unrolled copy)" in result.out


def test_manual_entry_names_its_snapshot_and_the_catalog_still_loads(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(site, capsys, str(copy_of(SEED, tmp_path)), "-s", "value-care", "-t", "social-media")
    added = (site / "threads.yaml").read_text(encoding="utf-8")[len(CATALOG) :]
    assert added.splitlines()[:3] == [
        "  - url: https://twitter.com/ben_dralle",
        "    platform: manual",
        "    snapshot: ben-dralle-tonight-i-ll-be-speaking-to",
    ]
    entry = load_catalog(site / "threads.yaml").entries[-1]
    assert entry.slug == "ben-dralle-tonight-i-ll-be-speaking-to" and entry.tags == (
        "social-media",
    )


def test_importing_twice_is_byte_identical_and_a_reviewed_copy_is_kept(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(copy_of(SEED, tmp_path))
    run_import(site, capsys, source, "-s", "value-care")
    first = fingerprint(site)
    assert run_import(site, capsys, source).code == 0
    assert fingerprint(site) == first
    snapshot = next((site / "content" / "threads").glob("*.yaml"))
    snapshot.write_text(
        snapshot.read_text(encoding="utf-8").replace("name: ben_dralle", "name: Ben Dralle"),
        encoding="utf-8",
    )
    reviewed = fingerprint(site)
    again = run_import(site, capsys, source)
    assert again.code == 2 and "differs from this import (edited in review?)" in again.err
    assert fingerprint(site) == reviewed


def test_text_without_an_author_is_refused(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "copy.txt"
    source.write_text("First post.\nSecond post.\n", encoding="utf-8")
    before = fingerprint(site)
    result = run_import(site, capsys, str(source), "-s", "value-care")
    assert result.code == 2 and "does not name its author" in result.err
    assert fingerprint(site) == before


def test_thread_reader_page(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_import(site, capsys, str(copy_of(PAGE, tmp_path)), "-s", "value-care")
    assert result.code == 0, result.err
    path = site / "content" / "threads" / "x-1600000000000000701.yaml"
    thread = load_snapshot(path)
    assert thread.platform == "x"
    assert thread.url == "https://x.com/foamed_example/status/1600000000000000701"
    assert [p.url.rsplit("/", 1)[1] for p in thread.posts] == [
        str(1600000000000000701 + n) for n in range(4)
    ]
    assert thread.posts[0].text == (
        "1/ Sodium and water: a short #tweetorial on hyponatraemia for @medstudents\n\nStart with the water."
    )
    assert "Permalink" not in thread.posts[0].text
    assert (
        thread.posts[1].text
        == "2/ The review worth reading: https://example.org/hyponatraemia-review"
    )
    assert (
        thread.posts[3].text
        == "4/4 Measure urine osmolality & urine sodium <before> you treat. click"
    )
    for post in thread.posts:
        assert "alert" not in post.text and "javascript" not in post.html
    assert thread.provenance is not None
    assert thread.provenance.url == "https://threadreaderapp.com/thread/1600000000000000701.html"
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: post 3: the copy shows a picture (https://pbs.twimg.com/media/WaterPicture.jpg) "
        "that it does not hold; add it by hand under images: if you have it"
    ]
    assert (
        "- url: https://x.com/foamed_example/status/1600000000000000701"
        in (site / "threads.yaml").read_text()
    )


def test_an_unroll_never_hides_a_fetched_snapshot(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched = site / "content" / "threads" / "x-1600000000000000701.json"
    fetched.write_text("{}", encoding="utf-8")
    before = fingerprint(site)
    result = run_import(site, capsys, str(copy_of(PAGE, tmp_path)), "-s", "value-care")
    assert result.code == 2 and "an unrolled copy would hide it" in result.err
    assert fingerprint(site) == before


def test_a_page_that_is_not_an_unroll_is_refused(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    result = run_import(site, capsys, str(page), "-s", "value-care")
    assert result.code == 2 and "no posts found" in result.err


def test_a_post_that_was_only_a_picture_keeps_its_place(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    html = PAGE.read_text(encoding="utf-8").replace("3/ Here is the picture I always draw: ", "")
    page.write_text(html, encoding="utf-8")
    result = run_import(site, capsys, str(page), "-s", "value-care")
    assert result.code == 0, result.err
    thread = load_snapshot(site / "content" / "threads" / "x-1600000000000000701.yaml")
    assert thread.posts[2].text == "(A picture without text; the unrolled copy did not keep it.)"
    assert "post 3: only a picture" in result.err
