"""Archiving every image a thread shows: posts, quoted posts, link cards and avatars.

Two entry points, one per side of the project:

* :func:`archive_thread_media` is for ``fetch``: it may download. The HTTP client is passed in
  as a plain ``download(url)`` callable returning bytes or a ``Download`` (the fetch runner
  hands it ``PoliteClient.download`` with its byte cap and ``accept=("image/",)``), so this
  module never imports the network layer and tests need no server.
* :func:`ensure_local_media` is for the site build: it never touches the network. It processes
  the local files that hand-written snapshots point at, rebuilds web sizes from archived
  full-size copies when needed, and counts what is still missing, so ``make html`` works
  offline.

Neither raises because of one bad picture: a failed image gets ``Media.error`` (the page shows
a placeholder with the alt text and a link to the original) and is counted in the
:class:`MediaReport`, which also counts encoded versus reused images, so "a second build
encodes zero images" is something a test and a person can both see.

Images are processed on a small thread pool (two workers by default, one per core): Pillow
releases the GIL while decoding, resizing and encoding, and threads need no pickling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..sanitize import split_url
from ..snapshot.model import Author, LocalImage, Media, Post, Thread
from .images import (
    DEFAULT_LIMITS,
    DEFAULT_WIDTHS,
    ImageLimits,
    ImageRejected,
    StoredImage,
    load_processed,
    reencode_kept_original,
    store_image,
)
from .videos import VideoReport

__all__ = [
    "Downloader",
    "MediaReport",
    "archive_thread_media",
    "ensure_local_media",
    "is_remote",
    "resolve_local_source",
]

log = logging.getLogger(__name__)

#: ``download(url)`` returns the bytes, or an object with a ``data`` attribute holding them
#: (such as the ``Download`` that ``PoliteClient.download`` returns).
Downloader = Callable[[str], object]

DEFAULT_WORKERS = 2


@dataclass
class MediaReport:
    """What happened to a thread's images (add reports together for a whole run)."""

    encoded: int = 0  # processed now: web sizes written
    reused: int = 0  # already processed: nothing written
    failed: int = 0  # rejected or could not be read or downloaded: Media.error says why
    missing: int = 0  # build side only: a remote image that was never archived
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url or path, reason)
    videos: VideoReport = field(default_factory=VideoReport)  # fetch side: MP4s archived

    def __add__(self, other: MediaReport) -> MediaReport:
        return MediaReport(
            encoded=self.encoded + other.encoded,
            reused=self.reused + other.reused,
            failed=self.failed + other.failed,
            missing=self.missing + other.missing,
            failures=self.failures + other.failures,
            videos=self.videos + other.videos,
        )

    @property
    def total(self) -> int:
        return self.encoded + self.reused + self.failed + self.missing

    def summary(self) -> str:
        """One line for the console: ``images: 0 encoded, 12 reused, 1 failed``."""
        parts = [f"{self.encoded} encoded", f"{self.reused} reused", f"{self.failed} failed"]
        if self.missing:
            parts.append(f"{self.missing} not archived yet (run `tweetorials fetch`)")
        videos = self.videos.summary()
        return "images: " + ", ".join(parts) + (f"; {videos}" if videos else "")


# --------------------------------------------------------------------------------------------
# Public entry points


def archive_thread_media(
    thread: Thread,
    media_root: Path,
    download: Downloader,
    *,
    content_root: Path | None = None,
    widths: Iterable[int] = DEFAULT_WIDTHS,
    url_prefix: str = "media",
    limits: ImageLimits = DEFAULT_LIMITS,
    workers: int = DEFAULT_WORKERS,
) -> MediaReport:
    """Download (if needed) and process every image of ``thread``, filling ``Media.local``.

    An image whose files are already on disk is not downloaded again. Local paths (hand-written
    snapshots) are read from ``content_root`` (default: the parent of ``media_root``).
    ``download`` may raise anything; the message becomes the image's ``error``.
    """
    media_root = Path(media_root)
    root = Path(content_root) if content_root is not None else media_root.parent
    settings = _Settings(media_root, root, tuple(widths), url_prefix, limits)
    return _run(thread, settings, download, workers)


def ensure_local_media(
    thread: Thread,
    content_root: Path,
    *,
    media_root: Path | None = None,
    widths: Iterable[int] = DEFAULT_WIDTHS,
    url_prefix: str = "media",
    limits: ImageLimits = DEFAULT_LIMITS,
    workers: int = DEFAULT_WORKERS,
) -> MediaReport:
    """Make every image of ``thread`` that can be had offline ready for the pages.

    Never downloads. ``media_root`` defaults to ``content_root / url_prefix``. A remote image
    that was never archived, or whose files have gone, is counted as ``missing`` and left with
    ``local = None`` so the page shows its placeholder; one that a fetch could not archive
    (``Media.error`` set) is counted as ``failed`` without being logged again.
    """
    content_root = Path(content_root)
    root = Path(media_root) if media_root is not None else content_root / url_prefix.strip("/")
    settings = _Settings(root, content_root, tuple(widths), url_prefix, limits)
    return _run(thread, settings, None, workers)


def is_remote(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def resolve_local_source(path: str, content_root: Path) -> Path:
    """The file a hand-written snapshot points at, refusing anything outside ``content_root``."""
    if not path or path.startswith(("/", "\\")) or "\\" in path or "\x00" in path:
        raise ImageRejected(f"{path!r} must be a path relative to the content folder")
    parts = split_url(path)
    if parts is None or parts.scheme:
        raise ImageRejected(f"{path!r}: only http(s) addresses or local paths are accepted")
    root = Path(content_root).resolve()
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root):
        raise ImageRejected(f"{path!r} points outside the content folder")
    if not candidate.is_file():
        raise ImageRejected(f"{path!r}: no such file in the content folder ({root})")
    return candidate


# --------------------------------------------------------------------------------------------
# Where the images of a thread are


@dataclass
class _Slot:
    """One place in the thread that shows an image: a Media, or an author's avatar."""

    url: str
    media: Media | None = None
    author: Author | None = None

    @property
    def local(self) -> LocalImage | None:
        if self.media is not None:
            return self.media.local
        return self.author.avatar if self.author is not None else None

    def succeed(self, local: LocalImage) -> None:
        if self.media is not None:
            self.media.local = local
            self.media.error = None
            if self.media.width is None or self.media.height is None:
                self.media.width, self.media.height = local.width, local.height
        elif self.author is not None:
            self.author.avatar = local

    def fail(self, reason: str) -> None:
        if self.media is not None:
            self.media.error = reason

    def forget(self) -> None:
        """The archived files are gone: stop pointing at them (in memory, build side only)."""
        if self.media is not None:
            self.media.local = None
        elif self.author is not None:
            self.author.avatar = None


def iter_slots(thread: Thread) -> Iterator[_Slot]:
    """Every image of the thread, in reading order, avatars included."""
    yield from _author_slots(thread.author)
    for post in thread.posts:
        yield from _post_slots(post)


def _post_slots(post: Post) -> Iterator[_Slot]:
    for media in post.media:
        if media.url:
            yield _Slot(media.url, media=media)
    if post.card is not None and post.card.image is not None and post.card.image.url:
        yield _Slot(post.card.image.url, media=post.card.image)
    if post.author is not None:
        yield from _author_slots(post.author)
    if post.quote is not None:
        yield from _post_slots(post.quote)


def _author_slots(author: Author) -> Iterator[_Slot]:
    if author.avatar_url:
        yield _Slot(author.avatar_url, author=author)


# --------------------------------------------------------------------------------------------
# Doing the work


@dataclass(frozen=True)
class _Settings:
    media_root: Path
    content_root: Path
    widths: tuple[int, ...]
    url_prefix: str
    limits: ImageLimits


@dataclass(frozen=True)
class _Outcome:
    status: str  # "encoded", "reused", "failed", "missing"
    local: LocalImage | None = None
    reason: str = ""
    known: bool = False  # a failure recorded by an earlier fetch: counted, not logged again


def _run(
    thread: Thread, settings: _Settings, download: Downloader | None, workers: int
) -> MediaReport:
    groups: dict[str, list[_Slot]] = {}
    for slot in iter_slots(thread):
        groups.setdefault(slot.url, []).append(slot)

    jobs = list(groups.items())
    if workers > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="media") as pool:
            outcomes = list(pool.map(lambda job: _settle(job[0], job[1], settings, download), jobs))
    else:
        outcomes = [_settle(url, slots, settings, download) for url, slots in jobs]

    report = MediaReport()
    for (url, slots), outcome in zip(jobs, outcomes, strict=True):
        if outcome.status in ("encoded", "reused"):
            assert outcome.local is not None
            for slot in slots:
                slot.succeed(outcome.local)
            if outcome.status == "encoded":
                report.encoded += 1
            else:
                report.reused += 1
        elif outcome.status == "missing":
            for slot in slots:
                if slot.local is not None:
                    slot.forget()
            report.missing += 1
        else:
            for slot in slots:
                slot.fail(outcome.reason)
            report.failed += 1
            report.failures.append((url, outcome.reason))
            if download is not None and not outcome.known:  # the build logs its own, with places
                log.warning("image %s not archived: %s", url, outcome.reason)
    return report


def _settle(
    url: str, slots: list[_Slot], settings: _Settings, download: Downloader | None
) -> _Outcome:
    """Produce the stored image for one URL; never raises."""
    try:
        if not is_remote(url):
            source = resolve_local_source(url, settings.content_root)
            size = source.stat().st_size
            if size > settings.limits.max_bytes:
                limit = settings.limits.max_bytes / (1024 * 1024)
                raise ImageRejected(
                    f"the file is larger than the {limit:.1f} MB limit ({size:,} bytes)"
                )
            return _stored(_store(source.read_bytes(), settings))

        archived = _already_archived(slots, settings)
        if archived is not None:
            return archived
        if download is None:
            recorded = next((s.media.error for s in slots if s.media and s.media.error), None)
            if recorded:
                return _Outcome("failed", reason=recorded, known=True)
            return _Outcome("missing")
        try:
            answer = download(url)
        except Exception as exc:
            return _Outcome("failed", reason=f"download failed: {_describe(exc)}")
        data = getattr(answer, "data", answer)
        if not isinstance(data, bytes | bytearray):
            return _Outcome("failed", reason="the download returned no bytes")
        return _stored(_store(bytes(data), settings))
    except ImageRejected as exc:
        return _Outcome("failed", reason=exc.reason)
    except Exception as exc:  # a full disk, a permission problem: report it, keep going
        log.warning("unexpected error while processing image %s", url, exc_info=True)
        return _Outcome("failed", reason=f"could not process the image: {_describe(exc)}")


def _already_archived(slots: list[_Slot], settings: _Settings) -> _Outcome | None:
    """An image processed before: reuse it, or rebuild its web sizes from the kept copy."""
    for slot in slots:
        local = slot.local
        if local is None:
            continue
        found = load_processed(
            local.sha256,
            settings.media_root,
            widths=settings.widths,
            url_prefix=settings.url_prefix,
        )
        if found is not None:
            return _Outcome("reused", found)
        rebuilt = reencode_kept_original(
            local,
            settings.media_root,
            widths=settings.widths,
            url_prefix=settings.url_prefix,
            limits=settings.limits,
        )
        if rebuilt is not None:
            return _stored(rebuilt)
    return None


def _store(data: bytes, settings: _Settings) -> StoredImage:
    return store_image(
        data,
        settings.media_root,
        widths=settings.widths,
        url_prefix=settings.url_prefix,
        limits=settings.limits,
    )


def _stored(stored: StoredImage) -> _Outcome:
    return _Outcome("encoded" if stored.encoded else "reused", stored.local)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__
