"""Archiving videos and GIFs: only real MP4s, the best version under the cap, stored once.

The downloads are a dict of bytes behind a fake ``download(url, cap)``; the files are built
box by box in :mod:`tests.video_samples`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tweetorials.media.videos import (
    VideoRejected,
    VideoTooLarge,
    archive_thread_videos,
    check_mp4,
    forget_missing_videos,
)
from tweetorials.snapshot.model import Author, Media, Post, Thread, VideoVariant

from tests.video_samples import box, mp4, quicktime

MB = 1024 * 1024


class Server:
    """What ``download(url, cap)`` sees: the files by URL, and every request made."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    def __call__(self, url: str, cap: int) -> bytes:
        self.asked.append(url)
        if url not in self.files:
            raise OSError(f"HTTP 404 for {url}")
        data = self.files[url]
        if len(data) > cap:
            raise VideoTooLarge(f"{len(data)} bytes, more than {cap}")
        return data


def thread_with(*media: Media) -> Thread:
    post = Post("1", "https://x.com/a/status/1", None, "t", "<p>t</p>", media=list(media))
    return Thread("x", post.url, Author("A", "a", "https://x.com/a"), [post])


def video(*variants: VideoVariant, kind: str = "video") -> Media:
    return Media(
        kind,
        "https://pbs.twimg.com/poster.jpg",
        link=variants[0].url if variants else None,
        variants=list(variants),
    )


def test_only_whole_mp4_files_pass() -> None:
    check_mp4(mp4())
    check_mp4(mp4(brand=b"mp42"))
    for data, reason in [
        (b"<html>404</html>" * 4, "no ftyp box"),
        (quicktime(), "its brand is 'qt'"),
        (mp4()[:-10], "cut short or damaged"),
        (box(b"ftyp", b"isom\0\0\0\0isom") + box(b"mdat", b"x" * 20), "no movie header"),
        (mp4() + b"\0\0\0", "cut short"),
    ]:
        with pytest.raises(VideoRejected, match=reason):
            check_mp4(data)


def test_the_best_version_under_the_cap_is_archived_once_by_its_hash(tmp_path: Path) -> None:
    big, small = mp4(3 * MB, seed=b"big"), mp4(MB, seed=b"small")
    server = Server({"https://v/2000.mp4": big, "https://v/800.mp4": small})
    clip = video(
        VideoVariant("https://v/2000.mp4", 2_000_000), VideoVariant("https://v/800.mp4", 800_000)
    )
    report = archive_thread_videos(thread_with(clip), tmp_path, server, max_bytes=2 * MB)
    # The big one had no duration to estimate from: asked for, refused on size, then the next.
    assert server.asked == ["https://v/2000.mp4", "https://v/800.mp4"]
    assert clip.video is not None and clip.video_error is None
    assert clip.video.bytes == len(small)
    assert clip.video.file == f"media/{clip.video.sha256[:2]}/{clip.video.sha256}.mp4"
    assert (tmp_path / clip.video.file).read_bytes() == small
    assert (report.archived, report.reused, report.skipped) == (1, 0, 0)

    # A second fetch finds it on disk and downloads nothing; the same clip twice is one file.
    again = video(VideoVariant("https://v/800.mp4", 800_000))
    again.video = clip.video
    twice = video(VideoVariant("https://v/800.mp4", 800_000))
    server.asked.clear()
    report = archive_thread_videos(thread_with(again, twice), tmp_path, server, max_bytes=2 * MB)
    assert (report.archived, report.reused) == (1, 1)
    assert server.asked == ["https://v/800.mp4"]  # only the one never archived
    assert twice.video == clip.video
    assert len(list(tmp_path.rglob("*.mp4"))) == 1


def test_a_version_known_to_be_too_big_is_never_downloaded(tmp_path: Path) -> None:
    server = Server({"https://v/hd.mp4": mp4(MB), "https://v/sd.mp4": mp4(MB // 2)})
    clip = video(
        VideoVariant("https://v/hd.mp4", 8_768_000, 52.352),  # about 57 MB
        VideoVariant("https://v/sd.mp4", 432_000, 52.352),  # about 2.8 MB
    )
    archive_thread_videos(thread_with(clip), tmp_path, server, max_bytes=8 * MB)
    assert server.asked == ["https://v/sd.mp4"] and clip.video is not None


def test_a_video_over_the_cap_keeps_its_poster_and_says_why(tmp_path: Path) -> None:
    server = Server({"https://v/a.mp4": mp4(3 * MB)})
    clip = video(VideoVariant("https://v/a.mp4"), kind="gif")
    report = archive_thread_videos(thread_with(clip), tmp_path, server, max_bytes=2 * MB)
    assert clip.video is None
    assert clip.video_error == (
        "it is larger than the 2 MB limit for archived videos (TWEETORIALS_MAX_VIDEO_BYTES)"
    )
    assert report.skipped == 1 and report.notes == [("https://v/a.mp4", clip.video_error)]
    assert report.summary() == "videos: 0 archived, 0 reused, 1 not archived"
    assert not list(tmp_path.rglob("*.mp4"))


def test_a_file_that_is_not_mp4_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    server = Server({"https://v/a.mp4": quicktime()})
    clip = video(VideoVariant("https://v/a.mp4"))
    archive_thread_videos(thread_with(clip), tmp_path, server)
    assert clip.video is None and "not an MP4 video" in (clip.video_error or "")
    assert not list(tmp_path.rglob("*.mp4"))


def test_a_stream_without_an_mp4_is_explained(tmp_path: Path) -> None:
    clip = video()  # Bluesky: an HLS playlist only
    archive_thread_videos(thread_with(clip), tmp_path, Server({}))
    assert clip.video_error == (
        "the platform offered no MP4 file of it (only a stream), so it could not be archived"
    )


def test_the_build_forgets_a_video_whose_file_is_gone(tmp_path: Path) -> None:
    clip = video(VideoVariant("https://v/a.mp4"))
    thread = thread_with(clip)
    archive_thread_videos(thread, tmp_path, Server({"https://v/a.mp4": mp4()}))
    assert forget_missing_videos(thread, tmp_path) == 0 and clip.video is not None
    (tmp_path / clip.video.file).unlink()
    assert forget_missing_videos(thread, tmp_path) == 1
    assert clip.video is None and "missing" in (clip.video_error or "")


# -- what the sources offer (crafted fixtures, see tests/fixtures/README.md) ----------------------


def test_sources_list_every_mp4_best_first_with_what_estimates_its_size() -> None:
    import json

    from tweetorials.fetch.sources.mastodon import post_from_status
    from tweetorials.fetch.sources.x_parse import post_from_fxtwitter, post_from_syndication

    from tests.conftest import FIXTURES

    def load(name: str) -> dict:  # type: ignore[type-arg]
        return json.loads((FIXTURES / name).read_text(encoding="utf-8"))

    thread = load("x/crafted_fxtwitter_thread_video_gif.json")["thread"]
    [clip] = post_from_fxtwitter(thread[0]).media
    assert clip.kind == "video" and clip.alt == "Echo loop: the left ventricle squeezes poorly"
    assert [v.bitrate for v in clip.variants] == [8768000, 1280000, 832000, 432000]
    assert {v.duration for v in clip.variants} == {52.352}
    assert clip.link == clip.variants[0].url  # the page links the best one
    [gif] = post_from_fxtwitter(thread[1]).media
    assert gif.kind == "gif" and [v.url for v in gif.variants] == [
        "https://video.twimg.com/tweet_video/loop.mp4"
    ]

    [gif] = post_from_syndication(load("x/crafted_syndication_lang_pt_gif.json")).media
    assert gif.kind == "gif" and gif.variants == [
        VideoVariant("https://video.twimg.com/tweet_video/qrs.mp4", None, None)
    ]

    status = load("mastodon/crafted_status_language_es_video.json")
    clip, gif = post_from_status(status, server="med.example.social").media
    assert (clip.kind, gif.kind) == ("video", "gif")
    assert clip.variants == [
        VideoVariant(
            "https://files.med.example.social/media_attachments/files/mv1/original/ciclo.mp4",
            400000,
            20.0,
        )
    ]
    assert clip.alt.startswith("Vídeo: presión y volumen")


def test_the_video_cap_is_a_setting_with_an_8_mb_default(tmp_path: Path) -> None:
    from tweetorials.settings import Settings, SettingsError

    catalog = tmp_path / "threads.yaml"
    assert Settings.for_cli(catalog, environ={}).max_video_bytes == 8 * MB
    given = {"TWEETORIALS_MAX_VIDEO_BYTES": "2MB"}
    assert Settings.for_cli(catalog, environ=given).max_video_bytes == 2 * MB
    pelican = {"PATH": str(tmp_path / "content"), "TWEETORIALS_MAX_VIDEO_BYTES": 500_000}
    assert Settings.from_pelican(pelican, environ={}).max_video_bytes == 500_000
    with pytest.raises(SettingsError, match="TWEETORIALS_MAX_VIDEO_BYTES"):
        Settings.for_cli(catalog, environ={"TWEETORIALS_MAX_VIDEO_BYTES": "lots"})
