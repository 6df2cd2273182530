"""Images and social cards, made with Pillow and served from the site itself.

* :mod:`.images`: untrusted bytes -> validated, metadata-free web sizes named by content hash.
* :mod:`.archive`: every image of a thread, downloaded by ``fetch`` or processed offline by
  the build; failures become ``Media.error``, never exceptions.
* :mod:`.alt`: alt-text normalisation (platform placeholders such as ``"Image"`` are empty).
* :mod:`.cards`: the 1200x630 social card of a thread, with bundled fonts (:mod:`.typeset`).

Nothing here imports the fetch layer or Pelican.
"""

from __future__ import annotations

from .alt import effective_alt, is_placeholder_alt, normalise_alt
from .archive import MediaReport, archive_thread_media, ensure_local_media
from .images import (
    ImageLimits,
    ImageRejected,
    largest_rendition,
    srcset,
    store_image,
)

__all__ = [
    "ImageLimits",
    "ImageRejected",
    "MediaReport",
    "archive_thread_media",
    "effective_alt",
    "ensure_local_media",
    "is_placeholder_alt",
    "largest_rendition",
    "normalise_alt",
    "srcset",
    "store_image",
]
