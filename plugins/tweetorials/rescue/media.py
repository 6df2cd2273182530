"""The images of an imported thread, through the same Pillow pipeline as fetched ones.

The bytes come from the export instead of the network, and are just as untrusted: they go
through :func:`tweetorials.media.images.store_image` (format allowlist, size caps, metadata
stripped, web sizes named by content hash, so importing twice writes nothing new).

Exports are often incomplete: an X archive names an image in ``tweets.js`` whose file was left
out, a Bluesky repository holds no blobs at all. That is no reason to refuse the thread. The
post is imported, the image keeps its alt text and is marked ``not archived`` (the page shows
the placeholder with the alt text), and the command prints one warning line per image.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..media.images import ImageRejected, store_image
from ..snapshot import Media, Post, Thread
from .errors import RefusedImport
from .export import MediaLoader

__all__ = ["NOT_ARCHIVED", "archive_imported_media"]

NOT_ARCHIVED = "not archived: the export names this image but does not hold the file"


def archive_imported_media(
    thread: Thread,
    media: dict[str, MediaLoader],
    media_root: Path,
    *,
    url_prefix: str = "media",
) -> list[str]:
    """Store every image the export holds, mark the others; return one warning per problem.

    Fills ``Media.local`` (and the size) or ``Media.error`` in place. Video and GIF entries
    are posters: the same rule applies to the poster image.
    """
    warnings: list[str] = []
    _archive_avatar(thread, media, media_root, url_prefix, warnings)
    for number, item in _numbered_media(thread):
        loader = media.get(item.url)
        if loader is None:
            item.local, item.error = None, NOT_ARCHIVED
            missing = (
                "is not in the export"
                if item.kind == "image"
                else f"is the still of a {item.kind}, which the export does not hold"
            )
            warnings.append(f"{number}: {_name(item.url)} {missing}; {_kept(item)}")
            continue
        try:
            stored = store_image(loader(), media_root, url_prefix=url_prefix)
        except (ImageRejected, RefusedImport) as exc:
            reason = exc.reason if isinstance(exc, ImageRejected) else exc.message
            item.local, item.error = None, f"not archived: {reason}"
            warnings.append(f"{number}: {_name(item.url)} was refused ({reason}); {_kept(item)}")
            continue
        item.local, item.error = stored.local, None
        item.width, item.height = stored.local.width, stored.local.height
    return warnings


def _archive_avatar(
    thread: Thread,
    media: dict[str, MediaLoader],
    media_root: Path,
    url_prefix: str,
    warnings: list[str],
) -> None:
    """The author's picture, when the export holds it; without it the page shows initials."""
    author = thread.author
    loader = media.get(author.avatar_url or "")
    if loader is None:
        author.avatar_url = author.avatar = None
        return
    try:
        author.avatar = store_image(loader(), media_root, url_prefix=url_prefix).local
    except (ImageRejected, RefusedImport) as exc:
        reason = exc.reason if isinstance(exc, ImageRejected) else exc.message
        author.avatar_url = author.avatar = None
        warnings.append(f"the author's profile picture was refused ({reason}); none is shown")


def _numbered_media(thread: Thread) -> Iterator[tuple[str, Media]]:
    """``post 3 image 2`` for every image, quoted posts' images counted after the post's own."""
    for post_no, post in enumerate(thread.posts, start=1):
        for image_no, item, _ in _images(post):
            yield f"post {post_no} image {image_no}", item


def _images(post: Post) -> list[tuple[int, Media, bool]]:
    return post.numbered_images()


def _name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1] or url


def _kept(item: Media) -> str:
    alt = "with its alt text" if item.alt.strip() else "it had no alt text"
    return f"imported the post, image marked not archived ({alt})"
