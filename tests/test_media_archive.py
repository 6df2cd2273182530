"""Archiving a thread's images: downloads injected, failures recorded, rebuilds do nothing."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from tweetorials.media.archive import (
    archive_thread_media,
    ensure_local_media,
    resolve_local_source,
)
from tweetorials.media.images import ImageRejected
from tweetorials.snapshot.model import (
    Author,
    LinkCard,
    Media,
    Post,
    Thread,
    thread_from_dict,
)

from tests import media_samples as samples

CDN = "https://pbs.example/media/"


class FakeDownloader:
    """Serves bytes by URL and counts calls; anything unknown fails like a 404."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url not in self.files:
            raise RuntimeError(f"HTTP 404 for {url}")
        return self.files[url]


def post(number: int, *media: Media, **extra: object) -> Post:
    return Post(
        id=str(number),
        url=f"https://x.com/doc/status/{number}",
        created_at=None,
        text=f"post {number}",
        html=f"<p>post {number}</p>",
        media=list(media),
        **extra,  # type: ignore[arg-type]
    )


def image(name: str, alt: str = "") -> Media:
    return Media(
        kind="image",
        url=name if "/" in name and not name.startswith("http") else CDN + name,
        alt=alt,
    )


def make_thread() -> Thread:
    quoted_author = Author("Quoted", "quoted", "https://x.com/quoted", avatar_url=CDN + "qav.jpg")
    return Thread(
        platform="x",
        url="https://x.com/doc/status/1",
        author=Author("Doc", "doc", "https://x.com/doc", avatar_url=CDN + "avatar.png"),
        posts=[
            post(1, image("chart.jpg", "A chart"), image("diagram.png")),
            post(
                2,
                image("chart.jpg"),  # the same picture again: downloaded and stored once
                quote=post(9, image("quoted.webp"), author=quoted_author),
                card=LinkCard("https://journal.example/a", "A paper", image=image("card.jpg")),
            ),
            post(3, image("bomb.png"), image("page.svg"), image("gone.jpg")),
            post(4, Media(kind="gif", url=CDN + "anim.jpg", link=CDN + "anim.mp4")),
        ],
    )


FILES = {
    CDN + "chart.jpg": samples.jpeg((2000, 1200)),
    CDN + "diagram.png": samples.png_transparent(),
    CDN + "quoted.webp": samples.webp(),
    CDN + "card.jpg": samples.jpeg((1200, 628), "maroon"),
    CDN + "avatar.png": samples.png_opaque_rgba((400, 400)),
    CDN + "qav.jpg": samples.jpeg((400, 400), "gold"),
    CDN + "bomb.png": samples.png_claiming(30_000, 30_000),
    CDN + "page.svg": samples.svg(),
    CDN + "anim.jpg": samples.animated_gif(),
}
GOOD = 7  # unique URLs above that are real images (gone.jpg is a 404)


def test_every_image_of_a_thread_is_archived_and_failures_recorded(tmp_path: Path) -> None:
    thread = make_thread()
    download = FakeDownloader(FILES)

    report = archive_thread_media(thread, tmp_path / "media", download)

    assert (report.encoded, report.reused, report.failed) == (GOOD, 0, 3)
    assert sorted(download.calls) == sorted({*FILES, CDN + "gone.jpg"})  # each URL once
    first, second, third, fourth = thread.posts
    assert first.media[0].local is not None and first.media[0].error is None
    assert second.media[0].local == first.media[0].local
    assert (first.media[0].width, first.media[0].height) == (2000, 1200)
    assert second.quote is not None and second.quote.media[0].local is not None
    assert second.quote.author is not None and second.quote.author.avatar is not None
    assert second.card is not None and second.card.image is not None
    assert second.card.image.local is not None
    assert thread.author.avatar is not None
    assert fourth.media[0].local is not None  # the GIF's poster

    bomb, svg, gone = third.media
    assert bomb.local is None and "decompression bomb" in (bomb.error or "")
    assert svg.local is None and "SVG" in (svg.error or "")
    assert gone.local is None and (gone.error or "").startswith("download failed: HTTP 404")
    assert {url for url, _ in report.failures} == {
        CDN + "bomb.png",
        CDN + "page.svg",
        CDN + "gone.jpg",
    }
    assert report.summary() == f"images: {GOOD} encoded, 0 reused, 3 failed"


def test_a_second_run_downloads_and_encodes_nothing(tmp_path: Path) -> None:
    thread = make_thread()
    archive_thread_media(thread, tmp_path / "media", FakeDownloader(FILES))
    saved = thread_from_dict(thread.to_dict())  # as if read back from the snapshot file

    download = FakeDownloader(FILES)
    report = archive_thread_media(saved, tmp_path / "media", download)

    assert report.encoded == 0 and report.reused == GOOD
    assert sorted(download.calls) == sorted([CDN + "bomb.png", CDN + "page.svg", CDN + "gone.jpg"])
    assert saved.to_dict() == thread.to_dict()


def test_the_build_side_never_downloads_and_encodes_nothing_the_second_time(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    thread = make_thread()
    archive_thread_media(thread, content / "media", FakeDownloader(FILES))

    report = ensure_local_media(thread_from_dict(thread.to_dict()), content)

    assert (report.encoded, report.reused, report.failed, report.missing) == (0, GOOD, 3, 0)
    assert report.summary() == f"images: 0 encoded, {GOOD} reused, 3 failed"

    never_fetched = ensure_local_media(make_thread(), content)
    assert (never_fetched.encoded, never_fetched.missing) == (0, GOOD + 3)
    assert "not archived yet" in never_fetched.summary()


def test_build_side_rebuilds_web_sizes_from_the_kept_copy(tmp_path: Path) -> None:
    content = tmp_path / "content"
    thread = make_thread()
    archive_thread_media(thread, content / "media", FakeDownloader(FILES))

    fresh = thread_from_dict(thread.to_dict())
    report = ensure_local_media(fresh, content, widths=(200, 400))

    assert (report.encoded, report.failed) == (GOOD, 3)  # the three that never worked
    local = fresh.posts[0].media[0].local
    assert local is not None and [r.width for r in local.renditions] == [200, 400]
    assert (content / local.renditions[0].webp).is_file()


def test_build_side_forgets_archived_files_that_are_gone(tmp_path: Path) -> None:
    content = tmp_path / "content"
    thread = make_thread()
    archive_thread_media(thread, content / "media", FakeDownloader(FILES))
    shutil.rmtree(content / "media")

    fresh = thread_from_dict(thread.to_dict())
    report = ensure_local_media(fresh, content)

    assert (report.encoded, report.missing, report.failed) == (0, GOOD, 3)
    assert fresh.posts[0].media[0].local is None  # the page shows the placeholder


def test_local_files_of_hand_written_snapshots_are_processed_offline(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "media" / "sources").mkdir(parents=True)
    (content / "media" / "sources" / "chart.png").write_bytes(samples.png_transparent())
    (content / "media" / "sources" / "fake.png").write_bytes(b"not really a png")
    (tmp_path / "secret.png").write_bytes(samples.png_transparent())
    thread = Thread(
        platform="manual",
        url="https://x.com/doc/status/1",
        author=Author("Doc", "doc", "https://x.com/doc"),
        posts=[
            post(
                1,
                Media("image", "media/sources/chart.png", alt="A chart"),
                Media("image", "media/sources/fake.png"),
                Media("image", "../secret.png"),
                Media("image", "/etc/hostname"),
                Media("image", "file:///etc/hostname"),
                Media("image", "media/sources/nowhere.png"),
            )
        ],
    )

    first = ensure_local_media(thread, content)
    second = ensure_local_media(thread, content)

    assert (first.encoded, first.failed) == (1, 5)
    assert (second.encoded, second.reused, second.failed) == (0, 1, 5)
    chart, fake, escape, absolute, scheme, nowhere = thread.posts[0].media
    assert chart.local is not None and (content / chart.local.original).is_file()
    assert "not a JPEG" in (fake.error or "")
    assert "outside the content folder" in (escape.error or "")
    assert "relative to the content folder" in (absolute.error or "")
    assert "only http(s)" in (scheme.error or "")
    assert "no such file" in (nowhere.error or "")


def test_a_symlink_out_of_the_content_folder_is_refused(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "outside.png").write_bytes(samples.png_transparent())
    (content / "link.png").symlink_to(tmp_path / "outside.png")
    with pytest.raises(ImageRejected, match="outside the content folder"):
        resolve_local_source("link.png", content)


def test_download_bigger_than_the_cap_is_refused(tmp_path: Path) -> None:
    thread = make_thread()
    thread.posts = [post(1, image("huge.jpg"))]
    thread.author.avatar_url = None
    huge = samples.jpeg((64, 64)) + b"\0" * (15 * 1024 * 1024)  # a lying or runaway server

    report = archive_thread_media(
        thread, tmp_path / "media", FakeDownloader({CDN + "huge.jpg": huge})
    )

    assert report.failed == 1
    assert "larger than the 15.0 MB limit" in (thread.posts[0].media[0].error or "")


def test_one_worker_and_two_workers_agree(tmp_path: Path) -> None:
    serial, parallel = make_thread(), make_thread()
    one = archive_thread_media(serial, tmp_path / "a", FakeDownloader(FILES), workers=1)
    two = archive_thread_media(parallel, tmp_path / "b", FakeDownloader(FILES), workers=2)
    assert (one.encoded, one.failed) == (two.encoded, two.failed)
    assert serial.to_dict() == parallel.to_dict()


def test_download_objects_with_data_are_accepted(tmp_path: Path) -> None:
    """``PoliteClient.download`` returns a ``Download(data, content_type, url)``, not bytes."""

    @dataclass
    class Download:
        data: bytes
        content_type: str
        url: str

    thread = make_thread()
    thread.author.avatar_url = None
    thread.posts = [post(1, image("chart.jpg")), post(2, image("odd.jpg"))]
    answers = {
        CDN + "chart.jpg": Download(FILES[CDN + "chart.jpg"], "image/jpeg", CDN + "chart.jpg"),
        CDN + "odd.jpg": {"not": "bytes"},
    }

    report = archive_thread_media(thread, tmp_path / "media", answers.__getitem__)

    assert (report.encoded, report.failed) == (1, 1)
    assert thread.posts[1].media[0].error == "the download returned no bytes"


def test_reports_add_up() -> None:
    from tweetorials.media.archive import MediaReport

    total = MediaReport(encoded=1, failures=[("a", "x")], failed=1) + MediaReport(reused=2)
    assert (total.encoded, total.reused, total.failed, total.total) == (1, 2, 1, 4)
    assert total.failures == [("a", "x")]


def test_a_local_path_that_does_not_parse_as_an_address_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageRejected, match="only http"):
        resolve_local_source("x://[::1", tmp_path)
