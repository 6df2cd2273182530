"""``tweetorials import`` with an X data archive (tests/fixtures/rescue/README.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from tweetorials.rescue.media import NOT_ARCHIVED
from tweetorials.snapshot import load_snapshot, save_snapshot

from .rescue_helpers import (
    THREAD_A,
    X_ARCHIVE,
    X_ARCHIVE_2020,
    fingerprint,
    make_site,
    run_import,
    zip_folder,
)

SNAPSHOT = f"content/threads/x-{THREAD_A}.json"
BASE = 1600000000000000000


def imported(site: Path) -> dict[str, Any]:
    return json.loads((site / SNAPSHOT).read_text(encoding="utf-8"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


def test_twelve_post_thread_from_a_middle_post(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(
        site,
        capsys,
        str(X_ARCHIVE),
        "--thread",
        str(BASE + 7),
        "-s",
        "pathophysiology",
        "-t",
        "acid-base",
    )
    assert result.code == 0, result.err
    data = imported(site)
    assert [p["id"] for p in data["posts"]] == [str(BASE + n) for n in range(1, 13)]
    assert str(BASE + 100) not in json.dumps(data)  # the answer to a stranger is not the thread
    assert data["url"] == f"https://x.com/foamed_example/status/{THREAD_A}"
    assert data["author"]["handle"] == "foamed_example"
    assert data["author"]["name"] == "Dr FOAMed (example)"
    assert data["posts"][0]["created_at"] == "2022-11-01T10:00:00Z"
    assert result.out.splitlines()[0] == f"found 19 public posts by @foamed_example in {X_ARCHIVE}"
    assert "imported 12 posts by @foamed_example" in result.out


def test_links_are_expanded_and_text_unescaped(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    data = imported(site)
    assert "t.co/" not in json.dumps(data)
    second = data["posts"][1]
    assert "https://doi.org/10.1000/anion-gap & it is short" in second["text"]
    assert 'href="https://doi.org/10.1000/anion-gap"' in second["html"]


def test_long_post_comes_whole_from_note_tweet(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    long_post = imported(site)["posts"][2]
    assert long_post["text"].endswith("read more in the review: https://example.org/review #FOAMed")
    assert "…" not in long_post["text"]
    assert long_post["truncated"] is False


def test_cut_post_without_its_note_is_marked_truncated(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(X_ARCHIVE, archive)
    (archive / "data" / "note-tweet.js").unlink()
    run_import(site, capsys, str(archive), "--thread", THREAD_A, "-s", "policy")
    long_post = imported(site)["posts"][2]
    assert long_post["truncated"] is True
    assert "twitter.com/i/web/status" not in long_post["text"]


def test_images_with_and_without_alt_and_one_not_archived(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    assert result.code == 0
    posts = imported(site)["posts"]
    with_alt, without_alt, lost = posts[3]["media"][0], posts[4]["media"][0], posts[7]["media"][0]
    assert with_alt["alt"].startswith("Bar chart: sodium on the left")
    assert without_alt["alt"] == ""
    for image in (with_alt, without_alt):
        assert image["error"] is None
        assert (image["width"], image["height"]) == (64, 48)
        assert (site / "content" / image["local"]["original"]).is_file()
    assert lost["local"] is None and lost["error"] == NOT_ARCHIVED
    assert lost["alt"] == "A lost picture of a Gamblegram."
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: post 8 image 1: Lost.jpg is not in the export; imported the post, "
        "image marked not archived (with its alt text)"
    ]


def test_quoted_posts(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    posts = imported(site)["posts"]
    outside, own = posts[8], posts[9]
    assert outside["text"] == "9/ Someone said it better"
    assert outside["quote"]["status"] == "unavailable"
    assert outside["quote"]["url"] == "https://x.com/other_doc/status/1500000000000000009"
    assert outside["quote"]["author"]["handle"] == "other_doc"
    assert own["quote"]["id"] == THREAD_A
    assert own["quote"]["text"].startswith("1/ Why does the anion gap matter?")
    assert own["quote"]["author"]["handle"] == "foamed_example"


def test_provenance_and_times_come_from_the_archive(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    data = imported(site)
    assert data["provenance"] == {"kind": "x-archive", "saved": "2023-03-04T05:06:07Z", "url": None}
    assert data["fetched_at"] == "2023-03-04T05:06:07Z"
    assert data["source"] == "x-archive"
    assert {p["last_seen"] for p in data["posts"]} == {"2023-03-04T05:06:07Z"}


def test_zip_and_folder_give_the_same_files_and_twice_is_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = zip_folder(X_ARCHIVE, tmp_path / "twitter-2023.zip", wrap="twitter-2023-03-04/")
    from_zip = make_site(tmp_path / "one")
    assert (
        run_import(from_zip, capsys, str(archive), "--thread", THREAD_A, "-s", "policy").code == 0
    )
    first = fingerprint(from_zip)
    assert run_import(from_zip, capsys, str(archive), "--thread", THREAD_A).code == 0
    assert fingerprint(from_zip) == first
    from_folder = make_site(tmp_path / "two")
    run_import(from_folder, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    assert {k: v for k, v in fingerprint(from_folder).items() if k != "threads.yaml"} == {
        k: v for k, v in first.items() if k != "threads.yaml"
    }


def test_catalog_entry_is_appended_once_and_unchanged_by_the_same_import(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (site / "threads.yaml").read_text(encoding="utf-8")
    result = run_import(
        site,
        capsys,
        str(X_ARCHIVE),
        "--thread",
        THREAD_A,
        "-s",
        "pathophysiology",
        "-t",
        "acid-base",
        "--title",
        "The anion gap",
    )
    after = (site / "threads.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)
    added = after[len(before) :]
    assert f"- url: https://x.com/foamed_example/status/{THREAD_A}" in added
    assert "specialties: [pathophysiology]" in added and "tags: [acid-base]" in added
    assert "title: The anion gap" in added
    assert "threads.yaml:" in result.out and "added" in result.out
    again = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "pathophysiology")
    assert "already listed; the entry was left as it is" in again.out
    assert (site / "threads.yaml").read_text(encoding="utf-8") == after


def test_a_new_thread_needs_a_specialty(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = fingerprint(site)
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A)
    assert result.code == 2
    assert "give at least one --specialty" in result.err
    bad = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "cardiology")
    assert bad.code == 2 and "specialty 'cardiology' is not defined" in bad.err
    assert fingerprint(site) == before


def test_excluded_author_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = site / "threads.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8")
        + "\nexclude:\n  - author: x:foamed_example\n    reason: asked by email\n",
        encoding="utf-8",
    )
    before = fingerprint(site)
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    assert result.code == 2
    assert "asked by email" in result.err
    assert fingerprint(site) == before


def test_several_threads_and_no_thread_lists_candidates(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(site)
    result = run_import(site, capsys, str(X_ARCHIVE), "-s", "policy")
    assert result.code == 2
    lines = result.err.splitlines()
    assert "holds 3 threads; choose one with --thread ID" in lines[0]
    assert lines[1].split()[:3] == [THREAD_A, "12", "posts"]
    assert lines[1].endswith("1/ Why does the anion gap matter? A #tweetorial on…")
    assert lines[2].split()[:3] == [str(BASE + 201), "3", "posts"]
    assert lines[3].split()[:3] == [str(BASE + 301), "2", "posts"]
    assert fingerprint(site) == before


def test_protected_post_ends_the_thread_and_the_command_says_why(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", str(BASE + 301), "-s", "policy")
    assert result.code == 0
    data = json.loads((site / f"content/threads/x-{BASE + 301}.json").read_text())
    assert [p["id"] for p in data["posts"]] == [str(BASE + 301), str(BASE + 302)]
    assert (
        f"stops before post {BASE + 303}, which is from a time the account was protected"
        in result.out
    )
    protected = run_import(site, capsys, str(X_ARCHIVE), "--thread", str(BASE + 303))
    assert protected.code == 2 and "only public posts are imported" in protected.err


def test_retweets_are_not_the_authors_threads(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", str(BASE + 401), "-s", "policy")
    assert result.code == 2 and "written by someone else" in result.err


def test_older_tweet_js_archive(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_import(site, capsys, str(X_ARCHIVE_2020), "-s", "policy")
    assert result.code == 0, result.err
    data = json.loads((site / f"content/threads/x-{BASE + 501}.json").read_text())
    assert [p["text"] for p in data["posts"]] == [
        "Old 1/ Hyponatraemia in three posts.",
        "Old 2/ Think about water, not salt.",
        "Old 3/ Then measure urine osmolality.",
    ]
    assert data["author"] == {
        "name": "Old School MD",
        "handle": "oldschool_md",
        "url": "https://x.com/oldschool_md",
        "avatar_url": None,
        "avatar": None,
    }


def test_import_merges_into_an_existing_snapshot_without_losing_anything(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fetched snapshot knew an alt text the archive lacks, and a post the archive lost."""
    run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    path = site / SNAPSHOT
    thread = load_snapshot(path)
    thread.posts[4].media[0].alt = "Described by a fetch"
    extra = thread.posts[11].__class__(
        id=str(BASE + 13),
        url="https://x.com/foamed_example/status/1600000000000000013",
        created_at="2022-11-01T10:13:00Z",
        text="13/ A post the archive does not have",
        html="<p>13/</p>",
    )
    thread.posts.append(extra)
    save_snapshot(path, thread)
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A)
    assert result.code == 0
    merged = imported(site)
    assert merged["posts"][4]["media"][0]["alt"] == "Described by a fetch"
    assert merged["posts"][-1]["id"] == str(BASE + 13)
    assert merged["posts"][-1]["status"] == "deleted"


def test_a_handwritten_snapshot_is_never_replaced(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handwritten = site / f"content/threads/x-{THREAD_A}.yaml"
    handwritten.write_text("platform: x\n", encoding="utf-8")
    before = fingerprint(site)
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    assert result.code == 2 and "hand-written snapshot" in result.err
    assert fingerprint(site) == before


def test_a_video_keeps_its_link_and_says_its_still_is_missing(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Archives keep a video as its MP4 only: the post is imported with the video's address."""
    archive = tmp_path / "archive"
    shutil.copytree(X_ARCHIVE, archive)
    part = archive / "data" / "tweets-part1.js"
    video = {
        "type": "video",
        "url": "https://t.co/Pic8",
        "media_url_https": "https://pbs.twimg.com/ext_tw_video_thumb/1/pu/img/Still.jpg",
        "video_info": {
            "variants": [
                {"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/v.m3u8"},
                {
                    "bitrate": "832000",
                    "content_type": "video/mp4",
                    "url": "https://video.twimg.com/v/832.mp4?tag=1",
                },
                {
                    "bitrate": "2176000",
                    "content_type": "video/mp4",
                    "url": "https://video.twimg.com/v/2176.mp4?tag=1",
                },
            ]
        },
    }
    text = part.read_text(encoding="utf-8")
    prefix, body = text.split("=", 1)
    entries = json.loads(body)
    for entry in entries:
        if entry["tweet"]["id_str"] == str(BASE + 8):
            entry["tweet"]["extended_entities"]["media"] = [video]
    part.write_text(prefix + "= " + json.dumps(entries), encoding="utf-8")
    result = run_import(site, capsys, str(archive), "--thread", THREAD_A, "-s", "policy")
    assert result.code == 0, result.err
    media = imported(site)["posts"][7]["media"][0]
    assert media["kind"] == "video"
    assert media["link"] == "https://video.twimg.com/v/2176.mp4?tag=1"
    assert media["error"] == NOT_ARCHIVED
    assert (
        "warning: post 8 image 1: Still.jpg is the still of a video, which the export does not hold"
        in result.err
    )


def test_the_authors_profile_picture_comes_from_the_archive(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    author = imported(site)["author"]
    assert author["avatar_url"] == "https://pbs.twimg.com/profile_images/1111/Face_400x400.jpg"
    assert (site / "content" / author["avatar"]["original"]).is_file()


def test_without_a_profile_picture_there_is_no_avatar(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(X_ARCHIVE, archive)
    shutil.rmtree(archive / "data" / "profile_media")
    assert run_import(site, capsys, str(archive), "--thread", THREAD_A, "-s", "policy").code == 0
    author = imported(site)["author"]
    assert author["avatar_url"] is None and author["avatar"] is None


def test_each_post_keeps_its_language(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    assert {p["lang"] for p in imported(site)["posts"]} == {"en"}


def test_a_thread_listed_by_a_later_post_keeps_its_entry_and_snapshot_name(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A curator listed post 5 of the thread; the import fills that entry's snapshot."""
    catalog = site / "threads.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8")
        + f"\n  - url: https://twitter.com/foamed_example/status/{BASE + 5}\n"
        "    specialties: [pathophysiology]\n",
        encoding="utf-8",
    )
    before = catalog.read_text(encoding="utf-8")
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A)
    assert result.code == 0, result.err
    assert "already listed" in result.out
    assert catalog.read_text(encoding="utf-8") == before
    snapshot = json.loads((site / f"content/threads/x-{BASE + 5}.json").read_text())
    assert len(snapshot["posts"]) == 12


def test_a_long_text_goes_only_to_its_own_tweet_when_two_share_a_second(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The thread composer posts several tweets in one second; only the cut one is long."""
    archive = tmp_path / "archive"
    shutil.copytree(X_ARCHIVE, archive)
    part = archive / "data" / "tweets.js"
    text = part.read_text(encoding="utf-8")
    prefix, body = text.split("=", 1)
    entries = json.loads(body)
    for entry in entries:
        if entry["tweet"]["id_str"] in (str(BASE + 2), str(BASE + 4)):
            entry["tweet"]["created_at"] = "Tue Nov 01 10:02:00 +0000 2022"  # post 3's second
    part.write_text(prefix + "= " + json.dumps(entries), encoding="utf-8")
    assert run_import(site, capsys, str(archive), "--thread", THREAD_A, "-s", "policy").code == 0
    texts = [p["text"] for p in imported(site)["posts"]]
    assert texts[1].startswith("2/ The gap is Na")
    assert texts[2].endswith("read more in the review: https://example.org/review #FOAMed")
    assert texts[3] == "4/ Here is the gap as a picture"
