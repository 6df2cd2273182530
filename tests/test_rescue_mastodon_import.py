"""``tweetorials import`` with a Mastodon account export, through to the built page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from tweetorials.rescue.media import NOT_ARCHIVED

from .conftest import BuildSite, copy_site
from .rescue_helpers import RESCUE, fingerprint, make_site, run_import, zip_folder

EXPORT = RESCUE / "mastodon-export" / "export"
HOST = "med.example.social"
SNAPSHOT = f"content/threads/mastodon-{HOST.replace('.', '-')}-1001.json"
FIRST_URL = f"https://{HOST}/@drfoamed/1001"
ZIP_NAME = "archive-20230320120000-5f4dcc3b5aa765d6.zip"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return zip_folder(EXPORT, tmp_path / ZIP_NAME)


def imported(site: Path) -> dict[str, Any]:
    return json.loads((site / SNAPSHOT).read_text(encoding="utf-8"))


def test_the_twelve_post_thread_through_a_middle_post(
    site: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(
        site, capsys, str(archive), "--thread", f"https://{HOST}/@drfoamed/1007", "-s", "policy"
    )
    assert result.code == 0, result.err
    data = imported(site)
    assert [p["id"] for p in data["posts"]] == [str(n) for n in range(1001, 1013)]
    assert "1050" not in [p["id"] for p in data["posts"]]  # the answer to a student
    assert data["platform"] == "mastodon" and data["url"] == FIRST_URL
    assert data["author"]["handle"] == f"drfoamed@{HOST}"
    assert data["provenance"] == {
        "kind": "mastodon-export",
        "saved": "2023-03-20T12:00:00Z",  # from Mastodon's file name
        "url": None,
    }
    assert "imported 12 posts by @drfoamed@med.example.social" in result.out
    assert "threads.yaml:" in result.out and f"added {FIRST_URL}" in result.out


def test_images_with_and_without_alt_and_one_the_export_lacks(
    site: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(archive), "--thread", "1001", "-s", "policy")
    assert result.code == 0
    posts = imported(site)["posts"]
    with_alt, without_alt, lost = (posts[n]["media"][0] for n in (2, 3, 4))
    assert with_alt["alt"] == "Chart: ferritin falls before haemoglobin does."
    assert without_alt["alt"] == ""
    for image in (with_alt, without_alt):
        assert image["error"] is None
        assert (site / "content" / image["local"]["original"]).is_file()
    assert (with_alt["width"], with_alt["height"]) == (800, 450)
    assert lost["local"] is None and lost["error"] == NOT_ARCHIVED
    assert lost["alt"] == "A bar chart of iron studies."
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: post 5 image 1: lost-chart.png is not in the export; imported the post, "
        "image marked not archived (with its alt text)"
    ]


def test_quotes_warning_and_sanitised_markup_reach_the_snapshot(
    site: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(site, capsys, str(archive), "--thread", "1001", "-s", "policy")
    posts = imported(site)["posts"]
    assert posts[6]["quote"]["id"] == "1002" and posts[6]["quote"]["status"] == "ok"
    assert posts[5]["quote"]["status"] == "unavailable"
    assert posts[7]["text"].startswith("Content warning: dosing")
    poll = posts[9]["poll"]
    assert [o["votes"] for o in poll["options"]] == [41, 9, 7]
    assert poll["final"] is True and poll["counted_at"] == "2023-03-20T12:00:00Z"
    assert "<script" not in json.dumps(posts) and "javascript:" not in json.dumps(posts)


def test_a_followers_only_post_stops_the_thread_and_the_command_says_why(
    site: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(archive), "--thread", "2001", "-s", "policy")
    assert result.code == 0
    data = json.loads((site / "content/threads/mastodon-med-example-social-2001.json").read_text())
    assert [p["id"] for p in data["posts"]] == ["2001"]
    assert "stops before post 2002, which is followers-only" in result.out
    assert "Followers only" not in json.dumps(data)


@pytest.mark.parametrize(("status", "words"), [("2002", "followers-only"), ("3001", "direct")])
def test_a_post_that_was_not_public_is_refused(
    site: Path, archive: Path, capsys: pytest.CaptureFixture[str], status: str, words: str
) -> None:
    before = fingerprint(site)
    result = run_import(site, capsys, str(archive), "--thread", status, "-s", "policy")
    assert result.code == 2
    assert words in result.err and "only public posts are imported" in result.err
    assert fingerprint(site) == before


def test_several_threads_and_no_thread_lists_candidates(
    site: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(site)
    result = run_import(site, capsys, str(archive), "-s", "policy")
    assert result.code == 2
    lines = result.err.splitlines()
    assert "holds 2 threads; choose one with --thread ID" in lines[0]
    assert lines[1].split()[:3] == ["1001", "12", "posts"]
    assert "Iron deficiency without anaemia" in lines[1]
    assert lines[2].split()[:3] == ["5001", "2", "posts"]
    assert fingerprint(site) == before


def test_a_thread_id_not_in_the_export_is_refused(
    site: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(site)
    result = run_import(site, capsys, str(archive), "--thread", "999999", "-s", "policy")
    assert result.code == 2
    assert "--thread 999999: no post with that id or address is in the source" in result.err
    assert fingerprint(site) == before


def test_zip_and_folder_agree_and_importing_twice_is_byte_identical(
    tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrapped = zip_folder(EXPORT, tmp_path / "wrapped.zip", wrap="mastodon-export/")
    one = make_site(tmp_path / "one")
    assert run_import(one, capsys, str(archive), "--thread", "1001", "-s", "policy").code == 0
    first = fingerprint(one)
    assert run_import(one, capsys, str(archive), "--thread", "1001").code == 0
    assert fingerprint(one) == first
    two = make_site(tmp_path / "two")
    assert run_import(two, capsys, str(wrapped), "--thread", "1001", "-s", "policy").code == 0
    media = {k: v for k, v in fingerprint(two).items() if "/media/" in k}
    assert media and media == {k: v for k, v in first.items() if "/media/" in k}


@pytest.mark.parametrize(
    ("outbox", "message"),
    [
        (b'{"type": "OrderedCollection", "orderedItems": [', "outbox.json is not valid JSON"),
        (b'{"type": "OrderedCollection"}', "no orderedItems list"),
    ],
)
def test_a_broken_outbox_is_refused_and_nothing_written(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str], outbox: bytes, message: str
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(EXPORT, broken)
    (broken / "outbox.json").write_bytes(outbox)
    before = fingerprint(site)
    result = run_import(site, capsys, str(broken), "--thread", "1001", "-s", "policy")
    assert result.code == 2
    assert message in result.err and "nothing was written" in result.err
    assert len([line for line in result.err.splitlines() if line.strip()]) == 2
    assert fingerprint(site) == before


def test_blobs_option_is_only_for_bluesky(
    site: Path, archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(archive), "--blobs", str(tmp_path), "-s", "policy")
    assert result.code == 2 and "--blobs is for Bluesky repository exports" in result.err


def test_the_built_page_shows_posts_images_and_provenance(
    tmp_path: Path, archive: Path, build_site: BuildSite, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site").mkdir()
    site = copy_site(tmp_path / "site")
    result = run_import(site, capsys, str(archive), "--thread", "1001", "-s", "policy")
    assert result.code == 0, result.err
    output = build_site(site)
    page = _thread_page(output, "Iron deficiency without anaemia")
    provenance = page.select_one("dd.provenance")
    assert provenance is not None
    assert provenance.get_text(" ", strip=True).startswith(
        "Imported from the author's Mastodon account export, saved 20 March 2023"
    )
    text = page.get_text(" ", strip=True)
    assert "Oral iron every other day" in text and "12/12" in text
    images = {img["alt"]: img["src"] for img in page.select(".thread-body img")}
    assert "/media/" in images["Chart: ferritin falls before haemoglobin does."]
    assert "/media/" in images[""]  # the sketch without a description
    assert "Image not archived. It showed: A bar chart of iron studies." in text
    assert "<script>alert" not in str(page)
    labels = [li.select_one(".poll-label").get_text() for li in page.select(".poll-option")]  # type: ignore[union-attr]
    assert labels == ["Ferritin", "Haemoglobin", "Serum iron"]


def _thread_page(output: Path, first_words: str) -> BeautifulSoup:
    """The built page of the thread whose first post begins with ``first_words``."""
    pages = sorted(output.rglob("index.html"))
    assert pages, f"no pages under {output}"
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        first = soup.select_one(".thread-body .post-text")
        if first is not None and first_words in first.get_text():
            return soup
    raise AssertionError(f"no page for the thread starting {first_words!r}")


@pytest.mark.parametrize(
    "url", ["../secret.png", "/etc/passwd", "https://evil.example/../../secret.png"]
)
def test_an_attachment_path_cannot_reach_outside_the_export(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    secret = tmp_path / "secret.png"
    secret.write_bytes((EXPORT / "avatar.png").read_bytes())
    outbox = json.loads((export / "outbox.json").read_text(encoding="utf-8"))
    for item in outbox["orderedItems"]:
        if isinstance(item["object"], dict) and item["object"]["id"].endswith("/1003"):
            item["object"]["attachment"][0]["url"] = url
    (export / "outbox.json").write_text(json.dumps(outbox), encoding="utf-8")
    result = run_import(site, capsys, str(export), "--thread", "1001", "-s", "policy")
    assert result.code == 0, result.err
    image = imported(site)["posts"][2]["media"][0]
    assert image["local"] is None and image["error"] == NOT_ARCHIVED
    assert image["alt"] == "Chart: ferritin falls before haemoglobin does."
