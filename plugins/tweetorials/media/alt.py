"""Alt text: what counts as a real description of an image, and what is only a placeholder.

Platforms fill the alt attribute with words that describe nothing: X/Twitter's default is the
literal ``"Image"``, other clients write ``"photo"`` or ``"image description"``. A reader of a
screen reader hears those as if they were a description, and ``tweetorials check`` would not
list the image as missing alt text, so they are normalised to the empty string here, in one
place that sources, templates and checks share.
"""

from __future__ import annotations

import re

from ..snapshot.model import Media

__all__ = ["PLACEHOLDER_ALTS", "effective_alt", "is_placeholder_alt", "normalise_alt"]

#: Lower-cased texts that platforms and clients put in the alt attribute when the author wrote
#: none. Compared after whitespace is collapsed and trailing punctuation removed.
PLACEHOLDER_ALTS: frozenset[str] = frozenset(
    {
        "",
        "image",
        "img",
        "photo",
        "picture",
        "pic",
        "gif",
        "video",
        "embedded video",
        "alt",
        "alt text",
        "image description",
        "no description",
        "no alt text",
        "no alt",
        "none",
        "null",
        "undefined",
        "n/a",
        "-",
    }
)

_SPACE = re.compile(r"\s+")


def normalise_alt(text: str | None) -> str:
    """Collapse whitespace, and return ``""`` for placeholders that describe nothing."""
    if not text:
        return ""
    collapsed = _SPACE.sub(" ", text).strip()
    return "" if is_placeholder_alt(collapsed) else collapsed


def is_placeholder_alt(text: str | None) -> bool:
    """True when ``text`` is empty or one of the platforms' stand-ins such as ``"Image"``."""
    if not text:
        return True
    key = _SPACE.sub(" ", text).strip().rstrip(".:").strip().casefold()
    return key in PLACEHOLDER_ALTS


def effective_alt(media: Media, override: str | None = None) -> str:
    """The alt text a page should print for ``media``: the catalog's override, else the platform's.

    An override (from ``threads.yaml``) wins even over a good platform text, because the
    maintainer wrote it for this audience; a placeholder override falls back to the platform.
    """
    chosen = normalise_alt(override)
    return chosen or normalise_alt(media.alt)
