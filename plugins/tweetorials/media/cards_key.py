"""A social card's name: what it shows, hashed, so a card is drawn again exactly when it should.

Kept apart from :mod:`.cards`, which draws them with Pillow: a build whose cards are all in
the cache only names them, and so never loads Pillow's drawing and font modules (FreeType,
HarfBuzz: about 2 MB of the build's memory).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CARD_VERSION", "Specialty", "card_key"]

#: Bump when the drawing changes, so every card is made again with the new design.
CARD_VERSION = 2  # 2: a 256-colour PNG

Specialty = tuple[str, str]  # (name, "#rrggbb")


def card_key(
    title: str,
    author_name: str,
    handle: str,
    specialties: Sequence[Specialty],
    site_name: str,
) -> str:
    """A hash of everything a card shows; it changes exactly when the card should."""
    import hashlib  # here, not at the top: the card worker draws but never hashes (4 MB)
    import json

    inputs = [CARD_VERSION, title, author_name, handle, [list(s) for s in specialties], site_name]
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode("utf-8")).hexdigest()
