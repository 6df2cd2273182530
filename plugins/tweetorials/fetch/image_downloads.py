"""The fetch side of the media pipeline: archive a freshly fetched thread's images.

The runner is handed a plain ``Callable[[Thread], MediaReport]`` (see
:func:`~tweetorials.fetch.runner.fetch_threads`); this module builds it from the run's one
:class:`~tweetorials.fetch.http.PoliteClient`, so image downloads share its User-Agent, its
per-host politeness, its retries and its request count. The byte cap is enforced twice with the
same number: by the client while streaming (``Content-Length`` or the stream passing it) and by
Pillow's checks in :mod:`tweetorials.media.images`.

The media package (and Pillow with it) is imported only when a thread actually has to be
archived, so a ``fetch`` with nothing to do stays as cheap as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ResponseTooLarge

if TYPE_CHECKING:
    from ..media.archive import MediaReport
    from ..snapshot import Thread
    from .http import PoliteClient

__all__ = ["ImageArchiver", "image_archiver"]

#: What the runner calls for every thread it is about to save.
ImageArchiver = Callable[["Thread"], "MediaReport"]


def image_archiver(
    client: PoliteClient,
    content_root: Path,
    *,
    max_bytes: int,
    url_prefix: str = "media",
    max_video_bytes: int,
) -> ImageArchiver:
    """Archive images under ``content_root/url_prefix`` (``content/media``), as the build reads them.

    The callable fills ``Media.local`` (or ``Media.error``) in place and never raises because
    of an image; images already archived under the same URL are reused without a request.
    Videos and GIFs get their MP4 archived too (``Media.video``, or ``Media.video_error``
    saying why not), up to ``max_video_bytes`` each (:mod:`tweetorials.media.videos`).
    """
    content_root = Path(content_root)
    media_root = content_root / url_prefix.strip("/")

    def download(url: str) -> object:
        return client.download(url, max_bytes=max_bytes, accept=("image/",))

    download_video = _video_download(client)

    def archive(thread: Thread) -> MediaReport:
        from ..media.archive import archive_thread_media
        from ..media.images import DEFAULT_LIMITS
        from ..media.videos import archive_thread_videos

        report = archive_thread_media(
            thread,
            media_root,
            download,
            content_root=content_root,
            url_prefix=url_prefix,
            limits=replace(DEFAULT_LIMITS, max_bytes=max_bytes),
        )
        report.videos = archive_thread_videos(
            thread, content_root, download_video, max_bytes=max_video_bytes, url_prefix=url_prefix
        )
        return report

    return archive


def _video_download(client: PoliteClient) -> Callable[[str, int], bytes]:
    """Downloads one MP4 up to the cap it is given; a larger one raises ``VideoTooLarge``."""

    def download_video(url: str, cap: int) -> bytes:
        from ..media.videos import VideoTooLarge

        try:
            answer = client.download(
                url, max_bytes=cap, accept=("video/mp4", "application/octet-stream")
            )
        except ResponseTooLarge as exc:
            raise VideoTooLarge(str(exc)) from exc
        return answer.data

    return download_video
