"""Archiving videos and GIFs as MP4 files served from the site, under the image rules.

Tweetorials animate mechanisms: a GIF of a pressure-volume loop, a short echo clip. Linking to
the platform's file lets the lesson die with the platform, so ``fetch`` keeps a copy, with the
same rules as images:

* **allowlisted container**: only MP4. The ``ftyp`` box must come first with an MP4 brand, and
  the top-level boxes must parse to the end of the file and include the movie header
  (``moov``), so an HTML error page, a QuickTime or WebM file, or a truncated download is
  refused, whatever the server called it;
* **capped download**: the best MP4 version whose size fits ``TWEETORIALS_MAX_VIDEO_BYTES``
  (default 8 MB). A version whose bitrate and duration already say it is too big is not asked
  for; a bigger one is refused on its ``Content-Length`` or as the stream passes the cap, and
  the next smaller version is tried;
* **hash-named files**: ``media/<first two hex digits>/<sha256>.mp4``, written atomically, so
  the same clip posted twice is stored once, and a second fetch finds it on disk and downloads
  nothing.

A video that cannot be archived keeps its poster and link, and ``Media.video_error`` says why,
for the page and the fetch report. Nothing here touches the network (``download`` is passed
in) or Pelican.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..files import atomic_write_bytes
from ..snapshot.model import LocalVideo, Media, Post, Thread, VideoVariant

__all__ = [
    "DEFAULT_MAX_VIDEO_BYTES",
    "MP4_BRANDS",
    "VideoDownloader",
    "VideoRejected",
    "VideoReport",
    "VideoTooLarge",
    "archive_thread_videos",
    "check_mp4",
    "forget_missing_videos",
    "store_video",
]

#: The default cap on one archived video: a GIF or a minute of small video, not a lecture.
DEFAULT_MAX_VIDEO_BYTES = 8 * 1024 * 1024

#: ``ftyp`` brands of the ISO base media / MP4 family that browsers play as ``video/mp4``.
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
)

#: ``download(url, max_bytes)`` returns the bytes, or raises :class:`VideoTooLarge` when the
#: file is bigger than ``max_bytes`` (the fetch side maps its HTTP client's refusal to it).
VideoDownloader = Callable[[str, int], bytes]


class VideoRejected(ValueError):
    """These bytes are not a video this site will publish; ``reason`` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class VideoTooLarge(VideoRejected):
    """The file is bigger than the cap (known from its headers or while reading it)."""


@dataclass
class VideoReport:
    """What happened to a thread's videos and GIFs (add reports for a whole run)."""

    archived: int = 0  # downloaded and stored now
    reused: int = 0  # already on disk: nothing downloaded
    skipped: int = 0  # kept as poster and link: Media.video_error says why
    notes: list[tuple[str, str]] = field(default_factory=list)  # (link, reason) of skipped

    def __add__(self, other: VideoReport) -> VideoReport:
        return VideoReport(
            self.archived + other.archived,
            self.reused + other.reused,
            self.skipped + other.skipped,
            self.notes + other.notes,
        )

    @property
    def total(self) -> int:
        return self.archived + self.reused + self.skipped

    def summary(self) -> str:
        """``videos: 1 archived, 2 reused, 1 not archived`` (empty when there were none)."""
        if not self.total:
            return ""
        return (
            f"videos: {self.archived} archived, {self.reused} reused, {self.skipped} not archived"
        )


def check_mp4(data: bytes) -> None:
    """Raise :class:`VideoRejected` unless ``data`` is a whole MP4 file.

    Reads only box headers (8 or 16 bytes each): the first box must be ``ftyp`` with an MP4
    major or compatible brand, every top-level box must fit inside the file, and one of them
    must be ``moov`` (without it no browser can play the file).
    """
    if len(data) < 16 or data[4:8] != b"ftyp":
        raise VideoRejected("the file is not an MP4 video (it has no ftyp box)")
    boxes = list(_top_level_boxes(data))
    ftyp_size = boxes[0][1]
    brands = {data[8:12]} | {data[i : i + 4] for i in range(16, ftyp_size - 3, 4)}
    if not brands & MP4_BRANDS:
        shown = data[8:12].decode("latin-1").strip() or "none"
        raise VideoRejected(f"the file is not an MP4 video (its brand is {shown!r})")
    if not any(kind == b"moov" for kind, _ in boxes):
        raise VideoRejected("the MP4 file has no movie header (moov); it cannot be played")


def _top_level_boxes(data: bytes) -> Iterator[tuple[bytes, int]]:
    """``(type, size)`` of each top-level box; :class:`VideoRejected` when they do not fit."""
    offset = 0
    while offset < len(data):
        if len(data) - offset < 8:
            raise VideoRejected("the MP4 file is cut short (a box header is incomplete)")
        size = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        if size == 1:  # a 64-bit size follows the type
            if len(data) - offset < 16:
                raise VideoRejected("the MP4 file is cut short (a box header is incomplete)")
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - offset
        if size < 8 or offset + size > len(data):
            raise VideoRejected("the MP4 file is cut short or damaged (a box does not fit)")
        yield kind, size
        offset += size


def store_video(
    data: bytes, media_root: Path, *, url_prefix: str = "media"
) -> tuple[LocalVideo, bool]:
    """Check ``data`` and store it once under its hash; returns it and whether it was written."""
    check_mp4(data)
    sha = hashlib.sha256(data).hexdigest()
    relative = f"{sha[:2]}/{sha}.mp4"
    target = Path(media_root) / relative
    written = not (target.is_file() and target.stat().st_size == len(data))
    if written:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)
    local = LocalVideo(sha256=sha, file=f"{url_prefix.strip('/')}/{relative}", bytes=len(data))
    return local, written


def archive_thread_videos(
    thread: Thread,
    content_root: Path,
    download: VideoDownloader,
    *,
    max_bytes: int = DEFAULT_MAX_VIDEO_BYTES,
    url_prefix: str = "media",
) -> VideoReport:
    """Archive every video and GIF of ``thread`` (posts and quoted posts), in place.

    Sets ``Media.video`` or ``Media.video_error``; never raises because of one video.
    """
    report = VideoReport()
    media_root = Path(content_root) / url_prefix.strip("/")
    for media in _videos(thread):
        if media.video is not None and _on_disk(media.video, Path(content_root)):
            report.reused += 1
            continue
        try:
            media.video = _archive_best(media, media_root, download, max_bytes, url_prefix)
        except VideoRejected as exc:
            media.video, media.video_error = None, exc.reason
            report.skipped += 1
            report.notes.append((media.link or media.url, exc.reason))
        else:
            media.video_error = None
            report.archived += 1
    return report


def forget_missing_videos(thread: Thread, content_root: Path) -> int:
    """Build side: stop pointing at archived videos whose file has gone (never downloads).

    Returns how many; the page then shows the poster and the link instead of a broken player.
    """
    missing = 0
    for media in _videos(thread):
        if media.video is not None and not _on_disk(media.video, Path(content_root)):
            media.video = None
            media.video_error = "the archived file is missing; run `tweetorials fetch --refresh`"
            missing += 1
    return missing


def _archive_best(
    media: Media, media_root: Path, download: VideoDownloader, max_bytes: int, url_prefix: str
) -> LocalVideo:
    """The best variant that fits; :class:`VideoRejected` saying why none could be kept."""
    if not media.variants:
        raise VideoRejected(
            "the platform offered no MP4 file of it (only a stream), so it could not be archived"
        )
    limit = _megabytes(max_bytes)
    too_big = 0
    problems: list[str] = []
    for variant in media.variants:
        estimate = _estimated_bytes(variant)
        if estimate is not None and estimate > max_bytes:
            too_big += 1
            continue
        try:
            data = download(variant.url, max_bytes)
            local, _ = store_video(data, media_root, url_prefix=url_prefix)
        except VideoTooLarge:
            too_big += 1
        except VideoRejected as exc:
            problems.append(exc.reason)
        except Exception as exc:  # the download failed: try a smaller version
            problems.append(f"download failed: {str(exc).strip() or type(exc).__name__}")
        else:
            return local
    if too_big == len(media.variants):
        raise VideoRejected(
            f"it is larger than the {limit} limit for archived videos (TWEETORIALS_MAX_VIDEO_BYTES)"
        )
    raise VideoRejected(problems[0] if problems else f"no version fits the {limit} limit")


def _estimated_bytes(variant: VideoVariant) -> int | None:
    """Bitrate times duration, when the source gave both: enough to skip a hopeless download."""
    if variant.bitrate and variant.duration:
        return int(variant.bitrate * variant.duration / 8)
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _on_disk(video: LocalVideo, content_root: Path) -> bool:
    path = content_root / video.file
    return path.is_file() and path.stat().st_size == video.bytes


def _videos(thread: Thread) -> Iterator[Media]:
    for post in thread.posts:
        yield from _post_videos(post)


def _post_videos(post: Post) -> Iterator[Media]:
    for media in post.media:
        if media.kind in ("video", "gif"):
            yield media
    if post.quote is not None:
        yield from _post_videos(post.quote)
