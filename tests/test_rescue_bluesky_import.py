"""``tweetorials import`` with a Bluesky repository export (.car), through to the built page."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from tweetorials.rescue.media import NOT_ARCHIVED

from .car_writer import blob_cid, blob_folder, car_from_description
from .conftest import BuildSite, copy_site
from .rescue_helpers import RESCUE, fingerprint, make_site, run_import

FIXTURES = RESCUE / "bluesky-export"
DID = "did:plc:foamedexampleaaaaaaaaaaa"
FIRST = "3lbeiaiils22b"  # rkey of post 1 (a TID: 2024-11-20 08:01)
SEVENTH = "3lbeil7swc22b"
SNAPSHOT = f"content/threads/bluesky-{FIRST}.json"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


@pytest.fixture
def car(tmp_path: Path) -> Path:
    path = tmp_path / "repo.car"
    path.write_bytes(car_from_description(FIXTURES / "records.json", FIXTURES / "images"))
    return path


@pytest.fixture
def blobs(tmp_path: Path) -> Path:
    return blob_folder(FIXTURES / "images", tmp_path / "blobs")


def imported(site: Path) -> dict[str, Any]:
    return json.loads((site / SNAPSHOT).read_text(encoding="utf-8"))


def test_the_twelve_post_thread_with_pictures_from_the_blob_folder(
    site: Path, car: Path, blobs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"https://bsky.app/profile/{DID}/post/{SEVENTH}"
    result = run_import(
        site, capsys, str(car), "--blobs", str(blobs), "--thread", url, "-s", "policy"
    )
    assert result.code == 0, result.err
    data = imported(site)
    assert len(data["posts"]) == 12 and data["posts"][0]["id"] == FIRST
    assert not any(p["text"].startswith("Good point") for p in data["posts"])
    assert data["url"] == f"https://bsky.app/profile/{DID}/post/{FIRST}"
    author = data["author"]
    assert (author["name"], author["handle"]) == ("Dr Foamed", DID)
    assert author["url"] == f"https://bsky.app/profile/{DID}"
    avatar = blob_cid((FIXTURES / "images" / "avatar.png").read_bytes())
    assert author["avatar_url"] == f"https://cdn.bsky.app/img/avatar/plain/{DID}/{avatar}@jpeg"
    assert (site / "content" / author["avatar"]["original"]).is_file()
    assert data["provenance"] == {
        "kind": "bluesky-repo",
        "saved": "2024-12-01T12:00:00Z",
        "url": None,
    }
    protocol, scribble = data["posts"][2]["media"]
    assert protocol["alt"] == "Flowchart: 30 ml/kg, then reassess." and scribble["alt"] == ""
    for image in (protocol, scribble, data["posts"][6]["media"][0]):
        assert image["error"] is None
        assert (site / "content" / image["local"]["original"]).is_file()
    assert data["posts"][5]["card"]["title"] == "Sepsis guideline summary"
    lost = data["posts"][4]["media"][0]
    assert lost["error"] == NOT_ARCHIVED and lost["alt"] == "Diagram of capillary leak."
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and warnings[0].startswith("warning: post 5 image 1: ")


def test_without_blobs_every_picture_is_not_archived_but_keeps_its_alt(
    site: Path, car: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_import(site, capsys, str(car), "--thread", FIRST, "-s", "policy")
    assert result.code == 0, result.err
    media = [m for p in imported(site)["posts"] for m in p["media"]]
    assert len(media) == 4 and all(m["error"] == NOT_ARCHIVED for m in media)
    assert [m["alt"] for m in media][:2] == ["Flowchart: 30 ml/kg, then reassess.", ""]
    assert len([line for line in result.err.splitlines() if line.startswith("warning:")]) == 4
    assert not (site / "content" / "media").exists()
    author = imported(site)["author"]
    assert author["avatar"] is None and author["avatar_url"] is None  # initials, not a hotlink


def test_quotes_facets_and_the_old_entities(
    site: Path, car: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(site, capsys, str(car), "--thread", FIRST, "-s", "policy")
    posts = imported(site)["posts"]
    assert posts[3]["quote"]["id"] == posts[1]["id"] and posts[3]["quote"]["status"] == "ok"
    assert posts[6]["quote"]["status"] == "unavailable"
    assert 'href="https://bsky.app/hashtag/FOAMed"' in posts[0]["html"]
    old = tmp_path / "old.car"
    old.write_bytes(car_from_description(FIXTURES / "records-v2.json", FIXTURES / "images"))
    result = run_import(site, capsys, str(old), "-s", "policy")  # one thread: no --thread
    assert result.code == 0, result.err
    assert "imported 2 posts" in result.out


def test_several_threads_and_no_thread_lists_candidates(
    site: Path, car: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desc = json.loads((FIXTURES / "records.json").read_text())
    records = desc["records"]
    records["app.bsky.feed.post/3lcaaaaaaaa2a"] = {
        "text": "Another thread 1/2",
        "createdAt": "2024-11-25T08:00:00Z",
    }
    records["app.bsky.feed.post/3lcaaaaaaab2a"] = {
        "text": "Another thread 2/2",
        "createdAt": "2024-11-25T08:01:00Z",
        "reply": {
            "root": {"uri": f"at://{DID}/app.bsky.feed.post/3lcaaaaaaaa2a", "cid": "x"},
            "parent": {"uri": f"at://{DID}/app.bsky.feed.post/3lcaaaaaaaa2a", "cid": "x"},
        },
    }
    description = tmp_path / "two-threads.json"
    description.write_text(json.dumps(desc))
    two = tmp_path / "two.car"
    two.write_bytes(car_from_description(description, FIXTURES / "images"))
    before = fingerprint(site)
    result = run_import(site, capsys, str(two), "-s", "policy")
    assert result.code == 2
    lines = result.err.splitlines()
    assert "holds 2 threads; choose one with --thread ID" in lines[0]
    assert lines[1].split()[:3] == [FIRST, "12", "posts"]
    assert lines[2].split()[:3] == ["3lcaaaaaaaa2a", "2", "posts"]
    assert fingerprint(site) == before


def test_importing_twice_is_byte_identical(
    site: Path, car: Path, blobs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = (str(car), "--blobs", str(blobs), "--thread", FIRST, "-s", "policy")
    assert run_import(site, capsys, *args).code == 0
    first = fingerprint(site)
    assert run_import(site, capsys, *args).code == 0
    assert fingerprint(site) == first


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a repository")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"did": "did:plc:x"}', "not a readable CAR file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a readable CAR file"),
        ("truncated", "not a readable CAR file"),
        (_zip_bytes(), "is not an export this command reads"),
    ],
)
def test_broken_or_wrong_files_are_refused_in_one_line_and_nothing_written(
    site: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | str,
    message: str,
) -> None:
    if content == "truncated":
        data = car_from_description(FIXTURES / "records.json", FIXTURES / "images")[:-50]
    else:
        assert isinstance(content, bytes)
        data = content
    bad = tmp_path / "export.car"
    bad.write_bytes(data)
    before = fingerprint(site)
    result = run_import(site, capsys, str(bad), "--thread", FIRST, "-s", "policy")
    assert result.code == 2
    assert message in result.err and "nothing was written" in result.err
    assert len(result.err.strip().splitlines()) == 2
    assert fingerprint(site) == before


def test_a_thread_id_not_in_the_export_is_refused(
    site: Path, car: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(site)
    result = run_import(site, capsys, str(car), "--thread", "3kzzzzzzzzz2a", "-s", "policy")
    assert result.code == 2 and "no post with that id or address is in the source" in result.err
    assert fingerprint(site) == before


def test_a_blob_folder_with_a_link_is_refused(
    site: Path, car: Path, blobs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (blobs / "bafkreiescape").symlink_to("/etc/passwd")
    result = run_import(
        site, capsys, str(car), "--blobs", str(blobs), "--thread", FIRST, "-s", "policy"
    )
    assert result.code == 2 and "links are refused" in result.err


def test_the_built_page_shows_posts_images_and_provenance(
    tmp_path: Path,
    car: Path,
    blobs: Path,
    build_site: BuildSite,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "site").mkdir()
    site = copy_site(tmp_path / "site")
    args = (str(car), "--blobs", str(blobs), "--thread", FIRST, "-s", "policy")
    assert run_import(site, capsys, *args).code == 0
    output = build_site(site)
    page = next(
        soup
        for path in sorted(output.rglob("index.html"))
        if (soup := BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")).select_one(
            ".thread-body .post-text"
        )
        and "Sepsis fluids" in soup.select_one(".thread-body .post-text").get_text()  # type: ignore[union-attr]
    )
    provenance = page.select_one("dd.provenance")
    assert provenance is not None
    assert provenance.get_text(" ", strip=True).startswith(
        "Imported from the author's Bluesky repository export, saved 1 December 2024"
    )
    text = page.get_text(" ", strip=True)
    assert "End of thread, questions welcome. 12/12" in text
    images = {img["alt"]: img["src"] for img in page.select(".thread-body img")}
    assert "/media/" in images["Flowchart: 30 ml/kg, then reassess."]
    assert "Image not archived. It showed: Diagram of capillary leak." in text
    avatar = page.select_one(".byline img.avatar")
    assert avatar is not None and "/media/" in str(avatar["src"])


def test_a_thread_listed_by_handle_is_refreshed_not_listed_again(
    site: Path, car: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = site / "threads.yaml"
    listed = f"https://bsky.app/profile/dr-foamed.example.com/post/{FIRST}"
    catalog.write_text(
        catalog.read_text(encoding="utf-8")
        + f"\n  - url: {listed}\n    specialties: [policy]\n    added: 2024-11-21\n",
        encoding="utf-8",
    )
    before = catalog.read_bytes()
    result = run_import(site, capsys, str(car), "--thread", FIRST)
    assert result.code == 0, result.err
    assert catalog.read_bytes() == before  # the export names the DID; the entry is the same
    assert "already listed" in result.out
    assert (site / SNAPSHOT).is_file()
